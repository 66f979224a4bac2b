// Pricing a workload in the browser: the same rules and figures as llm_catalog/readers/cost.py `price` (the site
// ships each route's terms as route_terms gives them; tests/readers/test_cost_js.py checks both agree on every route).
// Money is exact: decimal strings become BigInt scaled integers; no float arithmetic touches money.
(function () {
  "use strict";

  var DAYS_PER_MONTH = 30n;
  var DAY_PLACES = 6; // a day's cost derived from a month's (÷ 30) is rounded to a millionth of a dollar
  var MULTIPLIERS = { "": 1n, k: 1000n, m: 1000000n, b: 1000000000n };

  // "0.15" -> {n: 15n, s: 2}: the exact value n / 10^s
  function dec(text) {
    var match = /^(\d+)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(String(text).trim());
    if (!match) throw new Error("not a decimal: " + text);
    var fraction = match[2] || "";
    var n = BigInt(match[1] + fraction);
    var s = fraction.length - (match[3] ? parseInt(match[3], 10) : 0);
    return s < 0 ? { n: n * 10n ** BigInt(-s), s: 0 } : { n: n, s: s };
  }

  function scaled(value, s) {
    return value.n * 10n ** BigInt(s - value.s);
  }

  function add(a, b) {
    var s = Math.max(a.s, b.s);
    return { n: scaled(a, s) + scaled(b, s), s: s };
  }

  function mul(a, b) {
    return { n: a.n * b.n, s: a.s + b.s };
  }

  // numerator / denominator rounded half to even (both non-negative BigInts)
  function roundHalfEven(numerator, denominator) {
    var q = numerator / denominator;
    var twice = (numerator % denominator) * 2n;
    if (twice > denominator || (twice === denominator && q % 2n === 1n)) q += 1n;
    return q;
  }

  // the exact value without exponent or trailing zeros: "0.105", "12", "0"
  function text(value) {
    var digits = value.n.toString();
    if (value.s <= 0) return value.n === 0n ? "0" : digits + "0".repeat(-value.s);
    digits = digits.padStart(value.s + 1, "0");
    var whole = digits.slice(0, digits.length - value.s);
    var fraction = digits.slice(digits.length - value.s).replace(/0+$/, "");
    return fraction ? whole + "." + fraction : whole;
  }

  function grouped(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  // "$" and the exact amount, at least two decimals, thousands grouped: "0.105" -> "$0.105", "12" -> "$12.00"
  function money(amount) {
    var parts = text(dec(amount)).split(".");
    var fraction = parts[1] || "";
    while (fraction.length < 2) fraction += "0";
    return "$" + grouped(parts[0]) + "." + fraction;
  }

  // 200000 -> "200K", 1000000 -> "1M", 524288 -> "524,288"
  function tokensLabel(tokens) {
    var n = BigInt(tokens);
    if (n && n % 1000000n === 0n) return grouped((n / 1000000n).toString()) + "M";
    if (n && n % 1000n === 0n) return grouped((n / 1000n).toString()) + "K";
    return grouped(n.toString());
  }

  // a token count as people write it (1000000, 1_000_000, 1,000,000, 200K, 1M, 1.5M, 2B); null if it is none
  function parseTokens(input) {
    var match = /^(\d+(?:\.\d+)?)([kmb]?)$/.exec(String(input).trim().toLowerCase().replace(/[_,]/g, ""));
    if (!match) return null;
    var value = mul(dec(match[1]), { n: MULTIPLIERS[match[2]], s: 0 });
    var unit = 10n ** BigInt(value.s);
    if (value.n % unit !== 0n) return null;
    return Number(value.n / unit);
  }

  function refusal(terms, missing, reason) {
    return { ok: false, route_id: terms.route_id, missing: missing, reason: reason };
  }

  // the long-context tier a prompt of promptTokens falls in (the highest it is above); null: the base
  function tierFor(terms, promptTokens) {
    var found = null;
    if (promptTokens === null || promptTokens === undefined) return null;
    terms.tiers.forEach(function (tier) {
      if (BigInt(promptTokens) > BigInt(tier.above)) found = tier;
    });
    return found;
  }

  function workloadOf(w) {
    var share = dec(w.cachedShare === undefined || w.cachedShare === null ? "0" : w.cachedShare);
    if (scaled(share, share.s) > 10n ** BigInt(share.s)) throw new Error("the cached share is a fraction from 0 to 1");
    var prompt = w.promptTokens === undefined || w.promptTokens === null || w.promptTokens === "" ? null : w.promptTokens;
    return {
      input: BigInt(w.input),
      output: BigInt(w.output),
      share: share,
      batch: Boolean(w.batch),
      per: w.per === "day" ? "day" : "month",
      promptTokens: prompt === null ? null : BigInt(prompt),
    };
  }

  function price(terms, workload) {
    return quote(terms, workloadOf(workload));
  }

  function quote(terms, w) {
    var routeId = terms.route_id;
    if (terms.unpriceable) {
      var kind = terms.input === null ? "input" : "output";
      return refusal(terms, [kind], routeId + " cannot price tokens: " + terms.unpriceable);
    }
    var tier = tierFor(terms, w.promptTokens);
    var rates = tier || terms;
    var prefix = w.batch ? "batch_" : "";
    var cached = roundHalfEven(w.input * w.share.n, 10n ** BigInt(w.share.s));
    var parts = [
      ["uncached input", w.input - cached, "input"],
      ["cached input", cached, "cache_read"],
      ["output", w.output, "output"],
    ]
      .filter(function (p) { return p[1] > 0n; })
      .map(function (p) { return [p[0], p[1], prefix + p[2]]; });
    var missing = parts
      .filter(function (p) { return rates[p[2]] === null || rates[p[2]] === undefined; })
      .map(function (p) { return p[2]; });
    if (missing.length) {
      var where = tier ? " for prompts above " + tokensLabel(tier.above) + " tokens" : "";
      return refusal(terms, missing, routeId + " cannot price this workload: no " + missing.join(", ") + " price" + where);
    }
    var total = { n: 0n, s: 0 };
    var lines = parts.map(function (p) {
      var amount = mul({ n: p[1], s: 6 }, dec(rates[p[2]])); // tokens / 1M × usd per 1M
      total = add(total, amount);
      return { part: p[0], tokens: Number(p[1]), usd_per_1m: rates[p[2]], amount: text(amount) };
    });
    var perDay, perMonth;
    if (w.per === "day") {
      perDay = total;
      perMonth = mul(total, { n: DAYS_PER_MONTH, s: 0 });
    } else {
      var s = Math.max(total.s, 0);
      var numerator = scaled(total, s) * 10n ** BigInt(DAY_PLACES);
      perDay = { n: roundHalfEven(numerator, DAYS_PER_MONTH * 10n ** BigInt(s)), s: DAY_PLACES };
      perMonth = total;
    }
    return {
      ok: true,
      route_id: routeId,
      total: text(total),
      per_day: text(perDay),
      per_month: text(perMonth),
      lines: lines,
      notes: notes(terms, w, tier),
    };
  }

  function notes(terms, w, tier) {
    var said = w.batch ? ["batch prices used"] : [];
    if (tier) {
      said.push("prompts of " + tokensLabel(w.promptTokens) + " tokens: prices above " + tokensLabel(tier.above) +
        " tokens used");
    } else if (terms.tiers.length) {
      var first = terms.tiers[0].above;
      if (w.promptTokens === null) {
        var above = quote(terms, Object.assign({}, w, { promptTokens: BigInt(first) + 1n }));
        var cost = above.ok ? money(above.total) : "not priced, no " + above.missing.join(", ") + " price";
        said.push("assumes prompts up to " + tokensLabel(first) + " tokens (tier above: " + cost + ")");
      } else {
        said.push("prompts of " + tokensLabel(w.promptTokens) + " tokens: base prices (they change above " +
          tokensLabel(first) + " tokens)");
      }
    }
    if (terms.reasoning !== null && terms.reasoning !== undefined) {
      said.push("a reasoning-token price is stated (" + money(terms.reasoning) + " per 1M), not applied");
    }
    return said;
  }

  var api = { price: price, parseTokens: parseTokens, money: money };
  if (typeof window !== "undefined") window.LLMCost = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})();
