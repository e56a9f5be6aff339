// Admin page, tagging runs section: GET /api/admin/runs (counts, tokens, estimated cost).
// Kept apart from admin.js; it reads the same session key and renders text only.
"use strict";

(function () {
  const KEY_STORAGE = "enrichAdminKey";
  const $ = (id) => document.getElementById(id);

  function cell(text, numeric) {
    const td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "–" : String(text);
    if (numeric) td.className = "num";
    return td;
  }

  function number(value) {
    return Number(value || 0).toLocaleString("en-US");
  }

  function cost(value) {
    if (value === null || value === undefined) return "n/a";
    return "$" + Number(value).toFixed(value < 1 ? 4 : 2);
  }

  function show(node, message) {
    node.textContent = message;
    node.hidden = !message;
  }

  function render(page) {
    const body = $("runs-body");
    body.replaceChildren();
    for (const run of page.runs) {
      const row = document.createElement("tr");
      row.dataset.runId = String(run.id);
      const started = String(run.started_at).replace("T", " ").slice(0, 16);
      row.append(
        cell("#" + run.id), cell(started), cell(run.mode), cell(run.status),
        cell(number(run.tagged), true), cell(number(run.failed), true),
        cell(number(run.prompt_tokens), true), cell(number(run.cached_tokens), true),
        cell(number(run.output_tokens + run.thinking_tokens), true), cell(cost(run.cost_usd), true),
      );
      if (run.note) row.title = run.note;
      body.appendChild(row);
    }
    show($("runs-message"), page.runs.length ? "" : "No tagging runs recorded yet.");
    const held = page.open_jobs.reduce((sum, job) => sum + job.experts, 0);
    show(
      $("runs-open-jobs"),
      page.open_jobs.length
        ? `${page.open_jobs.length} batch job(s) open, holding ${held} experts; ` +
            "`enrich tag --batch` collects them."
        : "",
    );
  }

  async function load() {
    const key = sessionStorage.getItem(KEY_STORAGE);
    if (!key) return;
    try {
      const response = await fetch("/api/admin/runs?limit=20", {
        headers: { Accept: "application/json", "X-Admin-Key": key },
      });
      const payload = await response.json();
      if (!response.ok) {
        show($("runs-message"), (payload.error && payload.error.message) || "Could not load runs.");
        return;
      }
      render(payload);
    } catch (error) {
      show($("runs-message"), "Could not reach the server: " + error.message);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const section = $("runs-section");
    // admin.js shows the admin-only sections after a sign-in: load the runs when this one shows.
    new MutationObserver(() => {
      if (!section.hidden) load();
    }).observe(section, { attributes: true, attributeFilter: ["hidden"] });
    $("runs-refresh").addEventListener("click", load);
    if (!section.hidden) load();
  });
})();
