"""Similar models and alternatives: scoring properties on hand-made maps, exactness against the every-pair form,
and the real bundled map."""

import gzip

import duckdb
import pyarrow as pa
import pytest

from llm_catalog import schemas
from llm_catalog.benchmarks.link import link
from llm_catalog.checks.expectations import validate
from llm_catalog.identity.resolver import default_resolver
from llm_catalog.normalized import lmarena
from llm_catalog.normalized.litellm.normalize import normalize
from llm_catalog.paths import BUNDLED_LMARENA
from llm_catalog.similarity import lists

CHAT = {
    "litellm_provider": "deepinfra",
    "mode": "chat",
    "max_input_tokens": 131072,
    "max_output_tokens": 8192,
    "input_cost_per_token": 1e-07,
    "output_cost_per_token": 4e-07,
    "supports_function_calling": True,
    "supports_vision": True,
}


def entry(**changes):
    return {**CHAT, **changes}


def similar_rows(entries: dict, k: int = 25) -> tuple[list[dict], dict]:
    tables = normalize(entries).tables
    out = lists.compute(tables, k=k)
    return out["similar_models"].to_pylist(), out


def rows_for(rows, route_id, lens):
    return sorted((r for r in rows if r["route_id"] == route_id and r["lens"] == lens), key=lambda r: r["rank"])


def test_identical_routes_score_one_on_every_lens():
    rows, _ = similar_rows({"deepinfra/model-a": entry(), "deepinfra/model-b": entry()})
    for lens in ("overall", "cost", "modality", "capabilities", "context"):
        (row,) = rows_for(rows, "deepinfra/model-a", lens)
        assert row["other_route_id"] == "deepinfra/model-b"
        assert row["score"] == 1.0
        assert (row["cost_score"], row["modality_score"], row["capability_score"], row["context_score"]) == (1, 1, 1, 1)
        assert row["reasons"] == [
            "Same provider",
            "Text and image covered",
            "Features covered",
            "Similar price",
            "Same context",
        ]


def test_cost_lens_ranks_a_2x_price_gap_above_a_10x_one():
    rows, _ = similar_rows(
        {
            "deepinfra/ref": entry(),
            "deepinfra/double": entry(input_cost_per_token=2e-07, output_cost_per_token=8e-07),
            "deepinfra/tenfold": entry(input_cost_per_token=1e-06, output_cost_per_token=4e-06),
        }
    )
    cost = rows_for(rows, "deepinfra/ref", "cost")
    assert [r["other_route_id"] for r in cost] == ["deepinfra/double", "deepinfra/tenfold"]
    assert cost[0]["cost_score"] == pytest.approx(1 - 0.30103, abs=1e-5)  # log10(2) decades over a span of 1
    assert cost[1]["cost_score"] == 0  # a tenfold price is a different class of offer
    assert "Pricier" in cost[1]["reasons"]


def test_evidence_outranks_silence_which_outranks_a_stated_mismatch():
    """The reference supports function calling and vision (so takes images): a route stating both outranks one that
    states nothing, which outranks one stating both false, on capabilities, modalities and overall."""
    silent = {k: v for k, v in entry().items() if not k.startswith("supports_")}
    rows, _ = similar_rows(
        {
            "deepinfra/ref": entry(),
            "deepinfra/states": entry(),
            "deepinfra/silent": silent,
            "deepinfra/contrary": entry(supports_function_calling=False, supports_vision=False),
        }
    )
    for lens in ("overall", "capabilities", "modality"):
        ranked = [r["other_route_id"] for r in rows_for(rows, "deepinfra/ref", lens)]
        assert ranked == ["deepinfra/states", "deepinfra/silent", "deepinfra/contrary"], lens
    by_route = {r["other_route_id"]: r for r in rows_for(rows, "deepinfra/ref", "overall")}
    assert [
        by_route[r]["capability_score"] for r in ("deepinfra/states", "deepinfra/silent", "deepinfra/contrary")
    ] == [1.0, 0.5, 0.0]
    # text in, image in, text out: the silent route's image input is unknown (0.5), the contrary one's is absent (0)
    assert by_route["deepinfra/silent"]["modality_score"] == pytest.approx(2.5 / 3, abs=1e-6)
    assert by_route["deepinfra/contrary"]["modality_score"] == pytest.approx(2 / 3, abs=1e-6)
    assert "Missing image" in by_route["deepinfra/silent"]["reasons"]
    assert "Low overlap" in by_route["deepinfra/contrary"]["reasons"]
    assert "Features unstated" in by_route["deepinfra/silent"]["reasons"]


