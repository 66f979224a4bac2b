// Search ranking for the index, the same as `llm-catalog search` (sql/readers/search/routes.sql): the same fields,
// scores, ties order and rounding, and a Jaro-Winkler equal to DuckDB's jaro_winkler_similarity. The query's base
// model comes from the spelling table the page ships (llm_catalog.readers.search.spellings), normalized the same way.
// tests/readers/test_search_parity.py runs it under node against the command line.
"use strict";

(function (root) {
  const SPACE = "[ \\t\\n\\r\\f\\v]";  // ASCII whitespace only, as llm_catalog.readers.search.SPACE
  const TRIM = new RegExp(`^${SPACE}+|${SPACE}+$`, "g"), RUNS = new RegExp(`${SPACE}+`, "g");
  const codePoints = (text) => Array.from(text, (c) => c.codePointAt(0));

  function normalized(text) {
    return text.replace(TRIM, "").toLowerCase().replace(RUNS, "-");
  }

  // DuckDB compares code points: Jaro with the window max(len)/2 - 1, half the transpositions rounded down,
  // and the Winkler bonus (a common prefix of up to 4, weight 0.1) only above 0.7
  function jaro(a, b) {
    const la = a.length, lb = b.length;
    if (!la || !lb) return 0;
    if (la === 1 && lb === 1) return a[0] === b[0] ? 1 : 0;
    const window = Math.floor(Math.max(la, lb) / 2) - 1;
    const usedB = new Uint8Array(lb), matchedA = [];
    for (let i = 0; i < la; i++) {
      const from = Math.max(0, i - window), to = Math.min(lb - 1, i + window);
      for (let j = from; j <= to; j++) {
        if (!usedB[j] && a[i] === b[j]) { usedB[j] = 1; matchedA.push(a[i]); break; }
      }
    }
    const common = matchedA.length;
    if (!common) return 0;
    let k = 0, transpositions = 0;
    for (let j = 0; j < lb; j++) if (usedB[j]) { if (b[j] !== matchedA[k]) transpositions++; k++; }
    transpositions = Math.floor(transpositions / 2);
    return (common / la + common / lb + (common - transpositions) / common) / 3;
  }

  // a * b + c rounded once, as the fused multiply-add DuckDB's build computes the Winkler bonus with (the same
  // expression rounded twice differs in the last bit, e.g. 'cbbca' ~ 'ccbb'): exact in BigInt, then one rounding
  const bits = new DataView(new ArrayBuffer(8));
  function exact(x) {  // x = mantissa * 2 ** exponent, for a finite double
    bits.setFloat64(0, x);
    const high = bits.getUint32(0), low = bits.getUint32(4);
    const field = (high >>> 20) & 0x7ff, sign = high >>> 31 ? -1n : 1n;
    const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
    if (field === 0) return [sign * fraction, -1074];
    return [sign * (fraction | (1n << 52n)), field - 1075];
  }
  function fusedMultiplyAdd(a, b, c) {
    if (a === 0 || b === 0) return c;
    const [ma, ea] = exact(a), [mb, eb] = exact(b), [mc, ec] = exact(c);
    const ep = ea + eb, e = Math.min(ep, ec);
    const sum = ((ma * mb) << BigInt(ep - e)) + (mc << BigInt(ec - e));
    return Number(sum) * 2 ** e;  // Number() rounds to nearest even once; the power of two scales exactly
  }

  // DuckDB's round(x, 3) of a double: x * 1000 exactly (it fits the 64-bit mantissa of the long double it uses),
  // rounded half away from zero, so 0.9125 (a double just under it) is 0.912, where Math.round(x * 1000) says 0.913
  function round3(x) {
    const [mantissa, exponent] = exact(x);
    if (exponent >= 0 || mantissa <= 0n) return Math.round(x * 1000) / 1000;  // no score is negative or that large
    const scale = 1n << BigInt(-exponent);
    return Number((2n * mantissa * 1000n + scale) / (2n * scale)) / 1000;
  }

  function jaroWinkler(s, t) {
    const a = codePoints(s), b = codePoints(t);
    let similarity = jaro(a, b);
    if (similarity > 0.7) {
      let prefix = 0;
      const most = Math.min(a.length, b.length, 4);
      while (prefix < most && a[prefix] === b[prefix]) prefix++;
      similarity = Math.min(fusedMultiplyAdd(prefix * 0.1, 1 - similarity, similarity), 1);
    }
    return similarity;
  }

  const length = (text) => { let n = 0; for (const _ of text) n++; return n; };  // code points, as DuckDB's length
  // 0.85 + 0.1 * length($q) / length(x): DuckDB multiplies the decimal 0.1 exactly, then divides in doubles
  const contained = (q, x) => 0.85 + (length(q) / 10) / length(x);

  function fields(route, q, base, bare) {
    const id = route.route_id.toLowerCase(), model = route.model.toLowerCase();
    const provider = route.provider_name === null ? null : route.provider_name.toLowerCase();
    return [
      ["route id", id === q ? 1.0 : bare !== null && id === bare ? 0.995
        : id.includes(q) ? contained(q, id) : 0.95 * jaroWinkler(id, q)],
      ["model", model === q || model === base ? 0.99 : 0.95 * jaroWinkler(model, q)],
      ["base model", route.base_model === q || route.base_model === base ? 0.98
        : route.base_model.includes(q) ? contained(q, route.base_model) : 0.95 * jaroWinkler(route.base_model, q)],
      ["family", route.family === q ? 0.9 : 0.8 * (route.family === null ? 0 : jaroWinkler(route.family, q))],
      ["provider", provider === q || route.provider.toLowerCase() === q ? 0.9
        : 0.8 * (provider === null ? 0 : jaroWinkler(provider, q))],
    ];
  }

  // The spelling table (spelling -> base model) from the routes and the entries the page ships: each route's id and
  // model name normalized, the first route winning, then the shipped entries (llm_catalog.site.index_data).
  function spellings(routes, shipped) {
    const names = new Map();
    for (const route of routes) {
      for (const spelling of [route.route_id, route.model]) {
        const key = normalized(spelling);
        if (!names.has(key)) names.set(key, route.base_model);
      }
    }
    for (const [key, base] of Object.entries(shipped)) names.set(key, base);
    return names;
  }

  // routes: [{route_id, model, base_model, family, provider, provider_name, duplicate}] (duplicate: a route the
  // catalog lists as another's duplicate, left out as the command line does); names: a Map spelling -> base model.
  // Returns the best `limit` as [{route, score, matched}], score desc, then shorter route id, then route id.
  function rank(routes, names, text, limit) {
    const q = text.replace(TRIM, "").toLowerCase(), key = normalized(text);
    const base = names.has(key) ? names.get(key) : key;
    const bare = q.includes("/") ? q.slice(q.indexOf("/") + 1) : null;
    const found = [];
    for (const route of routes) {
      if (route.duplicate) continue;
      let best = -Infinity, matched = null;
      for (const [field, score] of fields(route, q, base, bare)) if (score > best) { best = score; matched = field; }
      found.push({ route, score: round3(best), matched, size: length(route.route_id) });
    }
    found.sort((x, y) => y.score - x.score || x.size - y.size
      || (x.route.route_id < y.route.route_id ? -1 : x.route.route_id > y.route.route_id ? 1 : 0));
    return found.slice(0, limit === undefined ? found.length : limit);
  }

  // the index page's data (llm_catalog.site.index_data) as rank's routes (in the rows' order) and spelling table
  function fromIndexData(data) {
    const at = {};
    data.columns.forEach((name, i) => { at[name] = i; });
    const routes = data.rows.map((row, index) => ({
      index, route_id: row[at.id], model: row[at.model] === null ? row[at.name] : row[at.model],
      base_model: row[at.base], family: row[at.family], provider: row[at.provider],
      provider_name: row[at.provider_named] ? row[at.provider_name] : null, duplicate: row[at.duplicate],
    }));
    return { routes, names: spellings(routes, data.spellings) };
  }

  const api = { round3, rank, fromIndexData, spellings, normalized, jaroWinkler };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.LLMSearch = api;
})(typeof window !== "undefined" ? window : globalThis);
