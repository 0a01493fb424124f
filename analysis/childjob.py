"""The child side of a computation run in a process of its own (`python -m analysis.job`,
`python -m analysis.sortition.job`): read one JSON request from standard input, lower the
process's priority if asked (`"niceness"`), and write JSON lines to standard output —
progress at most every `PROGRESS_INTERVAL` seconds (sooner when the stage changes), a
heartbeat at least every `HEARTBEAT_INTERVAL` seconds so that a silent child is a dead or
stuck one, then one result or error line. If the reader goes away (a broken pipe: the
caller died) the process ends at once instead of computing for no one. Pure: no Flask, no
database."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import IO, Any

PROGRESS_INTERVAL = 0.25
HEARTBEAT_INTERVAL = 5.0
#: Exit status for a request that is not JSON (each job uses 1 for input it refuses).
EXIT_INPUT = 1
#: Exit status when the reader has gone away.
EXIT_ORPHANED = 70


class Reporter:
    """Writes JSON lines, one at a time (the heartbeat thread writes too)."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.lock = threading.Lock()
        self.last: dict[str, Any] = {"progress": 0.0, "stage": "Starting"}
        self.last_time = 0.0

    def write(self, message: dict[str, Any]) -> None:
        line = json.dumps(message, ensure_ascii=False)
        with self.lock:
            try:
                self.out.write(line + "\n")
                self.out.flush()
            except (BrokenPipeError, OSError, ValueError):
                os._exit(EXIT_ORPHANED)  # the caller is gone: stop computing for no one
            self.last_time = time.monotonic()

    def progress(self, fraction: float, stage: str) -> None:
        message = {"progress": round(float(fraction), 4), "stage": stage}
        changed = stage.split(":")[0] != str(self.last["stage"]).split(":")[0]
        self.last = message
        if changed or time.monotonic() - self.last_time >= PROGRESS_INTERVAL:
            self.write(message)

    def heartbeat(self, stop: threading.Event) -> None:
        while not stop.wait(HEARTBEAT_INTERVAL / 2):
            if time.monotonic() - self.last_time >= HEARTBEAT_INTERVAL:
                self.write(self.last)


def serve(
    run: Callable[[Any, Reporter], int],
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
) -> int:
    """Read the request, then `run(request, reporter)` with a heartbeat going; returns
    the exit status `run` gives (or EXIT_INPUT for a request that is not JSON)."""
    reporter = Reporter(stdout or sys.stdout)
    try:
        request = json.load(stdin or sys.stdin)
    except json.JSONDecodeError as error:
        reporter.write({"error": {"kind": "input", "message": f"the request is not JSON: {error}"}})
        return EXIT_INPUT
    try:
        niceness = int(request.get("niceness") or 0) if isinstance(request, dict) else 0
    except (TypeError, ValueError):
        niceness = 0
    if niceness > 0 and hasattr(os, "nice"):
        os.nice(niceness)  # the caller's own work (answering people) comes first
    stop = threading.Event()
    beat = threading.Thread(target=reporter.heartbeat, args=(stop,), daemon=True)
    beat.start()
    try:
        return run(request, reporter)
    finally:
        stop.set()