def test_a_route_stating_nothing_never_outranks_one_stating_the_references_features():
    """Even far cheaper and on the same context, silence does not beat evidence at a moderate price gap."""
    silent = {k: v for k, v in entry().items() if not k.startswith("supports_")}
    rows, _ = similar_rows(
        {
            "deepinfra/ref": entry(),
            "deepinfra/states-pricier": entry(input_cost_per_token=1.5e-07, output_cost_per_token=6e-07),
            "deepinfra/silent-same-price": silent,
        }
    )
    ranked = [r["other_route_id"] for r in rows_for(rows, "deepinfra/ref", "overall")]
    assert ranked == ["deepinfra/states-pricier", "deepinfra/silent-same-price"]


def test_near_twins_score_above_0_9_and_differences_are_visible():
    rows, _ = similar_rows(
        {
            "deepinfra/ref": entry(),
            "deepinfra/twin": entry(input_cost_per_token=1.1e-07),
            "deepinfra/price-9x": entry(input_cost_per_token=9e-07, output_cost_per_token=3.6e-06),
            "deepinfra/context-4x": entry(max_input_tokens=32768, max_output_tokens=2048),
            "deepinfra/two-features": entry(
                supports_function_calling=False, supports_vision=False, supports_tool_choice=True
            ),
        }
    )
    score = {r["other_route_id"]: r["score"] for r in rows_for(rows, "deepinfra/ref", "overall")}
    assert score["deepinfra/twin"] > 0.95
    for other in ("deepinfra/price-9x", "deepinfra/context-4x", "deepinfra/two-features"):
        assert score[other] < 0.9, other
        assert score["deepinfra/twin"] - score[other] >= 0.09, other
    cost = {r["other_route_id"]: r for r in rows_for(rows, "deepinfra/ref", "cost")}
    assert cost["deepinfra/price-9x"]["cost_score"] == pytest.approx(1 - 0.954243, abs=1e-5)  # log10(9) over 1
    assert "Pricier" in cost["deepinfra/price-9x"]["reasons"]


def test_unknown_prices_and_windows_are_not_matches():
    unpriced = {k: v for k, v in entry().items() if "cost" not in k}
    rows, _ = similar_rows(
        {"deepinfra/ref": unpriced, "deepinfra/also-unpriced": unpriced, "deepinfra/priced": entry()}
    )
    by_route = {r["other_route_id"]: r for r in rows_for(rows, "deepinfra/ref", "overall")}
    assert by_route["deepinfra/also-unpriced"]["cost_score"] == by_route["deepinfra/priced"]["cost_score"] == 0.5
    assert "Unpriced" in by_route["deepinfra/also-unpriced"]["reasons"]


def test_ties_break_by_route_id_and_runs_are_identical():
    entries = {f"deepinfra/twin-{c}": entry() for c in "dcba"} | {"deepinfra/ref": entry()}
    first, _ = similar_rows(entries)
    second, _ = similar_rows(entries)
    assert first == second
    ranked = [r["other_route_id"] for r in rows_for(first, "deepinfra/ref", "overall")]
    assert ranked == ["deepinfra/twin-a", "deepinfra/twin-b", "deepinfra/twin-c", "deepinfra/twin-d"]


