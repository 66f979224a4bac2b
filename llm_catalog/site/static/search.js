// Search ranking for the index, the same as `llm-catalog search` (sql/readers/search/routes.sql): the same fields,
// scores, ties order and rounding, and a Jaro-Winkler equal to DuckDB's jaro_winkler_similarity. The query's base
// model comes from the spelling table the page ships (llm_catalog.readers.search.spellings), normalized the same way.
// tests/readers/test_search_parity.py runs it under node against the command line.
"use strict";

(function (root) {
  const SPACE = "[ \\t\\n\\r\\f\\v]";  // ASCII whitespace only, as llm_catalog.readers.search.SPACE
  const TRIM = new RegExp(`^${SPACE}+|${SPACE}+$`, "g"), RUNS = new RegExp(`${SPACE}+`, "g");
  // a text as jaro reads it: its code points (DuckDB's unit), kept for the page's texts (ranked on every keystroke)
  const pointsOf = new Map();
  function codePoints(text) {
    let points = pointsOf.get(text);
    if (points === undefined) {
      points = Int32Array.from(text, (c) => c.codePointAt(0));
      if (pointsOf.size < 200000) pointsOf.set(text, points);
    }
    return points;
  }

  function normalized(text) {
    return text.replace(TRIM, "").toLowerCase().replace(RUNS, "-");
  }

  // DuckDB compares code points: Jaro with the window max(len)/2 - 1, half the transpositions rounded down,
  // and the Winkler bonus (a common prefix of up to 4, weight 0.1) only above 0.7
  let usedB = new Uint8Array(256), matchedA = new Array(256);  // reused: ranking calls this ~50,000 times
  function jaro(a, b) {
    const la = a.length, lb = b.length;
    if (!la || !lb) return 0;
    if (la === 1 && lb === 1) return a[0] === b[0] ? 1 : 0;
    if (lb > usedB.length || la > matchedA.length) {
      usedB = new Uint8Array(2 * lb);
      matchedA = new Array(2 * la);
    }
    usedB.fill(0, 0, lb);
    const window = Math.floor(Math.max(la, lb) / 2) - 1;
    let common = 0;
    for (let i = 0; i < la; i++) {
      const from = Math.max(0, i - window), to = Math.min(lb - 1, i + window);
      for (let j = from; j <= to; j++) {
        if (!usedB[j] && a[i] === b[j]) { usedB[j] = 1; matchedA[common++] = a[i]; break; }
      }
    }
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
    const scaled = x * 1000;
    if (Math.abs(scaled - Math.floor(scaled) - 0.5) > 1e-6) return Math.round(scaled) / 1000;  // not near a half
    const [mantissa, exponent] = exact(x);
    if (exponent >= 0 || mantissa <= 0n) return Math.round(x * 1000) / 1000;  // no score is negative or that large
    const scale = 1n << BigInt(-exponent);
    return Number((2n * mantissa * 1000n + scale) / (2n * scale)) / 1000;
  }

  const bonuses = new Map();  // (prefix, Jaro) -> Jaro-Winkler: few distinct pairs, so each BigInt sum runs once
  function winkler(similarity, prefix) {
    const key = `${prefix} ${similarity}`;
    let value = bonuses.get(key);
    if (value === undefined) {
      value = Math.min(fusedMultiplyAdd(prefix * 0.1, 1 - similarity, similarity), 1);
      bonuses.set(key, value);
    }
    return value;
  }

  function similarity(a, b) {  // code point arrays
    let value = jaro(a, b);
    if (value > 0.7) {
      let prefix = 0;
      const most = Math.min(a.length, b.length, 4);
      while (prefix < most && a[prefix] === b[prefix]) prefix++;
      value = winkler(value, prefix);
    }
    return value;
  }

  function jaroWinkler(s, t) {
    return similarity(codePoints(s), codePoints(t));
  }

  const length = (text) => { let n = 0; for (const _ of text) n++; return n; };  // code points, as DuckDB's length
  // 0.85 + 0.1 * length($q) / length(x): DuckDB multiplies the decimal 0.1 exactly, then divides in doubles
  const contained = (q, x) => 0.85 + (length(q) / 10) / length(x);

  // a route's lowercased fields, once per page
  function keysOf(route) {
    if (!route.keys) {
      route.keys = { id: route.route_id.toLowerCase(), model: route.model.toLowerCase(),
        provider: route.provider.toLowerCase(),
        providerName: route.provider_name === null ? null : route.provider_name.toLowerCase(),
        size: length(route.route_id) };
    }
    return route.keys;
  }

  // each field's score (routes.sql's list), the best one and the first field that has it (`matched`)
  function best(route, q, base, bare, similar) {
    const { id, model, providerName, provider } = keysOf(route);
    let top = id === q ? 1.0 : bare !== null && id === bare ? 0.995
      : id.includes(q) ? contained(q, id) : 0.95 * similar(id);
    let matched = "route id";
    const consider = (score, field) => { if (score > top) { top = score; matched = field; } };
    consider(model === q || model === base ? 0.99 : 0.95 * similar(model), "model");
    consider(route.base_model === q || route.base_model === base ? 0.98
      : route.base_model.includes(q) ? contained(q, route.base_model) : 0.95 * similar(route.base_model), "base model");
    consider(route.family === q ? 0.9 : 0.8 * (route.family === null ? 0 : similar(route.family)), "family");
    consider(providerName === q || provider === q ? 0.9 : 0.8 * (providerName === null ? 0 : similar(providerName)),
      "provider");
    return [top, matched];
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
    const query = codePoints(q), known = new Map();  // a text's similarity to the query, once per text
    const similar = (text) => {
      let value = known.get(text);
      if (value === undefined) { value = similarity(codePoints(text), query); known.set(text, value); }
      return value;
    };
    const found = [];
    for (const route of routes) {
      if (route.duplicate) continue;
      const [score, matched] = best(route, q, base, bare, similar);
      found.push({ route, score: round3(score), matched, size: route.keys.size });
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
