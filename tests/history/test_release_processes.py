"""A first sync normalizes the bundled months in worker processes (releases.releases_tables) while it carries the
history through the ones that are ready: the same tables as normalizing them in the sync's own process, in the same
order, and a map a worker refuses is refused with the same error, naming what the in-process one names."""

import gzip
import pickle

import pytest

from llm_catalog.errors import BrokenPayloadError, SourceError
from llm_catalog.history import releases
from llm_catalog.paths import BUNDLED_LITELLM_RELEASES
from llm_catalog.registry import BY_NAME
from llm_catalog.sources.fetch import store_raw


def _payloads(tmp_path, count: int) -> list[dict]:
    train = BY_NAME["litellm"].bundled.earlier_releases()[:count]
    return [
        store_raw(
            gzip.decompress((BUNDLED_LITELLM_RELEASES / month["copy"]).read_bytes()),
            raw_dir=tmp_path / "raw",
            source="litellm",
            origin=month["copy"],
            version=month["version"],
            released=month["released"],
        ).to_dict()
        for month in train
    ]


@pytest.mark.slow  # worker processes, each importing the normalizer
def test_months_normalized_in_processes_are_those_normalized_in_process_in_order(tmp_path):
    payloads = _payloads(tmp_path, 3)
    in_process = list(releases.releases_tables(payloads, processes=1))
    in_workers = list(releases.releases_tables(payloads, processes=2))
    assert len(in_workers) == 3
    for one, other in zip(in_process, in_workers, strict=True):
        assert set(one.tables) == set(other.tables)
        assert all(one.tables[name].equals(other.tables[name]) for name in one.tables)
        assert one.stats == other.stats
    # each month is its own map: the order is the payloads' order, not the workers' finishing order
    routes = [normalized.tables["routes"].num_rows for normalized in in_process]
    assert len(set(routes)) > 1


@pytest.mark.slow  # worker processes, each importing the normalizer
def test_a_month_a_worker_refuses_is_refused_as_in_process(tmp_path):
    payloads = _payloads(tmp_path, 1)
    broken = store_raw(b"[1, 2, 3]", raw_dir=tmp_path / "raw", source="litellm", origin="broken.json").to_dict()
    with pytest.raises(SourceError) as in_process:
        list(releases.releases_tables([*payloads, broken], processes=1))
    with pytest.raises(SourceError) as in_worker:
        list(releases.releases_tables([*payloads, broken], processes=2))
    assert type(in_worker.value) is type(in_process.value)
    assert str(in_worker.value) == str(in_process.value) and "litellm (broken.json)" in str(in_worker.value)


def test_a_source_error_crosses_a_process_boundary_with_its_source_entry_and_field():
    error = BrokenPayloadError("litellm", "not a number", entry="openai/gpt-x", field="input_cost_per_token")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is BrokenPayloadError and str(copy) == str(error)
    assert (copy.source, copy.entry, copy.field, copy.detail) == (
        "litellm",
        "openai/gpt-x",
        "input_cost_per_token",
        "not a number",
    )