def test_only_comparable_routes_and_never_the_same_base_model():
    rows, _ = similar_rows(
        {
            "deepinfra/chat-model": entry(),
            "together_ai/chat-model": entry(litellm_provider="together_ai"),  # same base model: an alternative
            "deepinfra/other-chat": entry(),
            "deepinfra/image-model": {
                "litellm_provider": "deepinfra",
                "mode": "image_generation",
                "output_cost_per_image": 0.04,
            },
            "deepinfra/embed-model": {
                "litellm_provider": "deepinfra",
                "mode": "embedding",
                "input_cost_per_token": 1e-08,
            },
        }
    )
    neighbours = {r["other_route_id"] for r in rows if r["route_id"] == "deepinfra/chat-model"}
    assert neighbours == {"deepinfra/other-chat"}
    assert not any(r["route_id"] == r["other_route_id"] for r in rows)
    assert not any(r["route_id"] == "deepinfra/image-model" for r in rows)  # alone in its block


def test_alternatives_are_the_same_base_model_cheapest_first():
    _, out = similar_rows(
        {
            "deepinfra/openai/gpt-oss-20b": entry(),
            "groq/openai/gpt-oss-20b": entry(
                litellm_provider="groq",
                input_cost_per_token=7.5e-08,
                output_cost_per_token=3e-07,
                supports_vision=False,
            ),
            "together_ai/openai/gpt-oss-20b": entry(
                litellm_provider="together_ai", input_cost_per_token=5e-08, output_cost_per_token=2e-07
            ),
            "nebius/openai/gpt-oss-20b": {k: v for k, v in entry(litellm_provider="nebius").items() if "cost" not in k},
            "deepinfra/other": entry(),
        }
    )
    alternatives = [r for r in out["alternatives"].to_pylist() if r["route_id"] == "deepinfra/openai/gpt-oss-20b"]
    assert [r["other_route_id"] for r in alternatives] == [
        "together_ai/openai/gpt-oss-20b",
        "groq/openai/gpt-oss-20b",
        "nebius/openai/gpt-oss-20b",
    ]  # unpriced last
    together, groq, nebius = alternatives
    assert together["other_unit_price"] == pytest.approx((3 * 0.05 + 0.2) / 4)
    assert together["price_difference"] == pytest.approx((3 * 0.05 + 0.2) / 4 - (3 * 0.1 + 0.4) / 4)
    assert groq["capabilities_lost"] == ["vision"]
    assert nebius["other_unit_price"] is None and nebius["price_basis"] == "usd_per_1m_tokens_3in_1out"


def test_variants_of_one_model_on_one_provider_are_one_row_linking_the_cheapest():
    """Bedrock's geography prefixes and a dated key of one snapshot are one candidate: the row names how many routes
    it stands for and links to the cheapest of them."""
    bedrock = {"litellm_provider": "bedrock_converse"}
    rows, _ = similar_rows(
        {
            "deepinfra/ref-model": entry(),
            "anthropic.claude-sonnet-4-20250514-v1:0": entry(**bedrock),
            "eu.anthropic.claude-sonnet-4-20250514-v1:0": entry(**bedrock, input_cost_per_token=1.1e-07),
            "us.anthropic.claude-sonnet-4-20250514-v1:0": entry(**bedrock, input_cost_per_token=0.9e-07),
            "apac.anthropic.claude-sonnet-4-20250514-v1:0": entry(**bedrock, input_cost_per_token=1.2e-07),
            "deepinfra/other-model": entry(input_cost_per_token=3e-07),
        }
    )
    for lens in ("overall", "cost", "modality", "capabilities", "context"):
        listed = [(r["other_route_id"], r["variants"]) for r in rows_for(rows, "deepinfra/ref-model", lens)]
        assert ("us.anthropic.claude-sonnet-4-20250514-v1:0", 4) in listed  # the cheapest of the four
        assert len(listed) == 2 and ("deepinfra/other-model", 1) in listed
    # a variant's own lists are those of any route: the other variants are its own model, never listed
    assert {r["other_route_id"] for r in rows if r["route_id"] == "eu.anthropic.claude-sonnet-4-20250514-v1:0"} == {
        "deepinfra/ref-model",
        "deepinfra/other-model",
    }


