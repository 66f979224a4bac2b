"""The asset graph is a reviewed contract: every asset's key, group, kinds and upstream keys, every check (and whether
it blocks), every job with its selection, every schedule and sensor with its default status. A change to any of them
fails here until the expected graph is written again on purpose and the diff is read in review:

    .venv/bin/python tests/pipelines/test_asset_graph.py --update    # rewrites tests/fixtures/asset_graph.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

EXPECTED = Path(__file__).resolve().parents[1] / "fixtures" / "asset_graph.json"


def describe(defs) -> dict:
    """The graph of ``defs`` as plain, sorted JSON values."""
    graph = defs.resolve_asset_graph()
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "kinds": sorted(node.kinds),
            "upstream": sorted(k.to_user_string() for k in node.parent_keys),
            "eager": node.automation_condition is not None,
        }
    checks = {}
    for key in sorted(graph.asset_check_keys, key=lambda k: k.to_user_string()):
        node = graph.get(key)
        checks[key.to_user_string()] = {
            "blocking": node.blocking,
            "reads": sorted(k.to_user_string() for k in node.parent_entity_keys),
        }
    jobs = {}
    for job in sorted(defs.resolve_all_job_defs(), key=lambda j: j.name):
        if job.name.startswith("__"):  # Dagster's implicit job of all assets
            continue
        selected = job.asset_layer.selected_asset_keys
        jobs[job.name] = sorted(k.to_user_string() for k in selected)
    schedules = {
        s.name: {"job": s.job_name, "cron": s.cron_schedule, "default": s.default_status.value}
        for s in defs.schedules or []
    }
    sensors = {s.name: {"default": s.default_status.value} for s in defs.sensors or []}
    return {"assets": assets, "checks": checks, "jobs": jobs, "schedules": schedules, "sensors": sensors}


def current() -> dict:
    from pipelines.definitions import defs

    return describe(defs)


def differences(expected: dict, found: dict) -> list[str]:
    """One line per part of the graph that is not as expected: what was added, removed or changed."""
    lines = []
    for part in ("assets", "checks", "jobs", "schedules", "sensors"):
        added = sorted(set(found[part]) - set(expected[part]))
        removed = sorted(set(expected[part]) - set(found[part]))
        changed = sorted(k for k in set(found[part]) & set(expected[part]) if found[part][k] != expected[part][k])
        if added or removed or changed:
            lines.append(f"{part}: added {added}, removed {removed}, changed {changed}")
    return lines


def test_the_asset_graph_is_the_reviewed_one():
    found = differences(json.loads(EXPECTED.read_text()), current())
    assert not found, (
        "the asset graph changed: " + "; ".join(found) + "; if that is meant, run `.venv/bin/python "
        "tests/pipelines/test_asset_graph.py --update` and review the diff of tests/fixtures/asset_graph.json"
    )


def test_a_moved_group_a_lost_dependency_and_a_check_that_no_longer_blocks_all_show():
    expected = current()
    found = json.loads(json.dumps(expected))
    found["assets"]["routes"]["group"] = "elsewhere"
    found["assets"]["catalog_snapshot"]["upstream"].remove("routes")
    blocking = next(key for key, check in found["checks"].items() if check["blocking"])
    found["checks"][blocking]["blocking"] = False
    found["sensors"]["extra_sensor"] = {"default": "RUNNING"}
    assert differences(expected, found) == [
        "assets: added [], removed [], changed ['catalog_snapshot', 'routes']",
        f"checks: added [], removed [], changed [{blocking!r}]",
        "sensors: added ['extra_sensor'], removed [], changed []",
    ]


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit(__doc__)
    sys.path.insert(0, str(EXPECTED.parents[2]))
    EXPECTED.write_text(json.dumps(current(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {EXPECTED}")
