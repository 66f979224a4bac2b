"""What the hostile-input tests share: the command line as a real process, and its JSON query output."""

import json
import os
import subprocess
import sys

GOOD = "deepinfra/openai/gpt-oss-20b"
CLI = [sys.executable, "-m", "pipelines.cli"]


def cli(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, env={**os.environ, "LLM_CATALOG_AIDER": "off"}, **kwargs
    )


def query_json(warehouse, sql) -> list[dict]:
    done = cli("query", "--warehouse", str(warehouse), "--format", "json", sql)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