def test_a_route_needing_the_users_own_artefact_is_marked_and_never_a_similar_model():
    entries = {
        "gpt-4o": entry(litellm_provider="openai"),
        "ft:gpt-4o-2024-08-06": entry(litellm_provider="openai"),  # the user's own fine-tune
        "bedrock/us-east-1/1-month-commitment/anthropic.claude-instant-v1": entry(litellm_provider="bedrock"),
        "gpt-4o-mini": entry(litellm_provider="openai", input_cost_per_token=2e-07),
    }
    tables = normalize(entries).tables
    marked = {r["route_id"]: r["requires_own"] for r in tables["routes"].to_pylist()}
    assert marked == {
        "gpt-4o": None,
        "ft:gpt-4o-2024-08-06": "fine_tune",
        "bedrock/us-east-1/1-month-commitment/anthropic.claude-instant-v1": "provisioned_throughput",
        "gpt-4o-mini": None,
    }
    rows = lists.compute(tables)["similar_models"].to_pylist()
    assert {r["other_route_id"] for r in rows} == {"gpt-4o", "gpt-4o-mini"}
    # the fine-tune still has a page with similar models: the routes anyone can call
    assert {r["other_route_id"] for r in rows if r["route_id"] == "ft:gpt-4o-2024-08-06"} == {"gpt-4o", "gpt-4o-mini"}


def arena_figures(ratings: dict[str, float]) -> pa.Table:
    """LMArena text ratings for base models, as the benchmarks table holds them."""
    rows = [
        {
            "benchmark": "lmarena_text",
            "benchmark_name": "LMArena Text",
            "variant": "overall",
            "metric": "rating",
            "unit": "elo",
            "score": rating,
            "higher_is_better": True,
            "source_model": base,
            "base_model": base,
            "scope": "base_model",
            "evaluator": "third_party",
            "source": "lmarena",
            "source_url": "https://arena.ai/leaderboard/text",
            "attribution": "LMArena, CC BY 4.0",
        }
        for base, rating in ratings.items()
    ]
    return pa.Table.from_pylist(rows, schema=schemas.BENCHMARKS)


def test_a_far_better_rated_model_scores_lower_than_an_equal_offer_with_a_close_rating():
    """Two offers alike in price, limits and features: the one whose leaderboard rating is close to the reference's
    ranks first on overall and on the quality lens; a model 150 points above is not a near-twin, and one with no
    figure sits between (evidence outranks silence)."""
    tables = normalize(
        {
            "deepinfra/small-3b": entry(),
            "deepinfra/close-8b": entry(),
            "deepinfra/frontier-120b": entry(),
            "deepinfra/unrated-7b": entry(),
        }
    ).tables
    ratings = {"small-3b": 1200.0, "close-8b": 1210.0, "frontier-120b": 1350.0}
    rows = lists.compute({**tables, "benchmarks": arena_figures(ratings)})["similar_models"].to_pylist()
    for lens in ("overall", "quality"):
        ranked = rows_for(rows, "deepinfra/small-3b", lens)
        assert [r["other_route_id"] for r in ranked] == [
            "deepinfra/close-8b",
            "deepinfra/unrated-7b",
            "deepinfra/frontier-120b",
        ]
    overall = {r["other_route_id"]: r for r in rows_for(rows, "deepinfra/small-3b", "overall")}
    assert overall["deepinfra/close-8b"]["quality_score"] == pytest.approx(1 - 10 / 100, abs=1e-5)
    assert overall["deepinfra/close-8b"]["score"] > 0.95
    assert "Similar rating" in overall["deepinfra/close-8b"]["reasons"]
    assert overall["deepinfra/frontier-120b"]["quality_score"] == 0  # 150 points apart: beyond the span of 100
    assert overall["deepinfra/frontier-120b"]["score"] == pytest.approx(0.70)  # 0.70 x an offer blend of 1, quality 0
    assert "Rated higher" in overall["deepinfra/frontier-120b"]["reasons"]
    assert overall["deepinfra/unrated-7b"]["quality_score"] == 0.5
    assert overall["deepinfra/unrated-7b"]["score"] == pytest.approx(0.85)
    # a reference with no figure ranks by the offer alone: everything alike scores 1
    assert {r["score"] for r in rows_for(rows, "deepinfra/unrated-7b", "overall")} == {1.0}


