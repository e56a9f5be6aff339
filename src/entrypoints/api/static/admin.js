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
  const table = { offset: 0, total: 0, sort: "id", order: "desc", state: "", filter: "", filterLabel: "" };
  const searchState = { offset: 0, k: 10, params: null };
  const FIELD_LABELS = {
    username: "username",
    first_name: "first name",
    last_name: "last name",
    job_title: "job title",
    company: "company",
    hourly_rate: "hourly rate",
    profile_url: "profile URL",
    bio: "bio",
  };

  // --- DOM helpers (text only) --------------------------------------------------------------

  function el(tag, options, children) {
    const node = document.createElement(tag);
    const opts = options || {};
    if (opts.className) node.className = opts.className;
    if (opts.text !== undefined && opts.text !== null) node.textContent = String(opts.text);
    if (opts.title) node.setAttribute("title", String(opts.title));
    if (opts.label) node.dataset.label = opts.label;
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

  function adviceList(tips) {
    const list = el("ul", { className: "advice" });
    for (const tip of tips || []) list.appendChild(el("li", { text: tip.advice }));
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
    await Promise.all([loadExperts(), loadInsights()]);
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
      const value = input.value.trim();
      if (!value) continue;
      body[input.name] = input.name === "hourly_rate" ? Number(value) : value;
    }
    return body;
  }

  // Every problem of the form at once (the same rules as the server), as [field, message] pairs.
  function formProblems(form) {
    const problems = [];
    const value = (name) => form.elements.namedItem(name).value.trim();
    const username = value("username");
    if (!username) problems.push(["username", "enter a username"]);
    else if (/[\s/\\?#%]/.test(username)) problems.push(["username", "must not contain spaces or any of / \\ ? # %"]);
    const rate = value("hourly_rate");
    const rateInput = form.elements.namedItem("hourly_rate");
    if (rateInput.validity.badInput || (rate && !Number.isFinite(Number(rate)))) {
      problems.push(["hourly_rate", "must be a number"]);
    } else if (rate && Number(rate) < 0) {
      problems.push(["hourly_rate", "must be zero or a positive number"]);
    } else if (rate && Number(rate) > 100000) {
      problems.push(["hourly_rate", "must be at most 100000"]);
    }
    const url = value("profile_url");
    if (url && !/^https?:\/\/[^\s/]+/i.test(url)) problems.push(["profile_url", "must be an http(s) URL"]);
    return problems;
  }

  function clearProblems(form) {
    for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    show($("add-error"), "");
  }

  function showProblems(form, problems) {
    const box = $("add-error");
    const list = el("ul", { className: "problems" });
    let first = null;
    for (const [field, message] of problems) {
      list.appendChild(el("li", { text: "Check " + (FIELD_LABELS[field] || field.replace(/_/g, " ")) + ": " + message }));
      const input = form.elements.namedItem(field);
      if (input) {
        input.setAttribute("aria-invalid", "true");
        first = first || input;
      }
    }
    box.replaceChildren(list);
    box.hidden = false;
    if (first) first.focus();
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
      box.appendChild(
        el("p", {
          className: "notice",
          text: "Search will include this expert after the next `enrich ingest` (the index is rebuilt only then).",
        }),
      );
    } else if (expert.tagging === "retry_scheduled") {
      box.appendChild(
        el("p", {
          className: "warning",
          text: "Tagging failed, so the expert was saved without tags: tags will be retried in the background.",
        }),
      );
      if (expert.tagging_error) box.appendChild(el("p", { className: "muted small", text: expert.tagging_error }));
      box.appendChild(
        el("p", { className: "notice", text: "Once tagged, search will include it after the next `enrich ingest`." }),
      );
    } else {
      box.appendChild(
        el("p", { className: "muted", text: "No bio, so no tags: the expert is scored but not searchable." }),
      );
    }
    if (expert.findability_advice && expert.findability_advice.length) {
      box.appendChild(el("p", { className: "muted small", text: "To raise its findability:" }));
      box.appendChild(adviceList(expert.findability_advice));
    }
    box.hidden = false;
  }

  async function addExpert(event) {
    event.preventDefault();
    const form = $("add-form");
    clearProblems(form);
    $("add-result").hidden = true;
    const problems = formProblems(form);
    if (problems.length) {
      showProblems(form, problems);
      return;
    }
    const body = formBody(form);
    $("add-spinner-text").textContent = body.bio ? "Generating tags..." : "Saving...";
    $("add-spinner").hidden = false;
    $("add-submit").disabled = true;
    try {
      const expert = await call("/api/admin/experts", { method: "POST", body: body, admin: true });
      renderAddResult(expert);
      form.reset();
      table.offset = 0;
      await Promise.all([loadExperts(), loadInsights()]);
    } catch (error) {
      if (handleKeyError(error)) return;
      if (error.status === 409) {
        showProblems(form, [["username", "that username is taken (" + error.message + ")"]]);
      } else if (error.status === 422 && error.field) {
        const reason = error.message.startsWith(error.field + ": ")
          ? error.message.slice(error.field.length + 2)
          : error.message;
        showProblems(form, [[error.field, reason]]);
      } else {
        show($("add-error"), error.message);
      }
    } finally {
      $("add-spinner").hidden = true;
      $("add-submit").disabled = false;
    }
  }

  // --- experts table ------------------------------------------------------------------------

  function expertRow(expert) {
    const who = el("td", { className: "who", label: "Expert" }, [
      el("div", { className: "name", text: expert.name }),
      el("div", { className: "muted small", text: "@" + expert.username }),
    ]);
    const state = STATE_LABELS[expert.tagging_state] || expert.tagging_state;
    return el("tr", {}, [
      who,
      el("td", { className: "profile", label: "Profile" }, [
        expert.job_title ? el("div", { text: expert.job_title }) : null,
        expert.bio ? el("div", { className: "muted small bio", text: excerpt(expert.bio, 140) }) : null,
      ]),
      el("td", { label: "Tags" }, [expert.tags ? tagList(expert.tags) : el("span", { className: "muted", text: "–" })]),
      findabilityCell(expert),
      el("td", { label: "State" }, [el("span", { className: "badge state-" + expert.tagging_state, text: state })]),
      el("td", { className: "small by-cell", text: expert.tagged_by || "", label: "Tagged by" }),
      el("td", { className: "small error-cell", text: expert.tagging_error || "", title: expert.tagging_error, label: "Last error" }),
    ]);
  }

  function findabilityCell(expert) {
    const cell = el("td", { className: "num score-cell", label: "Findability" }, [
      el("span", { className: "score-value", text: formatScore(expert.findability_score) }),
    ]);
    const tips = expert.findability_advice || [];
    if (tips.length) {
      const gain = tips.reduce((sum, tip) => sum + tip.points, 0);
      const details = el("details", { className: "advice-box" }, [
        el("summary", { className: "small", text: "+" + Number(gain.toFixed(1)) + " possible" }),
        adviceList(tips),
      ]);
      cell.appendChild(details);
    }
    return cell;
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
    for (const [name, value] of new URLSearchParams(table.filter)) params.set(name, value);
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
    $("table-filter").hidden = !table.filterLabel;
    $("table-filter-text").textContent = table.filterLabel
      ? "Showing " + page.total + " experts: " + table.filterLabel
      : "";
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

  // --- directory insights -------------------------------------------------------------------

  // Show the experts a chart number counts: its filter is a query string of the list endpoint.
  function filterTable(item, label) {
    const params = new URLSearchParams(item.filter);
    table.state = params.get("state") || "";
    params.delete("state");
    table.filter = params.toString();
    table.filterLabel = label;
    table.offset = 0;
    $("state-filter").value = table.state;
    loadExperts();
    $("experts-section").scrollIntoView({ block: "start" });
  }

  function clearTableFilter() {
    table.filter = "";
    table.filterLabel = "";
    table.state = "";
    table.offset = 0;
    $("state-filter").value = "";
    loadExperts();
  }

  const STATE_TONES = { tagged: "tone-good", pending: "tone-accent", failed: "tone-bad", "no bio": "tone-muted" };

  function renderInsights(data) {
    $("insights-total").textContent =
      data.total + " experts · " + data.distinct_tags + " distinct tags" +
      (data.unscored ? " · " + data.unscored + " not scored yet" : "");
    AdminCharts.histogram($("chart-histogram"), data.histogram, (bin) =>
      filterTable(bin, "findability " + bin.label),
    );
    AdminCharts.bars(
      $("chart-states"),
      data.states.map((s) => Object.assign({}, s, { tone: STATE_TONES[s.label] || "" })),
      (s) => filterTable(s, s.label),
      { label: "Tagging states", total: Math.max(1, data.total), noun: (s) => s.label + " experts" },
    );
    AdminCharts.bars($("chart-tags"), data.top_tags, (t) => filterTable(t, "tag “" + t.label + "”"), {
      label: "Most common tags",
      noun: (t) => "experts tagged " + t.label,
      empty: "No tags yet: run `enrich tag`.",
    });
    AdminCharts.bars(
      $("chart-gaps"),
      data.missing_fields.map((g) => Object.assign({}, g, { label: g.label + (g.points ? " (+" + g.points + ")" : "") })),
      (g) => filterTable(g, "missing " + g.label.replace(/ \(.*\)$/, "")),
      { label: "Missing profile fields", total: Math.max(1, data.total), noun: (g) => "experts missing " + g.label },
    );
  }

  async function loadInsights() {
    try {
      const data = await call("/api/admin/insights", { admin: true });
      show($("insights-message"), "");
      renderInsights(data);
    } catch (error) {
      if (!handleKeyError(error)) show($("insights-message"), error.message);
    }
  }

  async function loadIndexStatus() {
    const line = $("index-status");
    try {
      const health = await call("/healthz");
      const index = health.index || {};
      if (index.loaded) {
        const built = new Date(index.built_at);
        line.textContent =
          "Search index: " + index.count + " experts, built " +
          built.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
        line.title = "Built " + index.built_at + " with " + index.embedder_model;
      } else {
        line.textContent = "No search index yet: run `enrich ingest`.";
      }
    } catch (error) {
      line.textContent = "Search index status unavailable.";
    }
  }

  // --- search -------------------------------------------------------------------------------

  function hitTags(hit) {
    const matched = new Set(hit.matched_tags || []);
    const list = el("ul", { className: "tags" });
    for (const tag of hit.tags || []) {
      const item = el("li", { className: matched.has(tag) ? "tag matched" : "tag", text: tag });
      if (matched.has(tag)) item.setAttribute("title", "matches the query");
      list.appendChild(item);
    }
    return list;
  }

  function hitItem(hit) {
    const title = [hit.job_title, hit.company].filter(Boolean).join(" · ");
    const facts = ["Findability " + formatScore(hit.findability_score)];
    if (hit.hourly_rate !== null && hit.hourly_rate !== undefined) facts.push("$" + hit.hourly_rate + "/h");
    const item = el("li", { className: "hit" }, [
      el("div", { className: "hit-head" }, [
        el("span", { className: "name", text: hit.name }),
        el("span", { className: "muted small", text: " @" + hit.username }),
        el("span", { className: "score-pill", text: "match " + hit.score.toFixed(2) }),
      ]),
      title ? el("div", { className: "small", text: title }) : null,
      hitTags(hit),
      hit.evidence ? el("blockquote", { className: "evidence small", text: hit.evidence }) : null,
      el("div", { className: "muted small", text: facts.join(" · ") }),
    ]);
    item.value = hit.rank;
    return item;
  }

  function searchParams() {
    const params = new URLSearchParams({ q: $("search-q").value.trim(), k: $("search-k").value });
    const rate = $("search-max-rate").value.trim();
    if (rate) params.set("max_rate", rate);
    const tags = $("search-tags").value.split(",").map((t) => t.trim()).filter(Boolean);
    for (const tag of tags) params.append("tag", tag);
    if (tags.length > 1) params.set("tag_mode", $("search-tag-mode").value);
    const min = $("search-min-findability").value.trim();
    if (min) params.set("min_findability", min);
    if ($("search-has-url").checked) params.set("has_profile_url", "true");
    return params;
  }

  async function fetchSearch() {
    const message = $("search-message");
    const params = new URLSearchParams(searchState.params);
    params.set("offset", String(searchState.offset));
    show(message, "Searching...");
    try {
      const results = await call("/api/search?" + params.toString());
      const count = results.hits.length;
      show(message, count ? "" : results.total ? "No more experts." : "No experts pass these filters.");
      const first = results.offset + 1;
      show(
        $("search-total"),
        count ? "Experts " + first + "–" + (results.offset + count) + " of " + results.total + " candidates" : "",
      );
      $("search-results").replaceChildren(...results.hits.map(hitItem));
      $("search-pager").hidden = results.total <= results.k;
      $("search-prev").disabled = results.offset === 0;
      $("search-next").disabled = results.offset + results.k >= results.total;
    } catch (error) {
      show(message, error.message);
      $("search-pager").hidden = true;
    }
  }

  async function runSearch(event) {
    event.preventDefault();
    $("search-results").replaceChildren();
    show($("search-total"), "");
    if (!$("search-q").value.trim()) {
      show($("search-message"), "Type what the client needs, e.g. “R&D tax credits for a startup”.");
      return;
    }
    searchState.params = searchParams();
    searchState.k = Number($("search-k").value);
    searchState.offset = 0;
    await fetchSearch();
  }

  function pageSearch(step) {
    if (!searchState.params) return;
    searchState.offset = Math.max(0, searchState.offset + step * searchState.k);
    fetchSearch();
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
    $("refresh").addEventListener("click", () => Promise.all([loadExperts(), loadInsights(), loadIndexStatus()]));
    $("clear-filter").addEventListener("click", clearTableFilter);
    $("search-prev").addEventListener("click", () => pageSearch(-1));
    $("search-next").addEventListener("click", () => pageSearch(1));
    $("state-filter").addEventListener("change", (event) => {
      table.state = event.target.value;
      table.filter = "";
      table.filterLabel = "";
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
    loadIndexStatus();
    const saved = sessionStorage.getItem(KEY_STORAGE);
    if (saved) {
      signIn(saved);
    } else {
      setSignedIn(false);
    }
  }

  start();
})();
