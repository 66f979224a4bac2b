"""The maintainer's bundling step against a package index on 127.0.0.1: `litellm-history` writes one litellm map per
month, gzipped unchanged, described oldest first by releases/SOURCE.json, and a re-run downloads only what is new;
`bundle` records the release's upload time; a version range picks the newest release in it."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil

import pytest
from package_index import LITELLM_MEMBER, Upload, litellm_wheel, serving

from llm_catalog.paths import BUNDLED_LITELLM_SOURCE
from llm_catalog.sources import bundle
from llm_catalog.sources.releases import INDEX_ENV, take_member

GPT = "deepinfra/openai/gpt-oss-20b"


@pytest.fixture(scope="module")
def maps(small_map):
    cut = {**small_map, GPT: {**small_map[GPT], "input_cost_per_token": 2e-08}}
    return small_map, cut


def uploads(maps) -> list[Upload]:
    base, cut = maps
    return [
        Upload("1.79.0", "2025-12-20T10:00:00Z", litellm_wheel("1.79.0", base)),
        Upload("1.80.0", "2026-01-05T09:00:00Z", litellm_wheel("1.80.0", base)),
        Upload("1.80.1", "2026-01-25T21:10:00Z", litellm_wheel("1.80.1", base)),
        Upload("1.81.0", "2026-02-10T23:30:00Z", litellm_wheel("1.81.0", cut)),
    ]


def member(data: bytes) -> bytes:
    """The cost map a wheel holds, as stored."""
    return take_member(data, LITELLM_MEMBER, source="test")


def test_litellm_history_writes_each_months_map_unchanged_and_its_source_json(maps, tmp_path):
    out = tmp_path / "releases"
    with serving() as index:
        index.publish("litellm", uploads(maps))
        written = bundle.main(
            ["litellm-history", "--since", "1.80.0", "--every", "month", "--index-url", index.base, "--out", str(out)]
        )
        wheels = {path.rsplit("/", 1)[-1]: data for path, data in index.files.items() if path.endswith(".whl")}
        downloaded = index.wheel_requests()
    described = json.loads((out / "SOURCE.json").read_text())
    assert described == written
    expected = []
    for version, released in (("1.80.1", "2026-01-25T21:10:00+00:00"), ("1.81.0", "2026-02-10T23:30:00+00:00")):
        name = f"litellm-{version}-py3-none-any.whl"
        content = member(wheels[name])
        assert gzip.decompress((out / f"{version}.json.gz").read_bytes()) == content  # the member's bytes, unchanged
        expected.append(
            {
                "version": version,
                "released": released,
                "copy": f"{version}.json.gz",
                "sha256": hashlib.sha256(content).hexdigest(),
                "size_bytes": len(content),
                "wheel_url": f"{index.base}/packages/{name}",
                "wheel_sha256": hashlib.sha256(wheels[name]).hexdigest(),
            }
        )
    litellm = json.loads(BUNDLED_LITELLM_SOURCE.read_text())
    assert described == {
        "package": "litellm",
        "wheel_member": LITELLM_MEMBER,
        "file": litellm["file"],
        "licence": "MIT",
        "attribution": litellm["attribution"],
        "every": "month",
        "index": index.base,
        "releases": expected,
    }
    assert downloaded == ["litellm-1.80.1-py3-none-any.whl", "litellm-1.81.0-py3-none-any.whl"]
    assert sorted(p.name for p in out.iterdir()) == ["1.80.1.json.gz", "1.81.0.json.gz", "SOURCE.json"]
    # gzip -9 of the member, with no timestamp: the same release gives the same file
    assert (out / "1.81.0.json.gz").read_bytes() == gzip.compress(
        member(wheels["litellm-1.81.0-py3-none-any.whl"]), 9, mtime=0
    )


def test_a_rerun_downloads_only_the_new_picks_and_drops_copies_no_longer_picked(maps, tmp_path):
    out = tmp_path / "releases"
    base, cut = maps
    with serving() as index:
        index.publish("litellm", uploads(maps))
        bundle.bundle_history(since="1.80.0", index=index.base, out_dir=out)
        first = len(index.wheel_requests())
        # a higher February release replaces 1.81.0 as February's pick, and March arrives
        index.publish(
            "litellm",
            [
                *uploads(maps),
                Upload("1.81.2", "2026-02-27T10:00:00Z", litellm_wheel("1.81.2", cut)),
                Upload("1.82.0", "2026-03-02T10:00:00Z", litellm_wheel("1.82.0", base)),
            ],
        )
        again = bundle.bundle_history(since="1.80.0", index=index.base, out_dir=out)
        assert index.wheel_requests()[first:] == ["litellm-1.81.2-py3-none-any.whl", "litellm-1.82.0-py3-none-any.whl"]
    assert [r["version"] for r in again["releases"]] == ["1.80.1", "1.81.2", "1.82.0"]
    assert sorted(p.name for p in out.glob("*.gz")) == ["1.80.1.json.gz", "1.81.2.json.gz", "1.82.0.json.gz"]


def test_bundle_records_the_upload_time_of_the_release_it_took(maps, tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    (data_dir / "litellm").mkdir(parents=True)
    shutil.copy(BUNDLED_LITELLM_SOURCE, data_dir / "litellm" / "SOURCE.json")
    monkeypatch.setattr(bundle, "DATA_DIR", data_dir)
    with serving() as index:
        index.publish("litellm", uploads(maps))
        monkeypatch.setenv(INDEX_ENV, index.base)
        meta = bundle.bundle("litellm", "1.80.0")
        newest = bundle.main(["litellm"])
        in_range, version = bundle.map_from_wheel(">=1.80,<1.81", tmp_path)
    content = member(index.files["/packages/litellm-1.80.0-py3-none-any.whl"])
    assert (meta["version"], meta["released"]) == ("1.80.0", "2026-01-05T09:00:00+00:00")
    assert (meta["sha256"], meta["size_bytes"]) == (hashlib.sha256(content).hexdigest(), len(content))
    assert (newest["version"], newest["released"]) == ("1.81.0", "2026-02-10T23:30:00+00:00")
    assert json.loads((data_dir / "litellm" / "SOURCE.json").read_text()) == newest
    assert gzip.decompress((data_dir / "litellm" / newest["copy"]).read_bytes()) == member(
        index.files["/packages/litellm-1.81.0-py3-none-any.whl"]
    )
    assert version == "1.80.1" and json.loads(in_range)[GPT] == maps[0][GPT]
    with pytest.raises(ValueError, match="no final release with a wheel matches '>=1.90'"):
        bundle._wanted(">=1.90", [], "litellm")
