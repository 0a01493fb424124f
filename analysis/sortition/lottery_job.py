"""`python -m analysis.sortition.lottery_job`: a draw plan's LEXIMIN lottery in a process of its
own (the child side of `draw_jobs`' lottery runs; `consult.jobs.child` is the parent side).

It speaks the protocol of `python -m analysis.sortition.job` (`analysis.childjob`): one JSON
request on standard input, `{"inputs": "<the plan's frozen inputs file>", "niceness": 10}`,
then JSON lines out: progress per LEXIMIN level, and last

    {"result": {"lottery": "<lottery CSV>", "lottery_checksum": "...",
                "inputs_checksum": "...", "panels": 12, "complete": true, "seconds": 3.2}}

or `{"error": {"kind": "infeasible" | "input" | "solver", "message": ...}}`. It reads the
published inputs file and nothing else, through `analysis.sortition.published` (pure: no
Flask, no database), so the lottery is the one `verify` recomputes from the download.
It lives in `analysis/` so that the child imports no part of the app (Flask, SQLAlchemy)."""

from __future__ import annotations

import sys
import time
from typing import IO, Any

from analysis.childjob import Reporter, serve
from analysis.sortition import InfeasibleQuotasError, SelectionInputError
from analysis.sortition.published import (
    compute_lottery,
    lottery_to_csv,
    parse_inputs,
    sha256_hex,
)

EXIT_INPUT, EXIT_SOLVER, EXIT_INFEASIBLE = 1, 2, 3


def run(request: dict[str, Any], reporter: Reporter) -> int:
    """Compute one lottery, writing the result or error line; returns the exit status."""
    started = time.perf_counter()
    try:
        text = str(request["inputs"])
        lottery, distribution = compute_lottery(parse_inputs(text), progress=reporter.progress)
    except InfeasibleQuotasError as error:
        # the plan was published only once its quotas were met, so this is for the record
        conflicts = list(error.report.conflicts) if error.report else []
        reporter.write(
            {"error": {"kind": "infeasible", "message": str(error), "conflicts": conflicts}}
        )
        return EXIT_INFEASIBLE
    except (SelectionInputError, KeyError, TypeError, ValueError) as error:
        reporter.write({"error": {"kind": "input", "message": str(error)}})
        return EXIT_INPUT
    except RuntimeError as error:  # LeximinError
        reporter.write({"error": {"kind": "solver", "message": str(error)}})
        return EXIT_SOLVER
    csv_text = lottery_to_csv(lottery)
    reporter.write(
        {
            "result": {
                "lottery": csv_text,
                "lottery_checksum": sha256_hex(csv_text),
                "inputs_checksum": sha256_hex(text),
                "panels": len(lottery.panels),
                "complete": bool(getattr(distribution, "complete", True)),
                "seconds": round(time.perf_counter() - started, 2),
            }
        }
    )
    return 0


def main(stdin: IO[str] | None = None, stdout: IO[str] | None = None) -> int:
    """Read the request, compute, report (see the module docstring)."""
    return serve(run, stdin, stdout)


if __name__ == "__main__":
    sys.exit(main())
