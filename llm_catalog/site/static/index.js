// The index: search (search.js, the ranking of `llm-catalog search`), filters, sorting and picking routes to
// compare. The filters, the sort and the search live in the address (query string), so a view can be shared.
// Rows are built with textContent only: every string of a source stays text. The page reads fine without it.
"use strict";

(function () {
  const source = document.getElementById("route-data");
  if (!source) return;
  const data = JSON.parse(source.textContent);
  const at = {};
  data.columns.forEach((name, i) => { at[name] = i; });
  let searchable = null;  // search.js's routes and spelling table, built on the first search (not at load)
  const searching = () => searchable || (searchable = window.LLMSearch.fromIndexData(data));
  const routes = data.rows.map((row, index) => ({ row, index }));
  const $ = (id) => document.getElementById(id);
  const form = $("filters"), tbody = document.querySelector("#routes tbody");
  const step = Number(tbody.rows.length) || 200;
  const MATCH = 0.8, AT_LEAST = 20;  // a search shows routes scoring 0.8 or more, and the best 20 in any case
  const COMPARE_MOST = 4;
  const selected = [];
  let matching = routes, limit = step;

  const SORT_KEYS = {
    name: (r) => r.row[at.name].toLowerCase(), provider: (r) => r.row[at.provider_name].toLowerCase(),
    base: (r) => r.row[at.base], mode: (r) => r.row[at.mode], input: (r) => r.row[at.input],
    output: (r) => r.row[at.output], context: (r) => r.row[at.context],
    modalities: (r) => (r.row[at.inputs] ? `${r.row[at.inputs].join(" ")} → ${(r.row[at.outputs] || []).join(" ")}` : null),
    features: (r) => r.row[at.features].length,
  };

  // "128K", "1.5M", "200000" -> tokens (K = 1,000, as the table writes them); null when empty or unreadable
  function tokenCount(text) {
    const found = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([kKmM]?)\s*$/.exec(text);
    if (!found) return null;
    const scale = { "": 1, k: 1e3, m: 1e6 }[found[2].toLowerCase()];
    return Math.round(Number(found[1]) * scale);
  }
  const number = (input) => (input.value === "" || Number.isNaN(Number(input.value)) ? null : Number(input.value));
  const checked = (name) => Array.from(form.querySelectorAll(`input[name=${name}]:checked`), (box) => box.value);

  function state() {
    return {
      q: $("search").value, cap: checked("cap"), input: checked("input"), output: checked("output"),
      provider: Array.from($("f-provider").selectedOptions, (o) => o.value), mode: $("f-mode").value,
      bench: $("f-benchmarks").checked, disagree: $("f-sources").checked,
      inMin: number($("f-input-min")), inMax: number($("f-input-max")),
      outMin: number($("f-output-min")), outMax: number($("f-output-max")),
      ctxMin: tokenCount($("f-context-min").value), ctxMax: tokenCount($("f-context-max").value),
    };
  }

  function matches(row, f) {
    if (f.cap.some((c) => !row[at.features].includes(c))) return false;
    if (f.input.some((m) => !(row[at.inputs] || []).includes(m))) return false;
    if (f.output.some((m) => !(row[at.outputs] || []).includes(m))) return false;
    if (f.provider.length && !f.provider.includes(row[at.provider])) return false;
    if (f.mode && row[at.mode] !== f.mode) return false;
    if (f.bench && !row[at.benchmarks]) return false;
    if (f.disagree && !row[at.disagree]) return false;
    for (const [key, min, max] of [[at.input, f.inMin, f.inMax], [at.output, f.outMin, f.outMax],
      [at.context, f.ctxMin, f.ctxMax]]) {
      if (min === null && max === null) continue;
      const value = row[key];  // unknown (or not per 1M tokens) never passes a range
      if (value === null || (min !== null && value < min) || (max !== null && value > max)) return false;
    }
    return true;
  }

  // the sort: a column key, "-key" for descending, "" for the landing order (or the search's ranking)
  let sortKey = "";
  function sorted(list) {
    if (!sortKey) return list;
    const descending = sortKey.startsWith("-"), key = SORT_KEYS[sortKey.replace(/^-/, "")];
    const unknown = (v) => v === null || v === undefined || v === "";
    return list.map((r, i) => [key(r), i, r]).sort(([x, i], [y, j]) => {
      if (unknown(x) || unknown(y)) return unknown(x) === unknown(y) ? i - j : unknown(x) ? 1 : -1;  // unknowns last
      const c = x < y ? -1 : x > y ? 1 : 0;
      return (descending ? -c : c) || i - j;
    }).map(([, , r]) => r);
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

  function pickBox(tr, row) {
    const td = tr.insertCell(0), box = document.createElement("input");
    td.className = "pick";
    box.type = "checkbox";
    box.value = row[at.id];
    box.checked = selected.includes(row[at.id]);
    box.disabled = !box.checked && selected.length >= COMPARE_MOST;
    box.setAttribute("aria-label", `Compare ${row[at.id]}`);
    td.appendChild(box);
  }

  function draw() {
    const fragment = document.createDocumentFragment();
    for (const r of matching.slice(0, limit)) {
      const row = r.row, tr = document.createElement("tr");
      tr.dataset.route = row[at.id];
      pickBox(tr, row);
      const name = cell(tr, "");
      link(name, row[at.path], row[at.name], row[at.id]);
      if (row[at.disagree]) {
        const mark = document.createElement("span");
        mark.className = "disagree";
        mark.title = "the sources disagree on a price of this route";
        mark.textContent = "≠ sources disagree";
        name.appendChild(mark);
      }
      if (row[at.provider_path]) link(cell(tr, ""), row[at.provider_path], row[at.provider_name]);
      else cell(tr, row[at.provider_name]);
      link(cell(tr, ""), row[at.base_path], row[at.base]);
      cell(tr, row[at.mode] || "");
      cell(tr, row[at.input_text], "num");
      cell(tr, row[at.output_text], "num");
      cell(tr, row[at.context_text], "num");
      cell(tr, `${(row[at.inputs] || ["unknown"]).join(" ")} → ${(row[at.outputs] || ["unknown"]).join(" ")}`);
      cell(tr, row[at.features].join(", "), "features");
      fragment.appendChild(tr);
    }
    tbody.replaceChildren(fragment);
    const shown = Math.min(limit, matching.length);
    $("count").textContent = `${matching.length} of ${routes.length} routes`;
    $("more").firstChild.textContent = `Showing ${shown} of ${matching.length} matching routes. `;
    $("show-more").hidden = shown >= matching.length;
  }

  function drawCompare() {
    const a = $("compare");
    a.hidden = selected.length === 0;
    a.textContent = selected.length < 2 ? `Pick 2 to ${COMPARE_MOST} routes to compare (${selected.length})`
      : `Compare ${selected.length} routes`;
    if (selected.length >= 2) a.href = `compare.html?${selected.map((id) => `r=${encodeURIComponent(id)}`).join("&")}`;
    else a.removeAttribute("href");
  }

  // the address: every filter set, the sort and the search, in the query string
  function writeAddress() {
    const params = new URLSearchParams();
    for (const element of form.elements) {
      if (!element.name) continue;
      if (element.type === "checkbox") { if (element.checked) params.append(element.name, element.value); }
      else if (element.multiple) Array.from(element.selectedOptions, (o) => params.append(element.name, o.value));
      else if (element.value !== "") params.set(element.name, element.value);
    }
    if (sortKey) params.set("sort", sortKey);
    const query = params.toString();
    history.replaceState(null, "", query ? `?${query}` : location.pathname);
  }

  function readAddress() {
    const params = new URLSearchParams(location.search);
    for (const element of form.elements) {
      if (!element.name) continue;
      const values = params.getAll(element.name);
      if (element.type === "checkbox") element.checked = values.includes(element.value);
      else if (element.multiple) Array.from(element.options).forEach((o) => { o.selected = values.includes(o.value); });
      else element.value = values.length ? values[0] : "";
    }
    sortKey = SORT_KEYS[(params.get("sort") || "").replace(/^-/, "")] ? params.get("sort") : "";
  }

  function apply() {
    const f = state();
    let found = routes;
    if (f.q.trim()) {
      const { routes: ranking, names } = searching();
      const ranked = window.LLMSearch.rank(ranking, names, f.q);
      found = ranked.filter((hit, i) => i < AT_LEAST || hit.score >= MATCH).map((hit) => routes[hit.route.index]);
    }
    matching = sorted(found.filter((r) => matches(r.row, f)));
    limit = step;
    document.querySelectorAll("#routes th[data-sort]").forEach((th) => {
      const key = th.dataset.sort;
      if (sortKey === key) th.setAttribute("aria-sort", "ascending");
      else if (sortKey === `-${key}`) th.setAttribute("aria-sort", "descending");
      else th.removeAttribute("aria-sort");
    });
    draw();
    writeAddress();
  }

  let pending = null;
  const soon = () => { clearTimeout(pending); pending = setTimeout(apply, 120); };  // typing ranks once it pauses

  document.querySelectorAll("#routes th[data-sort]").forEach((th) => {
    const button = document.createElement("button");  // a header sorts by keyboard too
    button.type = "button";
    button.className = "sort";
    button.append(...th.childNodes);
    th.appendChild(button);
    button.addEventListener("click", () => {
      const key = th.dataset.sort;
      sortKey = sortKey === key ? `-${key}` : sortKey === `-${key}` ? "" : key;  // up, down, back to the default
      apply();
    });
  });
  tbody.addEventListener("change", (event) => {
    const box = event.target;
    if (!box.matches("td.pick input")) return;
    const at_ = selected.indexOf(box.value);
    if (box.checked && at_ < 0 && selected.length < COMPARE_MOST) selected.push(box.value);
    if (!box.checked && at_ >= 0) selected.splice(at_, 1);
    tbody.querySelectorAll("td.pick input").forEach((b) => { b.disabled = !b.checked && selected.length >= COMPARE_MOST; });
    drawCompare();
  });
  form.addEventListener("input", (event) => (event.target.id === "search" ? soon() : apply()));
  form.addEventListener("change", (event) => { if (event.target.id !== "search") apply(); });
  form.addEventListener("submit", (event) => { event.preventDefault(); apply(); });
  $("reset").addEventListener("click", () => { history.replaceState(null, "", location.pathname); readAddress(); apply(); });
  $("show-more").addEventListener("click", () => { limit += 500; draw(); });
  document.querySelector("#routes th.pick").hidden = false;
  if (window.matchMedia("(max-width: 700px)").matches) $("filter-panel").open = false;  // the table first on a phone
  form.hidden = false;
  readAddress();
  if (location.search) apply();
  else {
    // the served rows are the landing view already: give each its box instead of drawing them again
    Array.from(tbody.rows).forEach((tr, i) => pickBox(tr, routes[i].row));
    $("count").textContent = `${routes.length} of ${routes.length} routes`;
  }
  // the first search reads every route's texts once (~1 s on a slow machine): start when the reader goes to the box
  $("search").addEventListener("focus", () => setTimeout(() => {
    const { routes: ranking, names } = searching();
    window.LLMSearch.rank(ranking, names, "a", 1);
  }, 0), { once: true });
})();
