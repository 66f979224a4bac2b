// The site's only script: filtering and sorting on the index, the lens filter on a route page. Pages read fine
// without it; controls it drives stay hidden until it runs.
"use strict";

function setupIndex(data) {
  // data: {columns, rows}, a row per route in the order of the rows the page was served with
  const at = {};
  data.columns.forEach((name, i) => { at[name] = i; });
  const routes = data.rows.map((r) => ({
    row: r, text: [r[at.id], r[at.name], r[at.base], r[at.family], r[at.provider_name]].join(" ").toLowerCase(),
  }));
  const $ = (id) => document.getElementById(id);
  const tbody = document.querySelector("#routes tbody");
  const number = (id) => { const v = $(id).value; return v === "" ? null : Number(v); };
  const sortKeys = {
    name: (r) => r.row[at.name].toLowerCase(), provider: (r) => r.row[at.provider_name].toLowerCase(),
    base: (r) => r.row[at.base], mode: (r) => r.row[at.mode] || "", input: (r) => r.row[at.input],
    output: (r) => r.row[at.output], context: (r) => r.row[at.context],
  };
  const step = Number(tbody.rows.length) || 200;
  let order = routes, matching = routes, limit = step;

  function matches(r, f) {
    const row = r.row;
    if (f.text && !f.text.every((word) => r.text.includes(word))) return false;
    if (f.provider && row[at.provider] !== f.provider) return false;
    if (f.mode && row[at.mode] !== f.mode) return false;
    if (f.modality) {
      const output = f.modality.startsWith(">");
      const listed = row[output ? at.outputs : at.inputs] || [];
      if (!listed.includes(output ? f.modality.slice(1) : f.modality)) return false;
    }
    if (f.capability && !row[at.features].includes(f.capability)) return false;
    if (f.sources === "disagree" && !row[at.disagree]) return false;
    for (const [key, min, max] of [[at.input, f.priceMin, f.priceMax], [at.context, f.contextMin, f.contextMax]]) {
      if (min === null && max === null) continue;
      const value = row[key];
      if (value === null || (min !== null && value < min) || (max !== null && value > max)) return false;
    }
    return true;
  }

  function cell(tr, text, className) {
    const td = tr.insertCell();
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function link(td, href, text, note) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    td.appendChild(a);
    if (note) { const small = document.createElement("small"); small.textContent = note; td.appendChild(small); }
  }

  // rows are built with textContent only: every string of a source stays text
  function draw() {
    const fragment = document.createDocumentFragment();
    for (const r of matching.slice(0, limit)) {
      const row = r.row, tr = document.createElement("tr");
      tr.dataset.route = row[at.id];
      const name = cell(tr, "");
      link(name, row[at.path], row[at.name], row[at.id]);
      if (row[at.disagree]) {
        const mark = document.createElement("span");
        mark.className = "disagree";
        mark.title = "the sources disagree on a price of this route";
        mark.textContent = "≠ sources disagree";
        name.appendChild(mark);
      }
      cell(tr, row[at.provider_name]);
      link(cell(tr, ""), row[at.base_path], row[at.base]);
      cell(tr, row[at.mode] || "");
      cell(tr, row[at.input_text], "num");
      cell(tr, row[at.output_text], "num");
      cell(tr, row[at.context_text], "num");
      cell(tr, `${(row[at.inputs] || ["unknown"]).join(" ")} → ${(row[at.outputs] || ["unknown"]).join(" ")}`);
      cell(tr, row[at.features].join(", "));
      fragment.appendChild(tr);
    }
    tbody.replaceChildren(fragment);
    const shown = Math.min(limit, matching.length);
    $("count").textContent = `${matching.length} of ${routes.length} routes`;
    $("more").firstChild.textContent = `Showing ${shown} of ${matching.length} matching routes`;
    $("show-more").hidden = shown >= matching.length;
  }

  function apply() {
    const text = $("search").value.trim().toLowerCase();
    const f = {
      text: text ? text.split(/\s+/) : null, provider: $("f-provider").value, mode: $("f-mode").value,
      modality: $("f-modality").value, capability: $("f-capability").value, sources: $("f-sources").value,
      priceMin: number("f-price-min"), priceMax: number("f-price-max"),
      contextMin: number("f-context-min"), contextMax: number("f-context-max"),
    };
    matching = order.filter((r) => matches(r, f));
    limit = step;
    draw();
  }

  function sort(th) {
    const key = sortKeys[th.dataset.sort];
    const descending = th.getAttribute("aria-sort") === "ascending";
    document.querySelectorAll("#routes th[data-sort]").forEach((h) => h.removeAttribute("aria-sort"));
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    // unknown values (no price, no context) last in either direction; ties keep the served order
    const position = new Map(routes.map((r, i) => [r, i]));
    order = routes.slice().sort((a, b) => {
      const x = key(a), y = key(b);
      if (x === null || x === undefined) return y === null || y === undefined ? position.get(a) - position.get(b) : 1;
      if (y === null || y === undefined) return -1;
      const c = x < y ? -1 : x > y ? 1 : 0;
      return (descending ? -c : c) || position.get(a) - position.get(b);
    });
    apply();
  }

  $("filters").addEventListener("input", apply);
  $("filters").addEventListener("change", apply);
  $("filters").addEventListener("submit", (event) => event.preventDefault());
  $("show-more").addEventListener("click", () => { limit += 500; draw(); });
  document.querySelectorAll("#routes th[data-sort]").forEach((th) => th.addEventListener("click", () => sort(th)));
  $("filters").hidden = false;
  $("show-more").hidden = routes.length <= step;
  if ($("search").value) apply();  // a search the browser kept on going back
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
