"""Matching on generated names: whatever the sources list, a catalog route takes at most one route of each source,
every route of every source is placed, and the first source's ids are the catalog's."""

from handmade_sources import info, route, source_tables
from hypothesis import given, settings
from hypothesis import strategies as st

from llm_catalog.reconciliation.reconcile import reconcile

STEMS = ["qwen3-32b", "gpt-oss-120b", "llama-4-maverick", "llama-4-scout-17b-16e", "glm-5.3", "claude-3-5-sonnet"]
DECORATIONS = ["", "-fp8", "-FP8", "-turbo", "-fast", "-instruct", "-GGUF", "@2407", "-2407", "-v1p0"]
PREFIXES = ["", "meta-llama/", "qwen/", "alibaba-", "coding-", "anthropic-"]
model_names = st.builds(
    lambda p, s, d: p + s + d, st.sampled_from(PREFIXES), st.sampled_from(STEMS), st.sampled_from(DECORATIONS)
)
providers = st.sampled_from(["deepinfra", "novita", "vertex_ai"])
source_routes = st.lists(
    st.builds(lambda p, m: f"{p}/{m}", providers, model_names), min_size=1, max_size=12, unique=True
)


@settings(max_examples=40, deadline=None)
@given(st.lists(source_routes, min_size=2, max_size=3))
def test_matching_is_one_to_one_and_places_every_route(lists):
    names = [f"source_{i}" for i in range(len(lists))]
    sources = {
        name: source_tables(*[route(route_id) for route_id in ids]) for name, ids in zip(names, lists, strict=True)
    }
    result = reconcile(sources, {name: info(1) for name in names})
    pairs = result.tables["route_sources"].to_pylist()
    catalog = {row["route_id"] for row in result.tables["routes"].to_pylist()}
    for name, ids in zip(names, lists, strict=True):
        placed = [row for row in pairs if row["source"] == name]
        assert sorted(row["source_route_id"] for row in placed) == sorted(ids)
        assert len({row["route_id"] for row in placed}) == len(ids)  # two routes of one source never merge
        assert {row["route_id"] for row in placed} <= catalog
    assert set(lists[0]) <= catalog
    assert len(catalog) == len(result.tables["routes"])
