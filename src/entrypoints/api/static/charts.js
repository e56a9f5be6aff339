// Plain SVG charts for the admin page's directory insights: no third-party code, text only.
// Every bar is a link (role="link", keyboard-focusable) that calls onPick(item) with its data.
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function linkable(group, item, describe, onPick) {
    group.setAttribute("class", "bar");
    group.setAttribute("role", "link");
    group.setAttribute("tabindex", "0");
    group.setAttribute("aria-label", describe);
    group.dataset.filter = item.filter;
    group.appendChild(svg("title", {}, describe));
    group.addEventListener("click", () => onPick(item));
    group.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        onPick(item);
      }
    });
    return group;
  }

  // Vertical bars: the findability histogram (bins left to right, one label every other bin).
  function histogram(container, bins, onPick) {
    const width = 320;
    const height = 150;
    const base = 128;
    const top = 14;
    const max = Math.max(1, ...bins.map((b) => b.count));
    const slot = width / bins.length;
    const chart = svg("svg", {
      viewBox: "0 0 " + width + " " + height,
      class: "chart-svg",
      role: "img",
      "aria-label": "Findability histogram",
    });
    chart.appendChild(svg("line", { x1: 0, x2: width, y1: base, y2: base, class: "axis" }));
    bins.forEach((bin, i) => {
      const h = bin.count ? Math.max(2, ((base - top) * bin.count) / max) : 0;
      const x = i * slot + 3;
      const group = svg("g");
      group.appendChild(svg("rect", { x: i * slot, y: top, width: slot, height: base - top, class: "hit-area" }));
      group.appendChild(svg("rect", { x: x, y: base - h, width: slot - 6, height: h, class: "bar-fill" }));
      if (bin.count) {
        group.appendChild(svg("text", { x: x + (slot - 6) / 2, y: base - h - 3, class: "bar-value" }, bin.count));
      }
      if (i % 2 === 0) group.appendChild(svg("text", { x: i * slot, y: height - 6, class: "tick" }, bin.low));
      const describe = bin.count + " experts scored " + bin.label;
      chart.appendChild(linkable(group, bin, describe, onPick));
    });
    chart.appendChild(svg("text", { x: width, y: height - 6, class: "tick end" }, "100"));
    container.replaceChildren(chart);
  }

  // Horizontal bars with their label and count: tags, missing fields, tagging states.
  function bars(container, items, onPick, options) {
    const opts = options || {};
    const rowHeight = 22;
    const width = 320;
    const labelWidth = opts.labelWidth || 120;
    const countWidth = 40;
    const barSpace = width - labelWidth - countWidth;
    const total = opts.total || Math.max(1, ...items.map((item) => item.count));
    const chart = svg("svg", {
      viewBox: "0 0 " + width + " " + Math.max(rowHeight, items.length * rowHeight),
      class: "chart-svg",
      role: "img",
      "aria-label": opts.label || "Bar chart",
    });
    items.forEach((item, i) => {
      const y = i * rowHeight;
      const w = item.count ? Math.max(2, (barSpace * item.count) / total) : 0;
      const group = svg("g");
      group.appendChild(svg("rect", { x: 0, y: y, width: width, height: rowHeight, class: "hit-area" }));
      const label = item.label.length > 18 ? item.label.slice(0, 17) + "…" : item.label;
      group.appendChild(svg("text", { x: labelWidth - 6, y: y + 15, class: "bar-label" }, label));
      group.appendChild(
        svg("rect", { x: labelWidth, y: y + 4, width: w, height: rowHeight - 8, class: "bar-fill " + (item.tone || "") }),
      );
      group.appendChild(svg("text", { x: labelWidth + w + 4, y: y + 15, class: "bar-value start" }, item.count));
      const describe = item.count + " " + (opts.noun ? opts.noun(item) : item.label);
      chart.appendChild(linkable(group, item, describe, onPick));
    });
    if (!items.length) {
      container.replaceChildren(Object.assign(document.createElement("p"), { className: "muted small", textContent: opts.empty || "Nothing yet." }));
      return;
    }
    container.replaceChildren(chart);
  }

  window.AdminCharts = { histogram: histogram, bars: bars };
})();
