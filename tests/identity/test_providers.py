"""Providers' display names: the curated list, and the readable fallback for a provider it does not name."""

from llm_catalog.identity.providers import load_provider_names, provider_display_name


def test_the_curated_list_names_real_providers():
    names = load_provider_names()
    assert names["together_ai"] == "Together AI"
    assert names["vertex_ai-anthropic_models"] == "Vertex AI (Anthropic models)"
    assert all(provider and name for provider, name in names.items())


def test_a_list_is_read_from_the_file_given(tmp_path):
    path = tmp_path / "providers.csv"
    path.write_text("provider,provider_name\nacme_ai,ACME AI\n")
    assert load_provider_names(path) == {"acme_ai": "ACME AI"}


def test_the_list_wins_and_an_unnamed_provider_gets_its_id_made_readable():
    assert provider_display_name("acme_ai", {"acme_ai": "ACME AI"}) == "ACME AI"
    assert provider_display_name("new_cloud-ai__x", {}) == "New Cloud Ai X"
    assert provider_display_name("acme_ai", {"acme_ai": ""}) == "Acme Ai"  # an empty name is no name
