"""The top-K kernel of the similarity stage: for each reference route, every candidate of its block scored with the
arithmetic of ``sql/similarity/scoring.sql``, the best key of each other base model kept per lens, and the K best
of those in a small heap per lens.

Why compiled and not SQL: every comparable pair can reach a top-K list (unknowns score 0.5, and the modality and
capability lenses weigh price at 0.12), so bounds prune almost nothing (57.7M of 58.1M pairs passed them on the
bundled catalog) and the SQL form spent ~8 s evaluating six lens expressions and a (route, model) hash aggregate
per pair. Here a pair costs a few dozen float operations and no allocation, the per-model maximum is a running
maximum over candidates sorted by model, and only a key that beats a heap's minimum moves anything.

Exactness: each operation is the one DuckDB evaluates for the macros, in the same order and in float64 (numba keeps
IEEE semantics unless fastmath is asked for), and ``round`` is C's (half away from zero), so the keys are the SQL
keys bit for bit; the tests compare the lists with the every-pair SQL form.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# route feature columns, in this order, for references and candidates (the SELECT in lists.py)
FEATURES = (
    "log_price",
    "has_price",
    "log_context",
    "has_context",
    "log_output",
    "has_output",
    "q1",
    "h1",
    "q2",
    "h2",
    "q3",
    "h3",
    "has_quality",
)
LENSES = ("overall", "cost", "modality", "capabilities", "context", "quality")
KEY_SHIFT = 16777216.0  # rank_key: score * 1e6 in the high bits, 16777215 - idx below (ties by route_id)


@njit(cache=True)
def _gap(log_a, has_a, log_b, has_b, span):  # gap_score
    both = has_a * has_b
    return both * max(0.0, 1.0 - abs(log_a - log_b) / span) + (1.0 - both) * 0.5


@njit(cache=True)
def _key(score, tie):
    """rank_key as a float64 (exact: under 2**45), ``tie`` being 16777215 - idx. DuckDB's round is C's (half away
    from zero); for scores >= 0 that is floor(x + 0.5), except just under 0.5, where x + 0.5 rounds up to 1.0."""
    scaled = score * 1e6
    whole = np.floor(scaled + 0.5)
    whole = whole - 1.0 if whole - scaled > 0.5 else whole
    return whole * KEY_SHIFT + tie


@njit(cache=True)
def _push(heap, row, size, key):
    """Keep the ``heap.shape[1]`` largest keys in row ``row``, a binary min-heap; returns the row's new size. (Rows
    of one 2-D array, not views: a view in the hot loop costs a reference count each.)"""
    if size < heap.shape[1]:
        at = size
        heap[row, at] = key
        while at > 0 and heap[row, (at - 1) // 2] > heap[row, at]:
            parent = (at - 1) // 2
            heap[row, at], heap[row, parent] = heap[row, parent], heap[row, at]
            at = parent
        return size + 1
    if key <= heap[row, 0]:
        return size
    heap[row, 0] = key
    at = 0
    while True:
        child = 2 * at + 1
        if child >= size:
            break
        if child + 1 < size and heap[row, child + 1] < heap[row, child]:
            child += 1
        if heap[row, child] >= heap[row, at]:
            break
        heap[row, at], heap[row, child] = heap[row, child], heap[row, at]
        at = child
    return size


@njit(cache=True, nogil=True)
def top_keys(rows, keys, lengths, ref_model, ref_pid, ref_lo, ref_hi, ref_feat, ties, cand_model, cand_pid,
             cand_feat, modality, capability):  # fmt: skip
    """For the references ``rows``, per lens, the K best keys, best first, into ``keys`` (references x 6 x K, -1
    filled) and their count into ``lengths``. A reference's candidates are ``cand_*[ref_lo:ref_hi]`` (its block),
    sorted by model; ``ties`` is 16777215 - idx per candidate; ``modality`` and ``capability`` hold the scores of
    each (reference profile, candidate profile). Without the GIL: threads take disjoint rows."""
    heaps = np.empty((6, keys.shape[2]), np.int64)
    b0 = b1 = b2 = b3 = b4 = b5 = -1.0
    for r in rows:
        lp, hp, lc, hc, lo, ho, q1, h1, q2, h2, q3, h3, hq = ref_feat[r]  # a view once per reference
        pa, own = ref_pid[r], ref_model[r]
        size = 0
        model = -1  # no run yet (model ids start at 1)
        for j in range(ref_lo[r], ref_hi[r] + 1):
            if j == ref_hi[r] or cand_model[j] != model:  # a model's run ends: its best key per lens enters
                if model != -1 and model != own:
                    _push(heaps, 0, size, np.int64(b0))
                    _push(heaps, 1, size, np.int64(b1))
                    _push(heaps, 2, size, np.int64(b2))
                    _push(heaps, 3, size, np.int64(b3))
                    _push(heaps, 4, size, np.int64(b4))
                    size = _push(heaps, 5, size, np.int64(b5))
                if j == ref_hi[r]:
                    break
                model = cand_model[j]
                b0 = b1 = b2 = b3 = b4 = b5 = -1.0
            if model == own:  # the reference's own base model: alternatives, not similar models
                continue
            # the macros of scoring.sql, operation for operation
            cost = _gap(lp, hp, cand_feat[j, 0], cand_feat[j, 1], 1.0)
            window = _gap(lc, hc, cand_feat[j, 2], cand_feat[j, 3], 2.0)
            context = 0.5 * (window + _gap(lo, ho, cand_feat[j, 4], cand_feat[j, 5], 2.0))
            w1, w2, w3 = h1 * cand_feat[j, 7], h2 * cand_feat[j, 9], h3 * cand_feat[j, 11]
            shared = w1 + w2 + w3
            quality = 0.5
            if shared > 0:
                quality = (
                    w1 * max(0.0, 1.0 - abs(q1 - cand_feat[j, 6]))
                    + w2 * max(0.0, 1.0 - abs(q2 - cand_feat[j, 8]))
                    + w3 * max(0.0, 1.0 - abs(q3 - cand_feat[j, 10]))
                ) / shared
            m = modality[pa, cand_pid[j]]
            cap = capability[pa, cand_pid[j]]
            offer = 0.30 * cost + 0.25 * m + 0.25 * cap + 0.20 * context
            overall = (1.0 - 0.30 * hq) * offer + 0.30 * hq * quality
            # the best key of this model's run, per lens (max, not if: no branch to mispredict)
            tie = ties[j]
            b0 = max(b0, _key(overall, tie))
            b1 = max(b1, _key(0.6 * cost + 0.4 * overall, tie))
            b2 = max(b2, _key(0.6 * m + 0.4 * overall, tie))
            b3 = max(b3, _key(0.6 * cap + 0.4 * overall, tie))
            b4 = max(b4, _key(0.6 * context + 0.4 * overall, tie))
            b5 = max(b5, _key(0.6 * quality + 0.4 * overall, tie))
        lengths[r] = size
        for lens_no in range(6):
            keys[r, lens_no, :size] = np.sort(heaps[lens_no, :size])[::-1]