def test_a_model_appears_once_at_its_closest_provider_and_scores_spread():
    """One model served by six providers fills one row (its provider closest to the reference), not six; the list
    goes on to other models, and on hand-made routes a step in price, window or features is a visible step in score."""
    providers = ("deepinfra", "together_ai", "groq", "fireworks_ai", "nebius", "novita")
    entries = {f"{p}/popular-70b": entry(litellm_provider=p) for p in providers}
    entries |= {
        "deepinfra/ref-model": entry(),
        "deepinfra/price-2x": entry(input_cost_per_token=2e-07, output_cost_per_token=8e-07),
        "deepinfra/window-half": entry(max_input_tokens=65536, max_output_tokens=4096),
        "deepinfra/no-vision": entry(supports_vision=False),
    }
    rows, _ = similar_rows(entries)
    overall = rows_for(rows, "deepinfra/ref-model", "overall")
    listed = [r["other_route_id"] for r in overall]
    assert listed == ["deepinfra/popular-70b", "deepinfra/price-2x", "deepinfra/window-half", "deepinfra/no-vision"]
    scores = [r["score"] for r in overall]
    # the twin at 1 (of its six providers, the same one as the reference); twice the price 0.91; half the window and
    # output cap 0.90; vision stated false 0.79
    assert scores == [1.0, pytest.approx(0.909691), pytest.approx(0.9), pytest.approx(0.791667)]
    # the row is the provider closest on the lens: with deepinfra's dearer, the first of the five equal ones by route_id
    dearer = {**entries, "deepinfra/popular-70b": entry(input_cost_per_token=3e-07)}
    rows, _ = similar_rows(dearer)
    first = rows_for(rows, "deepinfra/ref-model", "overall")[0]
    assert first["other_route_id"] == "fireworks_ai/popular-70b"


@pytest.fixture(scope="module")
def bundled_ratings(bundled_normalized) -> pa.Table:
    """The bundled LMArena ratings, linked to the bundled map's models as the sync links them."""
    found = lmarena.parse(gzip.decompress(BUNDLED_LMARENA.read_bytes()))
    benchmarks, _, _ = link(found.scores, bundled_normalized.tables["routes"], default_resolver())
    return benchmarks


@pytest.fixture(scope="module")
def real_similarity(bundled_normalized, bundled_ratings):
    tables = bundled_normalized.tables
    con = lists.connect(tables["routes"], tables["prices"], tables["limits"], tables["capabilities"], bundled_ratings)
    models = lists.similar_models(con)
    return con, models, lists.alternatives(con)


def test_kernel_lists_equal_the_every_pair_form_on_the_real_map(real_similarity):
    """With the bundled ratings: most chat routes have a quality figure, so every lens's bounds and the one row per
    model are exercised on real data."""
    con, _, _ = real_similarity
    ((rated, chat),) = con.sql(
        "SELECT count(*) FILTER (WHERE has_quality = 1), count(*) FROM route_features WHERE block = 'chat'"
    ).fetchall()
    assert rated > chat / 2
    kernel = lists.kernel_lists(con)  # noqa: F841 - read by name in the SQL below (DuckDB's replacement scan)
    reference = lists.reference_lists(con)  # noqa: F841 - the same
    key = "SELECT ref, lens, key FROM t ORDER BY ALL"
    assert duckdb.sql(key.replace("t", "kernel")).fetchall() == duckdb.sql(key.replace("t", "reference")).fetchall()


def test_real_map_scores_and_pairs_are_well_formed(real_similarity, bundled_normalized):
    _, models, _ = real_similarity
    routes = bundled_normalized.tables["routes"]  # noqa: F841 - read by name in the SQL below
    bad = duckdb.sql("""
        SELECT count(*) FILTER (WHERE score NOT BETWEEN 0 AND 1 OR cost_score NOT BETWEEN 0 AND 1
                                OR modality_score NOT BETWEEN 0 AND 1 OR capability_score NOT BETWEEN 0 AND 1
                                OR context_score NOT BETWEEN 0 AND 1),
               count(*) FILTER (WHERE m.route_id = m.other_route_id),
               count(*) FILTER (WHERE a.base_model = b.base_model),
               count(*) FILTER (WHERE b.duplicate_of IS NOT NULL OR b.alias_of IS NOT NULL),
               count(*) FILTER (WHERE (a.mode IN ('chat', 'completion', 'responses'))
                                      <> (b.mode IN ('chat', 'completion', 'responses'))),
               max(rank)
        FROM models m JOIN routes a ON a.route_id = m.route_id JOIN routes b ON b.route_id = m.other_route_id
    """).fetchall()[0]
    assert bad == (0, 0, 0, 0, 0, 25)


