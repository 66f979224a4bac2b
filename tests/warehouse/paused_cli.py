"""The llm-catalog command line, stopped at one named step of a publish until a test kills it.

    python tests/warehouse/paused_cli.py STEP MARKER sync --warehouse WH ...

A publish marks each step with an audit event (``llm_catalog.warehouse.layout.STEP_EVENT``), which does nothing
unless an audit hook listens. The hook installed here, when the process reaches STEP, writes its pid to MARKER and
waits to be killed; the crash tests (test_faults, test_glob_readers) start a sync through it.
"""

import os
import sys
import time
from pathlib import Path

from llm_catalog.warehouse.layout import STEP_EVENT
from pipelines.cli import main


def pause_at(step: str, marker: Path) -> None:
    def hook(event: str, args: tuple) -> None:
        if event == STEP_EVENT and args[0] == step:
            marker.write_text(str(os.getpid()))
            time.sleep(3600)  # the test kills us here

    sys.addaudithook(hook)


if __name__ == "__main__":
    step, marker, *argv = sys.argv[1:]
    pause_at(step, Path(marker))
    sys.exit(main(argv))
