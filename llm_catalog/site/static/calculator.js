/* The workload calculators of the route page (its own terms, embedded as #compare-data) and the base-model page
   (every route of the model, #model-routes-data, ranked by the workload's cost), priced by LLMCost (cost.js), the
   same rules as `llm-catalog cost`. window.LLMCalculator is shared with compare.js. DOM from textContent only. */
(function () {
  "use strict";

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function row(cells, tag) {
    const tr = el("tr");
    for (const c of cells) {
      if (c instanceof Node) { const td = el(tag || "td"); td.appendChild(c); tr.appendChild(td); }
      else tr.appendChild(el(tag || "td", c));
    }
    return tr;
  }

  function count(value) { return Number(value).toLocaleString("en-US"); }

  function tokenField(form, name, label, optional) {
    const text = form.elements[name].value.trim();
    if (optional && text === "") return null;
    const value = LLMCost.parseTokens(text);
    if (value === null || value === undefined || !Number.isFinite(Number(value)) || Number(value) < 0) {
      throw new Error(label + ": \u201c" + text + "\u201d is not a token count (write 1500, 200K or 1.5M)");
    }
    return value;
  }

  /* A percentage as the exact decimal fraction cost.js reads ("30" -> "0.30", "33.3" -> "0.333"): no float. */
  function fraction(percent) {
    const match = /^(\d+)(?:\.(\d*))?$/.exec(percent.trim());
    if (!match || Number(percent) > 100) throw new Error("Cached share: a percentage from 0 to 100");
    const fractionDigits = match[2] || "";
    const places = fractionDigits.length + 2;
    const digits = (match[1] + fractionDigits).padStart(places + 1, "0");
    return digits.slice(0, -places) + "." + digits.slice(-places);
  }

  /* The form's workload, in cost.js's keys; throws an Error naming the field it cannot read. */
  function readWorkload(form) {
    return {
      input: tokenField(form, "input", "Input tokens"),
      output: tokenField(form, "output", "Output tokens"),
      cachedShare: fraction(form.elements.cached.value),
      batch: form.elements.batch.checked,
      per: form.elements.per.value,
      promptTokens: tokenField(form, "prompt", "Prompt size", true),
    };
  }

  function price(terms, workload) {
    if (!terms) return { ok: false, missing: ["input", "output"], reason: "no price of this route is known to the calculator" };
    return LLMCost.price(terms, workload);
  }

  /* cost.js's reason names the route and the missing prices */
  function refusal(result) { return result.reason; }

  /* Two non-negative exact decimal strings (cost.js's amounts) compared without floats: -1, 0 or 1. */
  function compareDecimals(a, b) {
    const [aw, af = ""] = a.split("."), [bw, bf = ""] = b.split(".");
    if (aw.length !== bw.length) return aw.length < bw.length ? -1 : 1;
    const width = Math.max(af.length, bf.length);
    const x = aw + af.padEnd(width, "0"), y = bw + bf.padEnd(width, "0");
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const byId = (a, b) => (a.route.route_id < b.route.route_id ? -1 : a.route.route_id > b.route.route_id ? 1 : 0);

  /* One route's priced workload: the prices it used (a line each), its notes and the totals; or the refusal. */
  function resultNodes(result) {
    const box = document.createDocumentFragment();
    if (!result.ok) { box.appendChild(el("p", refusal(result), "refused")); return box; }
    const table = el("table", null, "cost-lines");
    const head = el("thead"); head.appendChild(row(["Part", "Tokens", "Price / 1M tokens", "Amount"], "th")); table.appendChild(head);
    const body = el("tbody");
    for (const line of result.lines) {
      const tr = row([line.part, count(line.tokens), LLMCost.money(line.usd_per_1m), LLMCost.money(line.amount)]);
      tr.dataset.part = line.part;
      for (const td of Array.from(tr.children).slice(1)) td.className = "num";
      body.appendChild(tr);
    }
    table.appendChild(body);
    box.appendChild(table);
    const totals = el("p", null, "cost-total");
    totals.appendChild(el("strong", LLMCost.money(result.per_day), "per-day"));
    totals.appendChild(document.createTextNode(" a day \u00b7 "));
    totals.appendChild(el("strong", LLMCost.money(result.per_month), "per-month"));
    totals.appendChild(document.createTextNode(" a month"));
    box.appendChild(totals);
    if (result.notes && result.notes.length) {
      const notes = el("ul", null, "cost-notes");
      for (const n of result.notes) notes.appendChild(el("li", n));
      box.appendChild(notes);
    }
    return box;
  }

  /* Every route of a base model priced for the workload as cost.rank orders them: the priced ones cheapest first
     (ties by id), then the refused ones by id, with their reason. */
  function rankingNodes(routes, workload) {
    const priced = [], refused = [];
    for (const r of routes) {
      const result = price(r.terms, workload);
      (result.ok ? priced : refused).push({ route: r, result: result });
    }
    priced.sort((a, b) => compareDecimals(a.result.total, b.result.total) || byId(a, b));
    refused.sort(byId);
    const table = el("table", null, "ranking");
    const head = el("thead");
    head.appendChild(row(["#", "Route", "Provider", "A day", "A month", "Prices used"], "th"));
    table.appendChild(head);
    const body = el("tbody");
    priced.forEach((p, i) => {
      const link = el("a", p.route.route_id); link.href = "../" + p.route.path;
      const used = p.result.lines.map((l) => l.part + " " + LLMCost.money(l.usd_per_1m)).join(", ") +
        p.result.notes.map((n) => "; " + n).join("");
      const tr = row([String(i + 1), link, p.route.provider_name, LLMCost.money(p.result.per_day), LLMCost.money(p.result.per_month), used]);
      tr.dataset.route = p.route.route_id;
      tr.dataset.state = "priced";
      tr.children[3].className = tr.children[4].className = "num";
      body.appendChild(tr);
    });
    for (const p of refused) {
      const link = el("a", p.route.route_id); link.href = "../" + p.route.path;
      const tr = row(["\u2013", link, p.route.provider_name, "", "", refusal(p.result)]);
      tr.dataset.route = p.route.route_id;
      tr.dataset.state = "refused";
      tr.className = "refused";
      body.appendChild(tr);
    }
    table.appendChild(body);
    const box = document.createDocumentFragment();
    box.appendChild(el("p", priced.length + " of " + routes.length + " routes priced for this workload" + (refused.length ? "; " + refused.length + " refused, listed last" : "") + "."));
    box.appendChild(table);
    return box;
  }

  /* Redraw ``target`` with ``draw(workload)`` on every change of ``form``; a field it cannot read is named. */
  function wire(form, draw) {
    const error = form.querySelector(".workload-error");
    function update() {
      let workload;
      try { workload = readWorkload(form); } catch (e) { error.textContent = e.message; error.hidden = false; return; }
      error.hidden = true;
      draw(workload);
    }
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("submit", (event) => { event.preventDefault(); update(); });
    update();
  }

  function replace(target, nodes) { target.textContent = ""; target.appendChild(nodes); }

  window.LLMCalculator = { readWorkload: readWorkload, price: price, resultNodes: resultNodes, refusal: refusal, wire: wire, el: el, row: row };

  const form = document.getElementById("workload");
  const target = document.getElementById("calculator-result");
  if (!form || !target || !window.LLMCost) return;
  const own = document.getElementById("compare-data");
  const model = document.getElementById("model-routes-data");
  if (own) {
    const terms = JSON.parse(own.textContent).terms;
    wire(form, (w) => replace(target, resultNodes(price(terms, w))));
  } else if (model) {
    const routes = JSON.parse(model.textContent);
    wire(form, (w) => replace(target, rankingNodes(routes, w)));
  }
  window.calculatorReady = true;
})();
