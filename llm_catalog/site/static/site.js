// The lens filter on a route page, and the mark that a page is interactive (the index's own script, index.js,
// runs before it). Pages read fine without it; controls it drives stay hidden until it runs.
"use strict";

// A row of the similar models that only other lenses list, drawn from the page's data (#similar-more) as
// route.html and macros.html draw the others, from the same texts (site.views.similar_texts).
function similarRow(row, here) {
  const tr = document.createElement("tr");
  const cell = (...parts) => {
    const td = tr.appendChild(document.createElement("td"));
    parts.forEach((part, i) => {
      if (i) td.appendChild(document.createElement("br"));
      td.append(part);
    });
    return td;
  };
  const link = (href, text, className) => {
    const a = document.createElement("a");
    if (className) a.className = className;
    a.href = href;
    a.textContent = text;
    return a;
  };
  tr.dataset.route = row.route_id;
  tr.dataset.rank = row.rank_attr;
  tr.dataset.score = row.score_attr;
  const small = document.createElement("small");
  small.textContent = row.provider;
  cell(link(`../${row.path}`, row.model_name)).append(
    small, link(`../compare.html?r=${here}&r=${row.query}`, "Compare with this route", "compare-link"));
  cell(`In ${row.input_price}`, `Out ${row.output_price}`);
  cell(row.inputs, `Output: ${row.outputs}`);
  cell(row.features);
  cell(row.context).className = "num";
  cell(row.reasons);
  cell("").className = "num score";
  return tr;
}

function moreRows(body) {
  // {fields: [texts' names, ranks' names], cells: [each row's texts], ranked: [each row's ranks, scores, reasons]}
  const data = JSON.parse(document.getElementById("similar-more").textContent);
  const [textFields, rankFields] = data.fields;
  return data.cells.map((texts, n) => {
    const row = {};
    textFields.forEach((field, i) => { row[field] = texts[i]; });
    rankFields.forEach((field, i) => { row[field] = data.ranked[n][i]; });
    const tr = similarRow(row, body.dataset.here);
    tr.hidden = true;
    return body.appendChild(tr);
  });
}

function setupLens() {
  const body = document.getElementById("similar-rows");
  const lenses = body.dataset.lenses.split(" ");
  let rows = null;  // drawn at the first change: a reader who keeps the first lens never pays for them
  const labels = {}, titles = {};
  document.querySelectorAll("#lens option").forEach((o) => { labels[o.value] = o.textContent; titles[o.value] = o.dataset.title; });
  function show(lens) {
    if (rows === null) rows = Array.from(body.rows).concat(moreRows(body));
    const at = lenses.indexOf(lens);
    const ranked = [];
    rows.forEach((row) => {
      const rank = row.dataset.rank.split(" ")[at], score = row.dataset.score.split(" ")[at];
      row.hidden = rank === "-";
      row.querySelector(".score").textContent =
        rank === "-" ? "" : `${labels[lens].charAt(0).toUpperCase()}${labels[lens].slice(1)} ${score}%`;
      if (rank !== "-") ranked.push([Number(rank), row]);
    });
    ranked.sort((a, b) => a[0] - b[0]).forEach(([, row]) => body.appendChild(row));
    document.getElementById("lens-title").textContent = titles[lens];
  }
  document.getElementById("lens").addEventListener("change", (event) => show(event.target.value));
  document.querySelector("form.lens").hidden = false;
}

function ready() {
  // interactive: wired up, and the first frame after it painted (what benchmarks/site.py measures)
  requestAnimationFrame(() => setTimeout(() => { window.siteReady = performance.now(); }, 0));
}

(function () {
  if (document.getElementById("similar-rows")) setupLens();
  ready();
})();
