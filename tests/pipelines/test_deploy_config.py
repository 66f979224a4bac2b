"""Issue 24: the deployment example (pipelines/deploy/) is a Dagster instance configuration Dagster itself accepts,
with a run launcher of Dagster's own that hands each run the warehouse's settings, and a workspace that loads the
catalog's code location."""

import tomllib

import yaml
from dagster._core.instance.config import dagster_instance_config

from llm_catalog.paths import REPO_ROOT

DEPLOY = REPO_ROOT / "pipelines" / "deploy"


def test_the_instance_configuration_validates_against_dagsters_schema(monkeypatch):
    for name in ("DAGSTER_PG_HOST", "DAGSTER_PG_USER", "DAGSTER_PG_PASSWORD", "LLM_CATALOG_IMAGE"):
        monkeypatch.setenv(name, "set")
    config, _ = dagster_instance_config(str(DEPLOY))  # raises DagsterInvalidConfigError on any unknown entry
    launcher = config["run_launcher"]
    assert (launcher["module"], launcher["class"]) == ("dagster_docker", "DockerRunLauncher")
    assert {"LLM_CATALOG_WAREHOUSE", "LLM_CATALOG_S3_ENDPOINT"} <= set(launcher["config"]["env_vars"])
    assert "postgres" in config["storage"]
    (sync_limit,) = config["concurrency"]["runs"]["tag_concurrency_limits"]
    assert sync_limit == {"key": "dagster/job_name", "value": "sync", "limit": 1}


def test_the_workspace_loads_the_catalogs_code_location():
    (location,) = yaml.safe_load((DEPLOY / "workspace.yaml").read_text())["load_from"]
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    assert location["grpc_server"]["location_name"] == pyproject["tool"]["dagster"]["code_location_name"]


def test_the_definitions_take_the_bucket_settings_from_the_environment(monkeypatch):
    from pipelines.definitions import build_definitions

    defs = build_definitions(warehouse="s3://a-bucket/catalog", s3_endpoint="http://127.0.0.1:9000")
    resources = defs.resources
    assert resources["warehouse"].path == "s3://a-bucket/catalog"
    assert resources["warehouse"].s3_endpoint == "http://127.0.0.1:9000"
    store = resources["warehouse"].store()
    assert store.location == "s3://a-bucket/catalog" and not store.storage.local
    assert store.storage.endpoint == "http://127.0.0.1:9000"
    assert resources["io_manager"].s3_endpoint == "http://127.0.0.1:9000"
