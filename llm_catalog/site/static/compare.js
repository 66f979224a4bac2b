/* The compare page: the routes of `compare.html?r=ROUTE&r=ROUTE...` (2-4) side by side. Each route's page embeds
   what this page shows of it (#compare-data, llm_catalog/site/compare.py); the page is found by the same name the
   build gives it (links.route_path: a slug of the id and the first 8 hex digits of its SHA-256), fetched from the
   same origin and read. DOM from textContent only. */
(function () {
  "use strict";
  const MAX = 4;
  const C = window.LLMCalculator;
  const el = C.el;

  /* SHA-256 of a string's UTF-8 bytes, hex (crypto.subtle is missing outside secure contexts, e.g. a LAN address) */
  function sha256(text) {
    const bytes = new TextEncoder().encode(text);
    const K = [];
    const H = [];
    let n = 2;
    const frac = (x) => ((x - Math.floor(x)) * 4294967296) >>> 0;
    for (let found = 0; found < 64; n++) {
      let prime = true;
      for (let d = 2; d * d <= n; d++) if (n % d === 0) { prime = false; break; }
      if (!prime) continue;
      if (found < 8) H.push(frac(Math.pow(n, 1 / 2)));
      K.push(frac(Math.pow(n, 1 / 3)));
      found++;
    }
    const length = ((bytes.length + 9 + 63) >> 6) << 6;
    const data = new Uint8Array(length);
    data.set(bytes);
    data[bytes.length] = 0x80;
    const view = new DataView(data.buffer);
    view.setUint32(length - 8, Math.floor(bytes.length / 0x20000000));
    view.setUint32(length - 4, (bytes.length << 3) >>> 0);
    const w = new Uint32Array(64);
    const rot = (x, r) => (x >>> r) | (x << (32 - r));
    for (let block = 0; block < length; block += 64) {
      for (let i = 0; i < 16; i++) w[i] = view.getUint32(block + i * 4);
      for (let i = 16; i < 64; i++) {
        const s0 = rot(w[i - 15], 7) ^ rot(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        const s1 = rot(w[i - 2], 17) ^ rot(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
      }
      let [a, b, c, d, e, f, g, h] = H;
      for (let i = 0; i < 64; i++) {
        const t1 = (h + (rot(e, 6) ^ rot(e, 11) ^ rot(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
        const t2 = ((rot(a, 2) ^ rot(a, 13) ^ rot(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
        h = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
      }
      [a, b, c, d, e, f, g, h].forEach((v, i) => { H[i] = (H[i] + v) >>> 0; });
    }
    return H.map((v) => v.toString(16).padStart(8, "0")).join("");
  }

  /* links.route_path in the browser */
  function routePath(id) {
    const readable = id.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60).replace(/^-+|-+$/g, "") || "id";
    return "routes/" + readable + "-" + sha256(id).slice(0, 8) + ".html";
  }

  async function load(id) {
    const path = routePath(id);
    let response;
    try { response = await fetch(path); } catch (e) { return { id: id, error: "could not be read (" + e.message + ")" }; }
    if (!response.ok) return { id: id, error: "is not a route of this snapshot" };
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    const script = doc.getElementById("compare-data");
    if (!script) return { id: id, error: "has a page without compare data (a site built by older code?)" };
    const data = JSON.parse(script.textContent);
    if (data.route_id !== id) return { id: id, error: "is not a route of this snapshot" };
    data.path = path;
    return data;
  }

  function section(title, id) {
    const s = el("section"); s.id = id;
    s.appendChild(el("h2", title));
    return s;
  }

  /* A table of rows (label, one cell per route): each cell a string or a function building the cell's content. */
  function grid(routes, rows, id) {
    const table = el("table", null, "compare-grid"); table.id = id;
    const head = el("thead");
    const tr = el("tr"); tr.appendChild(el("th", "")); tr.firstChild.setAttribute("aria-label", "Item");
    for (const r of routes) {
      const th = el("th"); th.scope = "col";
      const a = el("a", r.name); a.href = r.path; th.appendChild(a);
      th.appendChild(el("small", r.provider_name));
      tr.appendChild(th);
    }
    head.appendChild(tr); table.appendChild(head);
    const body = el("tbody");
    for (const [label, cells, key] of rows) {
      const line = el("tr"); if (key) line.dataset.key = key;
      const th = el("th", label); th.scope = "row"; line.appendChild(th);
      cells.forEach((c, i) => {
        const td = el("td"); td.dataset.route = routes[i].route_id;
        if (typeof c === "function") c(td); else td.textContent = c;
        line.appendChild(td);
      });
      body.appendChild(line);
    }
    table.appendChild(body);
    return table;
  }

  function union(routes, list, key, label) {
    const seen = new Map();
    for (const r of routes) for (const item of list(r)) if (!seen.has(key(item))) seen.set(key(item), label(item));
    return seen;
  }

  function draw(routes, target) {
    target.textContent = "";
    const priceKey = (p) => [p.group, p.kind, p.unit].join("|");
    const prices = union(routes, (r) => r.prices, priceKey, (p) => p.group + ": " + p.label);
    const pricing = section("Prices", "compare-prices");
    pricing.appendChild(prices.size ? grid(routes, Array.from(prices, ([key, label]) => [label, routes.map((r) => {
      const found = r.prices.find((p) => priceKey(p) === key);
      return found ? found.text : "\u2014";
    }), key]), "prices-grid") : el("p", "None of these routes states a price.", "none"));
    target.appendChild(pricing);

    const limits = section("Limits", "compare-limits");
    limits.appendChild(grid(routes, routes[0].limits.map((l, i) => [l.label, routes.map((r) => r.limits[i].text), l.key]), "limits-grid"));
    target.appendChild(limits);

    const labels = { yes: "\u2713 Supported", no: "\u2717 Not supported", unknown: "? Unknown" };
    const caps = section("Capabilities", "compare-capabilities");
    caps.appendChild(grid(routes, routes[0].capabilities.map((c, i) => [
      c.capability.replace(/_/g, " ").replace(/^./, (x) => x.toUpperCase()).replace("Pdf", "PDF"),
      routes.map((r) => (td) => { td.textContent = labels[r.capabilities[i].state]; td.className = "cap-" + r.capabilities[i].state; }),
      c.capability]), "capabilities-grid"));
    target.appendChild(caps);

    const modes = section("Modalities", "compare-modalities");
    modes.appendChild(grid(routes, [
      ["Mode", routes.map((r) => r.mode || "unknown"), "mode"],
      ["Input", routes.map((r) => (r.inputs.join(" ") || "unknown") + (r.modalities_stated ? "" : " (inferred)")), "inputs"],
      ["Output", routes.map((r) => (r.outputs.join(" ") || "unknown") + (r.modalities_stated ? "" : " (inferred)")), "outputs"],
    ], "modalities-grid"));
    target.appendChild(modes);

    const marks = union(routes, (r) => r.benchmarks, (b) => b.name, (b) => b.name);
    const bench = section("Benchmarks", "compare-benchmarks");
    bench.appendChild(marks.size ? grid(routes, Array.from(marks.keys(), (name) => [name, routes.map((r) => {
      const found = r.benchmarks.filter((b) => b.name === name).map((b) => b.score + " (" + b.scope + ")");
      return found.length ? found.join("; ") : "\u2014";
    }), name]), "benchmarks-grid") : el("p", "No benchmark score for these models.", "none"));
    target.appendChild(bench);

    const sources = section("Sources", "compare-sources");
    sources.appendChild(grid(routes, [
      ["Route", routes.map((r) => r.route_id), "route_id"],
      ["Base model", routes.map((r) => (td) => { const a = el("a", r.base_model); a.href = r.base_path; td.appendChild(a); }), "base_model"],
      ["Stated by", routes.map((r) => r.sources.map((s) => s.source + (s.as_of ? " (" + s.as_of + ")" : "")).join(", ") || "\u2014"), "sources"],
      ["Provider page", routes.map((r) => (td) => {
        if (!r.provider_page) { td.textContent = "N/A"; return; }
        if (!r.provider_page_link) { td.textContent = r.provider_page; return; }
        const a = el("a", r.provider_page); a.href = r.provider_page; a.rel = "nofollow noopener"; td.appendChild(a);
      }), "provider_page"],
    ], "sources-grid"));
    target.appendChild(sources);
  }

  function drawCosts(routes, workload, target) {
    target.textContent = "";
    target.appendChild(grid(routes, [["Cost", routes.map((r) => (td) => {
      const result = C.price(r.terms, workload);
      td.dataset.state = result.ok ? "priced" : "refused";
      td.appendChild(C.resultNodes(result));
    }), "cost"]], "cost-grid"));
  }

  async function main() {
    const messages = document.getElementById("compare-messages");
    const say = (text) => messages.appendChild(el("li", text));
    const asked = Array.from(new URLSearchParams(location.search).getAll("r"));
    const ids = asked.filter((id, i) => id && asked.indexOf(id) === i);
    if (ids.length > MAX) say("Only the first " + MAX + " routes are compared; " + ids.splice(MAX).length + " more were asked for.");
    const loaded = await Promise.all(ids.map(load));
    for (const r of loaded) if (r.error) { const li = el("li", null, "unknown"); li.dataset.route = r.id; li.appendChild(el("code", r.id)); li.appendChild(document.createTextNode(" " + r.error + ".")); messages.appendChild(li); }
    const routes = loaded.filter((r) => !r.error);
    if (routes.length < 2) say(ids.length === 0 ? "No routes chosen: add ?r=ROUTE&r=ROUTE to the address, or pick rows on the index." : "Choose at least two routes to compare.");
    const costs = el("div"); costs.id = "compare-costs";
    document.getElementById("compare-workload").appendChild(costs);
    if (routes.length) {
      draw(routes, document.getElementById("compare-table"));
      C.wire(document.getElementById("workload"), (w) => drawCosts(routes, w, costs));
    }
    window.compareReady = true;
  }

  main().catch((e) => { document.getElementById("compare-messages").appendChild(el("li", "The compare page failed: " + e.message)); window.compareReady = true; });
})();
