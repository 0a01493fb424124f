"""`python -m analysis.sortition.job`: one selection in a process of its own, reporting as it goes.

Part of the pure `analysis.sortition` library. For callers that must not do the sums
themselves: LEXIMIN is CPU-bound for seconds to many minutes, and a web server (one gevent
process) that ran it would answer nothing else meanwhile. The caller starts this module,
writes one JSON request to its standard input and closes it:

    {"categories": "<categories CSV>", "respondents": "<respondents CSV>",
     "panel_size": 24, "algorithm": "leximin", "seed": "04 12 19 33 41 47",
     "household_column": "household", "niceness": 10}

and reads JSON lines from its standard output:

    {"progress": 0.42, "stage": "Computing fair probabilities (level 3: 40 of 183 types settled)"}
    {"result": {... SelectionResult.as_dict(), "notes": [...], "inputs_checksum": "..."}}
    {"error": {"kind": "infeasible", "message": "...", "conflicts": [...], "relaxation": [...]}}

Progress lines come at most every `PROGRESS_INTERVAL` seconds (sooner when the stage
changes) and at least every `HEARTBEAT_INTERVAL` seconds, so a silent child is a dead or
stuck one. The last line is a result or an error; the exit status is 0 with a result,
1 for input the library refuses ("input"), 2 when a solver fails ("solver"), 3 for quotas
no panel can meet ("infeasible"). If the reader goes away (a broken pipe: the caller died)
the process ends at once instead of computing for no one. The inputs go through the same
CSV parsers as `flask jury select`, so a draw made here re-runs from the same files.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import IO, Any

from .csvfiles import parse_categories, parse_respondents
from .lottery import inputs_checksum
from .model import InfeasibleQuotasError, SelectionInputError
from .selection import select_panel

PROGRESS_INTERVAL = 0.25
HEARTBEAT_INTERVAL = 5.0
EXIT_INPUT, EXIT_SOLVER, EXIT_INFEASIBLE = 1, 2, 3
#: Exit status when the reader has gone away.
EXIT_ORPHANED = 70


class _Reporter:
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


def run(request: dict[str, Any], reporter: _Reporter) -> int:
    """Do one request, writing the result or error line; returns the exit status."""
    try:
        categories = parse_categories(str(request["categories"]))
        respondents = parse_respondents(str(request["respondents"]), categories)
        panel_size = int(request["panel_size"])
        household_column = request.get("household_column") or None
        checksum = inputs_checksum(
            categories, respondents, panel_size, household_column=household_column
        )
        result = select_panel(
            categories,
            respondents,
            panel_size,
            algorithm=str(request.get("algorithm", "leximin")),
            seed=str(request["seed"]),
            household_column=household_column,
            progress=reporter.progress,
        )
    except InfeasibleQuotasError as error:
        report = error.report
        reporter.write(
            {
                "error": {
                    "kind": "infeasible",
                    "message": str(error),
                    "conflicts": list(report.conflicts) if report else [],
                    "relaxation": [str(change) for change in report.relaxation] if report else [],
                }
            }
        )
        return EXIT_INFEASIBLE
    except (SelectionInputError, KeyError, TypeError, ValueError) as error:
        reporter.write({"error": {"kind": "input", "message": str(error)}})
        return EXIT_INPUT
    except RuntimeError as error:  # LeximinError, LegacyFailure
        reporter.write({"error": {"kind": "solver", "message": str(error)}})
        return EXIT_SOLVER
    output = result.as_dict()
    output["notes"] = list(result.notes)
    output["inputs_checksum"] = checksum
    reporter.write({"result": output})
    return 0


def main(stdin: IO[str] | None = None, stdout: IO[str] | None = None) -> int:
    """Read the request, compute, report. See the module docstring for the protocol."""
    reporter = _Reporter(stdout or sys.stdout)
    try:
        request = json.load(stdin or sys.stdin)
    except json.JSONDecodeError as error:
        reporter.write({"error": {"kind": "input", "message": f"the request is not JSON: {error}"}})
        return EXIT_INPUT
    niceness = int(request.get("niceness") or 0)
    if niceness > 0 and hasattr(os, "nice"):
        os.nice(niceness)  # the caller's own work (answering people) comes first
    stop = threading.Event()
    beat = threading.Thread(target=reporter.heartbeat, args=(stop,), daemon=True)
    beat.start()
    try:
        return run(request, reporter)
    finally:
        stop.set()


if __name__ == "__main__":
    sys.exit(main())
