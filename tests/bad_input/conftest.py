"""The hostile-input tests' map: 400 real entries, so that one broken entry is under the reject share that stops a
broken source."""

import pytest
from bad_input.hostile_cli import GOOD


@pytest.fixture(scope="session")
def medium_map(bundled_map) -> dict:
    """400 real entries, GOOD last."""
    keys = [
        k
        for k, v in bundled_map.items()
        if isinstance(v, dict) and "litellm_provider" in v and "mode" in v and k not in ("sample_spec", GOOD)
    ][:399]
    return {k: bundled_map[k] for k in [*keys, GOOD]}
