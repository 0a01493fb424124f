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
    {"error": {"kind": "infeasible", "message": "...", "conflicts": [...], "relaxation": [...],
               "alternatives": [[...], ...], "conflicting_quotas": [...]}}

Progress lines come at most every `PROGRESS_INTERVAL` seconds (sooner when the stage
changes) and at least every `HEARTBEAT_INTERVAL` seconds (`analysis.childjob`), so a
silent child is a dead or stuck one. The last line is a result or an error; the exit
status is 0 with a result, 1 for input the library refuses ("input"), 2 when a solver
fails ("solver"), 3 for quotas no panel can meet ("infeasible"). If the reader goes away
(a broken pipe: the caller died) the process ends at once instead of computing for no
one. The inputs go through the same CSV parsers as `flask jury select`, so a draw made
here re-runs from the same files."""

from __future__ import annotations

import sys
from typing import IO, Any

from ..childjob import Reporter, serve
from .csvfiles import parse_categories, parse_respondents
from .lottery import inputs_checksum
from .model import InfeasibleQuotasError, SelectionInputError
from .selection import select_panel

EXIT_INPUT, EXIT_SOLVER, EXIT_INFEASIBLE = 1, 2, 3


def run(request: dict[str, Any], reporter: Reporter) -> int:
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
                    "alternatives": [
                        [str(change) for change in option] for option in report.alternatives
                    ]
                    if report
                    else [],
                    "conflicting_quotas": list(report.conflicting_quotas) if report else [],
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
    output["complete"] = result.complete
    output["inputs_checksum"] = checksum
    reporter.write({"result": output})
    return 0


def main(stdin: IO[str] | None = None, stdout: IO[str] | None = None) -> int:
    """Read the request, compute, report. See the module docstring for the protocol."""
    return serve(run, stdin, stdout)


if __name__ == "__main__":
    sys.exit(main())
