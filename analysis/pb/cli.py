"""`python -m analysis pb FILE.pb [--rule R] [--format json|text]`: count a Pabulib file.

Room: `analysis/pb/`; `analysis/cli.py` registers the subcommand and calls `run`. Without
`--rule` the META's `rule` is used. JSON (the default) is `Outcome.as_dict()`; `text` is the
same in plain words, as a results page would show it. A file that cannot be used exits
with status 2 and the reason (naming the line) on standard error.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

__all__ = ["add_parser", "run"]

_RULE_NAMES = (
    "equalshares, equalshares/add1, equalshares/add1-greedy, equalshares/add1-comparison, "
    "equalshares/add1-greedy-comparison, greedy, greedy-threshold, greedy-no-skip"
)


def add_parser(commands: Any) -> None:
    """Add the `pb` subcommand to the analysis CLI's subparsers."""
    pb = commands.add_parser(
        "pb", help="choose the winners of a participatory budget (Pabulib .pb file)"
    )
    pb.add_argument("file", help="Pabulib .pb file (META, PROJECTS, VOTES)")
    pb.add_argument("--rule", help=f"one of: {_RULE_NAMES} (default: the file's META rule)")
    pb.add_argument("--format", choices=("json", "text"), default="json")
    pb.add_argument(
        "--seed",
        help="published lottery seed for exact ties (default: META tie_break_seed, else 0)",
    )
    pb.add_argument("--threshold", help="minimum score for greedy-threshold (default: META)")
    pb.add_argument("--out", help="write here instead of standard output")


def run(arguments: argparse.Namespace) -> str:
    """Count the file; returns the text to print. Raises PBInputError (a ValueError)."""
    from fractions import Fraction

    from .model import PBInputError
    from .pabulib import read_pabulib
    from .rules import choose_winners

    threshold = None
    if arguments.threshold is not None:
        try:
            threshold = Fraction(arguments.threshold)
        except ValueError:
            raise PBInputError(f"--threshold {arguments.threshold!r} is not a number") from None
    election = read_pabulib(arguments.file)
    seed = arguments.seed
    if seed is None:
        seed = election.meta.get("tie_break_seed", "").strip() or "0"
    outcome = choose_winners(election, arguments.rule, seed=seed, threshold=threshold)
    data = outcome.as_dict()
    if arguments.format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return as_text(data, election.meta.get("currency", ""))


def as_text(data: dict[str, Any], currency: str = "") -> str:
    """The outcome in plain words: rule, money, fairness, then one line per project."""
    from .explain import money

    lines = [
        f"Rule: {data['rule']}. {data['rule_in_words']}",
        f"Ties: {data['tie_breaking']}",
        f"Budget {money(data['budget'], currency)}; spent {money(data['spent'], currency)}; "
        f"left {money(data['left'], currency)}; {data['voters']:,} voters.",
    ]
    shares = data.get("equal_shares")
    if shares:
        lines.append(
            f"Each voter's share: {money(shares['share'], currency)} "
            f"(budget / voters = {money(shares['start_share'], currency)}, "
            f"raised {shares['raises'] or 0} times)."
        )
    fairness = data["fairness"]
    lines.append(
        f"Voters with at least one funded project they voted for: "
        f"{fairness['rule']['overall']:.0%} (by most votes: {fairness['greedy']['overall']:.0%})."
    )
    for attribute, values in fairness["rule"]["by"].items():
        other = fairness["greedy"]["by"].get(attribute, {})
        parts = []
        for value, figures in values.items():
            greedy_share = other.get(value, {}).get("share", 0)
            parts.append(f"{value} {figures['share']:.0%} (most votes {greedy_share:.0%})")
        lines.append(f"  by {attribute}: " + "; ".join(parts))
    if data.get("comparison"):
        c = data["comparison"]
        lines.append(
            f"Comparison step: {c['prefer_equal_shares']:,} voters prefer the equal-shares "
            f"outcome, {c['prefer_greedy']:,} the most-votes one; kept: {c['kept']}."
        )
    lines.append("")
    for project in data["projects"]:
        title = f"{project['id']} {project['name']}".strip()
        lines.append(f"{title}: {project['explanation']}")
    return "\n".join(lines) + "\n"
