// The lens filter on a route page, and the mark that a page is interactive (the index's own script, index.js,
// runs before it). Pages read fine without it; controls it drives stay hidden until it runs.
"use strict";

function setupLens() {
  const body = document.getElementById("similar-rows");
  const lenses = body.dataset.lenses.split(" ");
  const rows = Array.from(body.rows);
  const labels = {}, titles = {};
  document.querySelectorAll("#lens option").forEach((o) => { labels[o.value] = o.textContent; titles[o.value] = o.dataset.title; });
  function show(lens) {
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
