"""Command line for `analysis/`: `python -m analysis themes|opinion-groups|duplicates|weights|pb`.

Officers and `bench/` run the library on CSV files without the web app. Results go to
standard output (or `--out`) as JSON, or CSV for `themes --format csv`; a progress bar
goes to standard error unless `--quiet`. Exit status: 0 done, 2 the input cannot be used
(missing column, empty file, unreadable encoding) with the reason on standard error.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from typing import Any

from analysis.io import InputError, read_answers
from analysis.pb.cli import add_parser as add_pb_parser
from analysis.pb.cli import run as run_pb

__all__ = ["build_parser", "main"]


def _themes_count(value: str) -> int | str:
    if value == "auto":
        return "auto"
    return _positive(value, expected='"auto" or a whole number', what="the number of themes")


def _positive(value: str, *, expected: str = "a whole number", what: str = "it") -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {expected}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{what} must be at least 1")
    return number


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and documentation)."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis", description="Analyse consultation answers held in CSV files."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    themes = commands.add_parser("themes", help="cluster free-text answers into themes")
    themes.add_argument("file", help="CSV file with a header row")
    themes.add_argument("--text-column", required=True, help="column holding the answers")
    themes.add_argument("--id-column", help="column holding answer ids (default: row number)")
    themes.add_argument("--themes", type=_themes_count, default="auto", help='"auto" or N')
    themes.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    themes.add_argument(
        "--backend",
        choices=("light", "embeddings"),
        default="light",
        help="embeddings: add sentence embeddings (requirements-embeddings.txt; slower)",
    )
    themes.add_argument("--format", choices=("json", "csv"), default="json")
    themes.add_argument("--out", help="write here instead of standard output")
    themes.add_argument("--quiet", action="store_true", help="no progress bar")

    opinion = commands.add_parser(
        "opinion-groups", help="opinion groups from agree/disagree votes (Pol.is CSV)"
    )
    opinion.add_argument("file", help="votes.csv or participants-votes.csv")
    opinion.add_argument("--format", choices=("json",), default="json")
    opinion.add_argument("--seed", type=int, default=0)
    opinion.add_argument(
        "--comments",
        help="Pol.is comments.csv: statements moderated out count as columns of zeros "
        "(default: comments.csv beside FILE, when there is one)",
    )
    opinion.add_argument(
        "--min-votes",
        type=_positive,
        help="votes that bring a participant into the groups "
        "(default: 3, or the number of statements when fewer)",
    )
    opinion.add_argument(
        "--min-group-size",
        type=_positive,
        default=3,
        help="smaller groups are never reported; their members join the nearest group (default 3)",
    )
    opinion.add_argument("--out")
    opinion.add_argument("--quiet", action="store_true")

    duplicates = commands.add_parser(
        "duplicates", help="exact and near duplicates and organised campaigns"
    )
    duplicates.add_argument("file")
    duplicates.add_argument("--text-column", required=True)
    duplicates.add_argument("--id-column")
    duplicates.add_argument("--out")
    duplicates.add_argument("--quiet", action="store_true")

    weights = commands.add_parser(
        "weights", help="raking weights of respondents to population margins"
    )
    weights.add_argument("file", help="responses CSV: one column per dimension")
    weights.add_argument("--margins", required=True, help="CSV: dimension,category,share")
    weights.add_argument("--id-column", help="column of respondent ids (default: id, or row)")
    weights.add_argument("--trim", help="bounds for the weights, LOW,HIGH (e.g. 0.2,5)")
    weights.add_argument("--format", choices=("json",), default="json")
    weights.add_argument("--out")
    add_pb_parser(commands)  # participatory budgeting: analysis/pb/cli.py
    return parser


def _write(text: str, out: str | None) -> None:
    if out:
        with open(out, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)


def _run_themes(arguments: argparse.Namespace) -> str:
    from tqdm import tqdm

    from analysis.themes import NO_COMMENT_LABEL, themes

    answers = read_answers(arguments.file, arguments.text_column, arguments.id_column)
    with tqdm(total=100, file=sys.stderr, disable=arguments.quiet, unit="%", desc="Themes") as bar:

        def progress(fraction: float, message: str) -> None:
            bar.set_description(message)
            bar.update(max(0, round(fraction * 100) - bar.n))

        result = themes(
            answers.texts,
            answers.ids,
            n_themes=arguments.themes,
            random_state=arguments.seed,
            progress=progress,
            backend=arguments.backend,
        )
    if arguments.format == "json":
        return json.dumps(result.as_dict(), ensure_ascii=False, indent=2) + "\n"
    titles = {theme.id: theme.title for theme in result.themes}
    titles.update({sub.id: sub.title for theme in result.themes for sub in theme.subthemes})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "theme", "theme_label", "subtheme", "subtheme_label", "confidence"])
    for assignment in result.assignments:
        sub = assignment.theme if assignment.subtheme is None else assignment.subtheme
        writer.writerow(
            [
                assignment.id,
                assignment.theme,
                titles.get(assignment.theme, NO_COMMENT_LABEL),
                sub,
                titles.get(sub, NO_COMMENT_LABEL),
                assignment.confidence,
            ]
        )
    return buffer.getvalue()


def _run_opinion_groups(arguments: argparse.Namespace) -> str:
    from pathlib import Path

    from analysis.opinion import opinion_groups
    from analysis.polis import read_moderated_out, read_votes

    votes = read_votes(arguments.file)
    if not votes:
        raise InputError(f"{arguments.file} holds no votes.")
    comments = arguments.comments or Path(arguments.file).with_name("comments.csv")
    removed = read_moderated_out(comments) if Path(comments).is_file() else set()
    groups = opinion_groups(
        votes,
        moderated_out=removed,
        random_state=arguments.seed,
        min_votes=arguments.min_votes,
        min_group_size=arguments.min_group_size,
    )
    return json.dumps(groups.as_dict(), ensure_ascii=False, indent=2) + "\n"


def _run_duplicates(arguments: argparse.Namespace) -> str:
    from analysis.duplicates import find_duplicates

    answers = read_answers(arguments.file, arguments.text_column, arguments.id_column)
    groups: list[Any] = find_duplicates(answers.texts, answers.ids)
    return json.dumps([group.as_dict() for group in groups], ensure_ascii=False, indent=2) + "\n"


def _run_weights(arguments: argparse.Namespace) -> str:
    from analysis.weights import run_cli

    result = run_cli(
        arguments.file, arguments.margins, id_column=arguments.id_column, trim=arguments.trim
    )
    return json.dumps(result, ensure_ascii=False, indent=2) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 done, 2 unusable input)."""
    arguments = build_parser().parse_args(argv)
    runners = {
        "themes": _run_themes,
        "opinion-groups": _run_opinion_groups,
        "duplicates": _run_duplicates,
        "weights": _run_weights,
        "pb": run_pb,
    }
    try:
        output = runners[arguments.command](arguments)
    except (InputError, FileNotFoundError, IsADirectoryError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ValueError as error:  # the library refusing the data (e.g. unreadable votes)
        print(f"error: {error}", file=sys.stderr)
        return 2
    _write(output, arguments.out)
    return 0
