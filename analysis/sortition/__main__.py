"""`python -m analysis.sortition ...`: publish a draw and check one, with no app needed.

Part of the pure `analysis.sortition` library (see `published` for the sequence and the
exact draw rule). Commands, in the order of a draw:

    freeze   --categories C --respondents R --panel-size K [--household-column COL ...]
             [--id-column COL] [--pseudonym-key KEY] --out inputs.json
    lottery  --inputs inputs.json --out lottery.csv [--time-limit S]
    draw     --lottery lottery.csv --random-value V --out panel.csv
    verify   --inputs inputs.json --inputs-checksum H --lottery lottery.csv
             --lottery-checksum H --random-value V --panel panel.csv [--no-recompute]

Each command prints what it wrote and its SHA-256. `verify` prints one line per check and
exits 0 when all hold, 1 naming what failed (2 when a file cannot be read at all).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .csvfiles import read_categories, read_respondents
from .leximin import Progress, stage_printer
from .model import SelectionInputError
from .published import (
    compute_lottery,
    draw_panel,
    freeze_inputs,
    inputs_to_json,
    lottery_to_csv,
    panel_to_csv,
    parse_inputs,
    parse_lottery,
    pseudonyms,
    sha256_hex,
    verify_draw,
)


def _write(path: str, text: str) -> None:
    Path(path).write_text(text, encoding="utf-8", newline="")
    print(f"wrote {path}  SHA-256 {sha256_hex(text)}")


def _progress_printer() -> Progress:
    return stage_printer(lambda line: print(line, file=sys.stderr, flush=True))


def _freeze(args: argparse.Namespace) -> int:
    categories = read_categories(args.categories)
    respondents = read_respondents(args.respondents, categories, id_column=args.id_column)
    for warning in (*categories.warnings, *respondents.warnings):
        print(f"Warning: {warning}", file=sys.stderr)
    columns = [c.strip() for names in args.household_column or () for c in names.split(",")]
    ids = (
        pseudonyms((p.id for p in respondents), args.pseudonym_key) if args.pseudonym_key else None
    )
    inputs = freeze_inputs(
        categories,
        respondents,
        args.panel_size,
        household_column=[c for c in columns if c] or None,
        anonymous_ids=ids,
    )
    _write(args.out, inputs_to_json(inputs))
    return 0


def _lottery(args: argparse.Namespace) -> int:
    inputs = parse_inputs(Path(args.inputs).read_text(encoding="utf-8"))
    lottery, distribution = compute_lottery(
        inputs, time_limit=args.time_limit, progress=_progress_printer()
    )
    if not distribution.complete:
        print(
            "Error: the time limit stopped LEXIMIN before its last level; a lottery that is "
            "not the fairest one must not be published",
            file=sys.stderr,
        )
        return 1
    _write(args.out, lottery_to_csv(lottery))
    print(
        f"{len(lottery.panels)} panels, {distribution.levels} levels, "
        f"{distribution.seconds:.1f}s; lowest chance {min(lottery.marginals().values()):.6f}"
    )
    return 0


def _draw(args: argparse.Namespace) -> int:
    lottery = parse_lottery(Path(args.lottery).read_text(encoding="utf-8"))
    number, panel = draw_panel(lottery, args.random_value)
    print(f"the value selects panel {number} of {len(lottery.panels)}")
    _write(args.out, panel_to_csv(panel))
    return 0


def _verify(args: argparse.Namespace) -> int:
    verification = verify_draw(
        Path(args.inputs).read_bytes(),
        args.inputs_checksum,
        Path(args.lottery).read_bytes(),
        args.lottery_checksum,
        args.random_value,
        Path(args.panel).read_bytes(),
        recompute=not args.no_recompute,
        progress=_progress_printer(),
    )
    for check in verification.checks:
        print(check)
    if verification.ok:
        print("The draw is verified.")
        return 0
    print(f"NOT verified: {', '.join(verification.failed)} failed.")
    return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis.sortition", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    freeze = commands.add_parser("freeze", help="write the frozen inputs file")
    freeze.add_argument("--categories", required=True)
    freeze.add_argument("--respondents", required=True)
    freeze.add_argument("--panel-size", type=int, required=True)
    freeze.add_argument("--household-column", action="append")
    freeze.add_argument("--id-column")
    freeze.add_argument("--pseudonym-key", help="publish HMAC pseudonyms instead of the ids")
    freeze.add_argument("--out", required=True)
    freeze.set_defaults(run=_freeze)
    lottery = commands.add_parser("lottery", help="compute and write the lottery file")
    lottery.add_argument("--inputs", required=True)
    lottery.add_argument("--time-limit", type=float)
    lottery.add_argument("--out", required=True)
    lottery.set_defaults(run=_lottery)
    draw = commands.add_parser("draw", help="draw the panel from the lottery and the value")
    draw.add_argument("--lottery", required=True)
    draw.add_argument("--random-value", required=True)
    draw.add_argument("--out", required=True)
    draw.set_defaults(run=_draw)
    verify = commands.add_parser("verify", help="check a published draw")
    add_verify_arguments(verify)
    verify.set_defaults(run=_verify)
    return parser


def add_verify_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--inputs", required=True, help="the frozen inputs file")
    parser.add_argument("--inputs-checksum", required=True, help="its published SHA-256")
    parser.add_argument("--lottery", required=True, help="the lottery file")
    parser.add_argument("--lottery-checksum", required=True, help="its published SHA-256")
    parser.add_argument("--random-value", required=True, help="the published random value")
    parser.add_argument("--panel", required=True, help="the announced panel file")
    parser.add_argument(
        "--no-recompute",
        action="store_true",
        help="do not recompute LEXIMIN to check the chances of selection (faster)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (SelectionInputError, OSError, UnicodeDecodeError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    except RuntimeError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
