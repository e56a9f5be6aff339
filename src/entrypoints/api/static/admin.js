// Admin page of the expert directory: plain JS, no build step, no third-party code.
// Everything that comes from the server is rendered with textContent, never as HTML.
"use strict";

(function () {
  const KEY_STORAGE = "enrichAdminKey";
  const PAGE_SIZE = 20;
  const STATE_LABELS = {
    tagged: "tagged",
    pending: "pending",
    failed: "failed",
    no_bio: "no bio",
  };

  const $ = (id) => document.getElementById(id);
  const table = { offset: 0, total: 0, sort: "id", order: "desc", state: "" };

  // --- DOM helpers (text only) --------------------------------------------------------------

  function el(tag, options, children) {
    const node = document.createElement(tag);
    const opts = options || {};
    if (opts.className) node.className = opts.className;
    if (opts.text !== undefined && opts.text !== null) node.textContent = String(opts.text);
    if (opts.title) node.setAttribute("title", String(opts.title));
    for (const child of children || []) {
      if (child) node.appendChild(child);
    }
    return node;
  }

  function show(node, message) {
    node.textContent = message;
    node.hidden = !message;
  }

  function tagList(tags) {
    const list = el("ul", { className: "tags" });
    for (const tag of tags || []) list.appendChild(el("li", { className: "tag", text: tag }));
    return list;
  }

  function excerpt(text, limit) {
    return text.length > limit ? text.slice(0, limit - 1).trimEnd() + "…" : text;
  }

  function formatScore(score) {
    return score === null || score === undefined ? "–" : Number(score).toFixed(1);
  }

  // --- HTTP ---------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, code, message, field) {
      super(message);
      this.status = status;
      this.code = code;
      this.field = field;
    }
  }

  async function call(path, options) {
    const opts = options || {};
    const headers = { Accept: "application/json" };
    if (opts.admin) headers["X-Admin-Key"] = sessionStorage.getItem(KEY_STORAGE) || "";
    if (opts.body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(path, {
        method: opts.method || "GET",
        headers: headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
    } catch (error) {
      throw new ApiError(0, "network", "The server cannot be reached: is `enrich serve` running?");
    }
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    if (!response.ok) {
      const detail = (data && data.error) || {};
      throw new ApiError(
        response.status,
        detail.code || "http_" + response.status,
        detail.message || "The server answered " + response.status + ".",
        detail.field || null,
      );
    }
    return data;
  }

  function keyProblem(error) {
    if (error.code === "admin_key_invalid") return "Wrong admin key: " + error.message + ".";
    if (error.code === "admin_key_not_configured") return "Admin is disabled: " + error.message + ".";
    if (error.code === "admin_key_missing") return "Enter the admin key to continue.";
    return null;
  }

  // --- sign in ------------------------------------------------------------------------------

  function setSignedIn(signedIn) {
    $("key-form").hidden = signedIn;
    $("signed-in").hidden = !signedIn;
    for (const section of document.querySelectorAll(".admin-only")) section.hidden = !signedIn;
  }

  function signOut(message) {
    sessionStorage.removeItem(KEY_STORAGE);
    setSignedIn(false);
    show($("key-message"), message || "");
    $("admin-key").focus();
  }

  async function signIn(key) {
    sessionStorage.setItem(KEY_STORAGE, key);
    try {
      await call("/api/admin/experts?limit=1", { admin: true });
    } catch (error) {
      sessionStorage.removeItem(KEY_STORAGE);
      signOut(keyProblem(error) || error.message);
      return;
    }
    show($("key-message"), "");
    setSignedIn(true);
    await loadExperts();
  }

  // When an admin call is refused for its key, go back to the sign-in form; true if it was.
  function handleKeyError(error) {
    const problem = keyProblem(error);
    if (problem) signOut(problem);
    return Boolean(problem);
  }

  // --- add an expert ------------------------------------------------------------------------

  function formBody(form) {
    const body = {};
    for (const input of form.querySelectorAll("input, textarea")) {
      input.removeAttribute("aria-invalid");
      const value = input.value.trim();
      if (!value) continue;
      body[input.name] = input.name === "hourly_rate" ? Number(value) : value;
    }
    return body;
  }

  function renderAddResult(expert) {
    const box = $("add-result");
    box.replaceChildren();
    const name = expert.name === expert.username ? "@" + expert.username : expert.name + " (@" + expert.username + ")";
    box.appendChild(el("p", { className: "result-title", text: "Added " + name }));
    box.appendChild(
      el("p", { className: "score", text: "Findability " + formatScore(expert.findability_score) + " / 100" }),
    );
    if (expert.tagging === "tagged") {
      box.appendChild(el("p", { className: "muted", text: "Tags by " + expert.tagged_by + ":" }));
      box.appendChild(tagList(expert.tags));
    } else if (expert.tagging === "retry_scheduled") {
      box.appendChild(
        el("p", {
          className: "warning",
          text: "Tagging failed, so the expert was saved without tags: tags will be retried in the background.",
        }),
      );
      if (expert.tagging_error) box.appendChild(el("p", { className: "muted small", text: expert.tagging_error }));
    } else {
      box.appendChild(
        el("p", { className: "muted", text: "No bio, so no tags: the expert is scored but not searchable." }),
      );
    }
    box.hidden = false;
  }

  async function addExpert(event) {
    event.preventDefault();
    const form = $("add-form");
    const body = formBody(form);
    show($("add-error"), "");
    $("add-result").hidden = true;
    if (!body.username) {
      const input = form.elements.namedItem("username");
      input.setAttribute("aria-invalid", "true");
      input.focus();
      show($("add-error"), "Enter a username.");
      return;
    }
    $("add-spinner-text").textContent = body.bio ? "Generating tags..." : "Saving...";
    $("add-spinner").hidden = false;
    $("add-submit").disabled = true;
    try {
      const expert = await call("/api/admin/experts", { method: "POST", body: body, admin: true });
      renderAddResult(expert);
      form.reset();
      table.offset = 0;
      await loadExperts();
    } catch (error) {
      if (handleKeyError(error)) return;
      let message = error.message;
      if (error.status === 409) message = "That username is taken: " + error.message + ".";
      if (error.status === 422 && error.field) {
        const reason = error.message.startsWith(error.field + ": ")
          ? error.message.slice(error.field.length + 2)
          : error.message;
        message = "Check " + error.field.replace(/_/g, " ") + ": " + reason;
        const input = form.elements.namedItem(error.field);
        if (input) {
          input.setAttribute("aria-invalid", "true");
          input.focus();
        }
      }
      show($("add-error"), message);
    } finally {
      $("add-spinner").hidden = true;
      $("add-submit").disabled = false;
    }
  }

  // --- experts table ------------------------------------------------------------------------

  function expertRow(expert) {
    const who = el("td", {}, [
      el("div", { className: "name", text: expert.name }),
      el("div", { className: "muted small", text: "@" + expert.username }),
    ]);
    const state = STATE_LABELS[expert.tagging_state] || expert.tagging_state;
    return el("tr", {}, [
      who,
      el("td", { className: "profile" }, [
        expert.job_title ? el("div", { text: expert.job_title }) : null,
        expert.bio ? el("div", { className: "muted small bio", text: excerpt(expert.bio, 140) }) : null,
      ]),
      el("td", {}, [expert.tags ? tagList(expert.tags) : el("span", { className: "muted", text: "–" })]),
      el("td", { className: "num", text: formatScore(expert.findability_score) }),
      el("td", {}, [el("span", { className: "badge state-" + expert.tagging_state, text: state })]),
      el("td", { className: "small", text: expert.tagged_by || "" }),
      el("td", { className: "small error-cell", text: expert.tagging_error || "", title: expert.tagging_error }),
    ]);
  }

  function renderSortButtons() {
    for (const button of document.querySelectorAll("button.sort")) {
      const active = button.dataset.sort === table.sort;
      const arrow = active ? (table.order === "desc" ? " ▼" : " ▲") : "";
      button.textContent = button.dataset.label + arrow;
      button.setAttribute("aria-sort", active ? (table.order === "desc" ? "descending" : "ascending") : "none");
    }
  }

  async function loadExperts() {
    const params = new URLSearchParams({
      offset: String(table.offset),
      limit: String(PAGE_SIZE),
      sort: table.sort,
      order: table.order,
    });
    if (table.state) params.set("state", table.state);
    let page;
    try {
      page = await call("/api/admin/experts?" + params.toString(), { admin: true });
    } catch (error) {
      if (!handleKeyError(error)) show($("experts-message"), error.message);
      return;
    }
    show($("experts-message"), "");
    table.total = page.total;
    const rows = page.items.map(expertRow);
    if (!rows.length) {
      const empty = el("td", { className: "muted", text: "No experts here yet." });
      empty.colSpan = 7;
      rows.push(el("tr", {}, [empty]));
    }
    $("experts-body").replaceChildren(...rows);
    const first = page.total ? page.offset + 1 : 0;
    const last = Math.min(page.offset + page.items.length, page.total);
    $("page-info").textContent = first + "–" + last + " of " + page.total;
    $("prev-page").disabled = page.offset === 0;
    $("next-page").disabled = page.offset + page.limit >= page.total;
    renderSortButtons();
  }

  function sortBy(field) {
    if (table.sort === field) {
      table.order = table.order === "desc" ? "asc" : "desc";
    } else {
      table.sort = field;
      table.order = field === "findability" ? "desc" : "asc";
    }
    table.offset = 0;
    loadExperts();
  }

  // --- search -------------------------------------------------------------------------------

  function hitItem(hit) {
    const title = [hit.job_title, hit.company].filter(Boolean).join(" · ");
    return el("li", { className: "hit" }, [
      el("div", { className: "hit-head" }, [
        el("span", { className: "name", text: hit.name }),
        el("span", { className: "muted small", text: " @" + hit.username }),
        el("span", { className: "score-pill", text: "match " + hit.score.toFixed(2) }),
      ]),
      title ? el("div", { className: "small", text: title }) : null,
      tagList(hit.tags),
      el("div", { className: "muted small", text: "Findability " + formatScore(hit.findability_score) }),
    ]);
  }

  async function runSearch(event) {
    event.preventDefault();
    const q = $("search-q").value.trim();
    const message = $("search-message");
    $("search-results").replaceChildren();
    if (!q) {
      show(message, "Type what the client needs, e.g. “R&D tax credits for a startup”.");
      return;
    }
    show(message, "Searching...");
    const params = new URLSearchParams({ q: q, k: $("search-k").value });
    try {
      const results = await call("/api/search?" + params.toString());
      show(message, results.hits.length ? "" : "No experts found.");
      $("search-results").replaceChildren(...results.hits.map(hitItem));
    } catch (error) {
      show(message, error.message);
    }
  }

  // --- start --------------------------------------------------------------------------------

  function start() {
    for (const button of document.querySelectorAll("button.sort")) {
      button.dataset.label = button.textContent;
      button.addEventListener("click", () => sortBy(button.dataset.sort));
    }
    $("key-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const key = $("admin-key").value;
      $("admin-key").value = "";
      if (key) signIn(key);
    });
    $("sign-out").addEventListener("click", () => signOut(""));
    $("add-form").addEventListener("submit", addExpert);
    $("search-form").addEventListener("submit", runSearch);
    $("refresh").addEventListener("click", () => loadExperts());
    $("state-filter").addEventListener("change", (event) => {
      table.state = event.target.value;
      table.offset = 0;
      loadExperts();
    });
    $("prev-page").addEventListener("click", () => {
      table.offset = Math.max(0, table.offset - PAGE_SIZE);
      loadExperts();
    });
    $("next-page").addEventListener("click", () => {
      table.offset += PAGE_SIZE;
      loadExperts();
    });
    const saved = sessionStorage.getItem(KEY_STORAGE);
    if (saved) {
      signIn(saved);
    } else {
      setSignedIn(false);
    }
  }

  start();
})();