def test_gpt_oss_20b_on_deepinfra(real_similarity, bundled_normalized):
    _, models, alternatives = real_similarity
    routes = bundled_normalized.tables["routes"]  # noqa: F841 - read by name in the SQL below
    top = duckdb.sql("""
        SELECT m.rank, m.other_route_id, b.base_model, b.mode
        FROM models m JOIN routes b ON b.route_id = m.other_route_id
        WHERE m.route_id = 'deepinfra/openai/gpt-oss-20b' AND lens = 'overall' AND rank <= 10
        ORDER BY rank""").fetchall()
    assert len(top) == 10
    assert all(base != "gpt-oss-20b" for _, _, base, _ in top)
    assert all(mode not in ("image_generation", "image_edit", "embedding") for *_, mode in top)
    listed = duckdb.sql("""
        SELECT a.rank, a.other_unit_price, b.base_model, b.provider FROM alternatives a
        JOIN routes b ON b.route_id = a.other_route_id
        WHERE a.route_id = 'deepinfra/openai/gpt-oss-20b' ORDER BY a.rank""").fetchall()
    assert len(listed) >= 15 and {base for _, _, base, _ in listed} == {"gpt-oss-20b"}
    prices = [price for _, price, _, _ in listed if price is not None]
    assert prices == sorted(prices)
    assert {"groq", "together_ai", "fireworks_ai"} <= {provider for *_, provider in listed}


def test_the_list_suites_pass_the_real_lists_and_name_the_list_a_broken_row_is_in(real_similarity, bundled_normalized):
    """similar_models and alternatives are validated one row per list (sql/checks/lists): each rule of a row is a
    rule of its list, and a failure names the list."""
    _, models, alternatives = real_similarity
    ids = bundled_normalized.tables["routes"].column("route_id").to_pylist()
    assert validate("similar_models", models, route_ids=ids).errors == []
    assert validate("alternatives", alternatives, route_ids=ids).errors == []

    first = models.slice(0, 1).to_pylist()[0]
    named = f"{first['route_id']} {first['lens']}"
    broken = [
        {**first},  # the same rank and other route twice in one list
        {**first, "rank": 900, "other_route_id": "nowhere/model"},
        {**first, "rank": 901, "other_route_id": "x/y", "score": 1.5},
        {**first, "rank": 0, "other_route_id": "x/z", "context_score": -0.1},
        {**first, "lens": None, "rank": 1, "other_route_id": "x/w"},
    ]
    report = validate(
        "similar_models", pa.concat_tables([models, pa.Table.from_pylist(broken, models.schema)]), route_ids=ids
    )
    found = {(r["column"], tuple(r["examples"])) for r in report.errors}
    assert ("repeated_rank_in", (named,)) in found and ("repeated_other_in", (named,)) in found
    unknown = next(examples for column, examples in found if column == "unknown_other_route_id")
    assert "nowhere/model" in unknown  # one unknown id per list: the broken list's, and the null-lens list's
    assert {"highest_score", "lowest_score", "first_rank", "lens"} <= {column for column, _ in found}
    assert report.rows == models.num_rows + len(broken)

    first = alternatives.slice(0, 1).to_pylist()[0]
    missing = {**first, "rank": 77, "other_route_id": "a/b", "other_provider": None, "price_ratio": -1.0}
    report = validate(
        "alternatives",
        pa.concat_tables([alternatives, pa.Table.from_pylist([missing], alternatives.schema)]),
        route_ids=ids,
    )
    found = {(r["column"], tuple(r["examples"])) for r in report.errors}
    assert ("null_value_in", (first["route_id"],)) in found and ("lowest_price", (-1.0,)) in found
