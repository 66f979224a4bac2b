// The site's only script: filtering and sorting on the index, the lens filter on a route page. Pages read fine
// without it; controls it drives stay hidden until it runs.
"use strict";

function setupIndex(data) {
  const rows = Array.from(document.querySelectorAll("#routes tbody tr"));
  const tbody = rows[0] ? rows[0].parentNode : null;
  const $ = (id) => document.getElementById(id);
  const number = (id) => { const v = $(id).value; return v === "" ? null : Number(v); };
  const sortKeys = {
    name: (i) => data.name[i], provider: (i) => data.provider[i], base: (i) => data.base[i],
    mode: (i) => data.mode[i] || "", input: (i) => data.input[i], output: (i) => data.output[i],
    context: (i) => data.context[i],
  };
  let order = rows.map((_, i) => i);

  function matches(i, f) {
    if (f.text && !f.text.every((word) => data.text[i].includes(word))) return false;
    if (f.provider && data.provider[i] !== f.provider) return false;
    if (f.mode && data.mode[i] !== f.mode) return false;
    if (f.modality && !data.modalities[i].split(" ").includes(f.modality)) return false;
    if (f.capability && !data.features[i].includes(f.capability)) return false;
    const price = data.input[i], context = data.context[i];
    if ((f.priceMin !== null || f.priceMax !== null) && price === null) return false;
    if (f.priceMin !== null && price < f.priceMin) return false;
    if (f.priceMax !== null && price > f.priceMax) return false;
    if ((f.contextMin !== null || f.contextMax !== null) && context === null) return false;
    if (f.contextMin !== null && context < f.contextMin) return false;
    if (f.contextMax !== null && context > f.contextMax) return false;
    return true;
  }

  function apply() {
    const text = $("search").value.trim().toLowerCase();
    const f = {
      text: text ? text.split(/\s+/) : null, provider: $("f-provider").value, mode: $("f-mode").value,
      modality: $("f-modality").value, capability: $("f-capability").value,
      priceMin: number("f-price-min"), priceMax: number("f-price-max"),
      contextMin: number("f-context-min"), contextMax: number("f-context-max"),
    };
    let shown = 0;
    for (let i = 0; i < rows.length; i++) {
      const keep = matches(i, f);
      rows[i].hidden = !keep;
      if (keep) shown++;
    }
    $("count").textContent = `${shown} of ${rows.length} routes`;
  }

  function sort(th) {
    const key = sortKeys[th.dataset.sort];
    const descending = th.getAttribute("aria-sort") === "ascending";
    document.querySelectorAll("#routes th[data-sort]").forEach((h) => h.removeAttribute("aria-sort"));
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    // unknown values (no price, no context) last in either direction
    order = order.slice().sort((a, b) => {
      const x = key(a), y = key(b);
      if (x === null || x === undefined) return y === null || y === undefined ? a - b : 1;
      if (y === null || y === undefined) return -1;
      const c = x < y ? -1 : x > y ? 1 : a - b;
      return descending ? -c : c;
    });
    const fragment = document.createDocumentFragment();
    order.forEach((i) => fragment.appendChild(rows[i]));
    tbody.appendChild(fragment);
  }

  $("filters").addEventListener("input", apply);
  $("filters").addEventListener("submit", (event) => event.preventDefault());
  document.querySelectorAll("#routes th[data-sort]").forEach((th) => th.addEventListener("click", () => sort(th)));
  $("filters").hidden = false;
  if ($("search").value) apply();  // a search kept by the browser on going back
}

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
  const data = document.getElementById("route-data");
  if (data) setupIndex(JSON.parse(data.textContent));
  if (document.getElementById("similar-rows")) setupLens();
  ready();
})();
