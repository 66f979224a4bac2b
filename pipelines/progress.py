"""Progress on stderr for a person watching a sync: one line per stage (step) with its time and row counts.

A Dagster logger, so it sees the run's events as they happen (step start and end, materializations with their
``dagster/row_count``, check results, skips) whatever runs the job. The command line turns it on; ``--quiet`` leaves
it off.
"""

from __future__ import annotations

import logging
import sys
import time

import dagster as dg
from dagster._core.events import DagsterEventType  # the event types a logger record carries


def bar(done: int, total: int, width: int = 24) -> str:
    """``[#########---------------]  3/8``: progress through work of known length."""
    filled = round(width * done / total) if total else width
    return f"[{'#' * filled}{'-' * (width - filled)}] {done:>{len(str(total))}}/{total}"


class StageLines(logging.Handler):
    """Turns the run's events into one line per step: ``  routes, prices, ...   1.2 s  routes=4,876 ...``."""

    def __init__(self, stream=None):
        super().__init__(level=logging.DEBUG)
        self.stream = stream
        self.started: dict[str, float] = {}
        self.rows: dict[str, dict[str, int]] = {}  # step -> asset -> row count (None: no count)
        self.notes: dict[str, list[str]] = {}  # step -> what else to say
        self.checks: dict[str, list[bool]] = {}
        self.skipped: list[str] = []
        self.run_started = time.monotonic()

    def _write(self, line: str) -> None:
        print(line, file=self.stream or sys.stderr, flush=True)

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "dagster_event", None)
        if event is None:
            return
        kind, step = event.event_type, event.step_key
        if kind == DagsterEventType.STEP_START:
            self.started[step] = time.monotonic()
        elif kind == DagsterEventType.ASSET_MATERIALIZATION:
            metadata = event.event_specific_data.materialization.metadata
            name = event.asset_key.to_user_string()
            if "dagster/row_count" in metadata:
                self.rows.setdefault(step, {})[name] = metadata["dagster/row_count"].value
            elif "published" in metadata:  # the publish step
                verb = "published" if metadata["published"].value else "unchanged, kept"
                self.notes.setdefault(step, []).append(f"{verb} {metadata['snapshot_id'].value}")
            elif name != step:  # a step of several assets names them; a step named after its asset need not
                self.notes.setdefault(step, []).append(name)
        elif kind == DagsterEventType.ASSET_OBSERVATION:
            metadata = event.event_specific_data.asset_observation.metadata
            if "unchanged_since" in metadata:
                self.notes.setdefault(step, []).append(f"{event.asset_key.to_user_string()} unchanged")
        elif kind == DagsterEventType.ASSET_CHECK_EVALUATION:
            self.checks.setdefault(step, []).append(event.event_specific_data.passed)
        elif kind == DagsterEventType.STEP_SKIPPED:
            self.skipped.append(step)
        elif kind in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):
            self._write(self._line(step, failed=kind == DagsterEventType.STEP_FAILURE))
        elif kind in (DagsterEventType.RUN_SUCCESS, DagsterEventType.RUN_FAILURE) and self.skipped:
            self._write(f"  {len(self.skipped)} stage(s) skipped: {', '.join(self.skipped)}")

    def _line(self, step: str, *, failed: bool) -> str:
        seconds = time.monotonic() - self.started.get(step, time.monotonic())
        said = [f"{name}={value:,}" for name, value in self.rows.get(step, {}).items()]
        checks = self.checks.get(step, [])
        if checks:
            said.append(f"{sum(checks)}/{len(checks)} checks passed")
        said.append(", ".join(self.notes.get(step, [])))
        return f"  {step:<26} {'FAILED ' if failed else ''}{seconds:6.1f} s  {'  '.join(s for s in said if s)}".rstrip()


@dg.logger(description="One line per stage on stderr, with its time and row counts (what `llm-catalog sync` shows).")
def progress_logger(_init_context) -> logging.Logger:
    logger = logging.Logger("llm_catalog.progress", level=logging.DEBUG)
    logger.addHandler(StageLines())
    return logger
