"""`flask --app wsgi jury select ...`: the lottery on stratification CSV files, for scripted
and audited use, and for anyone re-running a published draw from its downloaded inputs;
`flask --app wsgi jury verify ...`: check a published draw from its files
(`analysis.sortition.published.verify_draw`, the same checks as
`python -m analysis.sortition verify`).

Prints the selection as one JSON object on standard output (with `"complete"`: false when
`--time-limit` cut LEXIMIN short, and `"id_column"`: the column read as ids, or "(row
number)"); warnings (columns not understood, ids from row numbers) and a progress line per
stage (each LEXIMIN level) go to standard error. Bad files exit with status 1, a solver
failure with 2, infeasible quotas with status 3, each with a message that says what to fix."""

from __future__ import annotations

import json
import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from flask_babel import gettext

from analysis.sortition import (
    InfeasibleQuotasError,
    SelectionInputError,
    check_feasibility,
    inputs_checksum,
    read_categories,
    read_respondents,
    select_panel,
    stage_printer,
    verify_draw,
)
from consult.juries.blueprint import bp

F = TypeVar("F", bound=Callable[..., Any])

EXIT_BAD_INPUT = 1
EXIT_SOLVER = 2
EXIT_INFEASIBLE = 3


def input_file(option: str, name: str, help_text: str) -> Callable[[F], F]:
    """A required option naming a file that must exist."""
    return click.option(
        option,
        name,
        required=True,
        type=click.Path(exists=True, dir_okay=False),
        help=help_text,
    )


def output_format(default: str) -> Callable[[F], F]:
    """`--format json|text` (as `output_format`)."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["json", "text"]),
        default=default,
        show_default=True,
    )


def _fail(message: str, code: int) -> NoReturn:
    click.echo(gettext("Error: %(message)s", message=message), err=True)
    sys.exit(code)


@bp.cli.command("select")
@input_file(
    "--categories", "categories_path", "Categories file: category,name,min,max (one row per value)."
)
@input_file(
    "--respondents",
    "respondents_path",
    "Respondents file: an id column and one column per category.",
)
@click.option("--panel-size", required=True, type=click.IntRange(min=1), help="Panel size.")
@click.option(
    "--algorithm",
    type=click.Choice(["leximin", "legacy"]),
    default="leximin",
    show_default=True,
    help="LEXIMIN (fairest) or the legacy greedy method.",
)
@click.option(
    "--seed",
    default=None,
    help="The published seed (any text). Without it a random seed is chosen and printed.",
)
@click.option(
    "--id-column",
    default=None,
    help="Column of the respondents file holding each person's id (default: id, "
    "nationbuilder_id, pool_member_identifier, unique_id, ...; the row number when the "
    "file has none).",
)
@click.option(
    "--household-column",
    "household_column",
    multiple=True,
    help="Column(s) of the respondents file naming each person's household (one per panel). "
    "Repeat it, or separate names by commas, for an address over several columns: people "
    "share a household when all of them match.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=1),
    default=None,
    help="Seconds LEXIMIN may take; the lowest levels stay exact and the JSON says "
    '"complete": false.',
)
@output_format("json")
def select_command(
    categories_path: str,
    respondents_path: str,
    panel_size: int,
    algorithm: str,
    seed: str | None,
    id_column: str | None,
    household_column: tuple[str, ...],
    time_limit: float | None,
    output_format: str,
) -> None:
    """Select a panel from a categories file and a respondents file."""
    try:
        categories = read_categories(categories_path)
        respondents = read_respondents(respondents_path, categories, id_column=id_column)
    except SelectionInputError as error:
        _fail(str(error), EXIT_BAD_INPUT)
    for warning in (*categories.warnings, *respondents.warnings):
        click.echo(gettext("Warning: %(warning)s", warning=warning), err=True)
    households = [name.strip() for names in household_column for name in names.split(",")]
    households = [name for name in households if name]
    for name in households:
        if name not in respondents.extra_columns:
            _fail(
                gettext(
                    "the respondents file has no %(column)s column (its other columns: %(others)s)",
                    column=repr(name),
                    others=", ".join(respondents.extra_columns) or gettext("none"),
                ),
                EXIT_BAD_INPUT,
            )
    household: str | list[str] | None = (
        None if not households else households[0] if len(households) == 1 else households
    )
    try:
        report = check_feasibility(respondents, categories, panel_size, household_column=household)
    except SelectionInputError as error:
        _fail(str(error), EXIT_BAD_INPUT)
    if not report.feasible:
        _fail(report.explanation(), EXIT_INFEASIBLE)
    if seed is None:
        seed = str(secrets.randbelow(10**9))
        click.echo(gettext("No --seed given: using %(seed)s", seed=seed), err=True)
    try:
        result = select_panel(
            categories,
            respondents,
            panel_size,
            algorithm=algorithm,
            seed=seed,
            household_column=household,
            time_limit=time_limit,
            progress=stage_printer(lambda line: click.echo(line, err=True)),
        )
    except InfeasibleQuotasError as error:
        _fail(str(error), EXIT_INFEASIBLE)
    except SelectionInputError as error:
        _fail(str(error), EXIT_BAD_INPUT)
    except RuntimeError as error:
        _fail(str(error), EXIT_SOLVER)
    output = {
        **result.as_dict(),
        "complete": result.complete,
        "id_column": respondents.id_column,
        "notes": list(result.notes),
    }
    if output_format == "json":
        click.echo(json.dumps(output, ensure_ascii=False))
        return
    checksum = inputs_checksum(categories, respondents, panel_size, household_column=household)
    click.echo(
        gettext(
            "Algorithm: %(algorithm)s   seed: %(seed)s",
            algorithm=output["algorithm"],
            seed=output["seed"],
        )
    )
    click.echo(gettext("Inputs checksum: %(checksum)s", checksum=checksum))
    click.echo(
        gettext(
            "Panel (%(size)s): %(ids)s",
            size=len(output["panel"]),
            ids=", ".join(output["panel"]),
        )
    )
    click.echo(
        gettext(
            "Minimum probability: %(minimum)s   Gini: %(gini)s   seconds: %(seconds)s",
            minimum=f"{output['min_probability']:.4f}",
            gini=f"{output['gini']:.4f}",
            seconds=f"{output['seconds']:.2f}",
        )
    )
    for line in output["quota_report"]:
        click.echo(
            "  "
            + gettext(
                "%(category)s = %(value)s: %(selected)s (quota %(min)s–%(max)s)",
                category=line["category"],
                value=line["value"],
                selected=line["selected"],
                min=line["min"],
                max=line["max"],
            )
        )


@bp.cli.command("verify")
@input_file("--inputs", "inputs_path", "The frozen inputs file (inputs.json).")
@click.option("--inputs-checksum", required=True, help="Its published SHA-256.")
@input_file("--lottery", "lottery_path", "The lottery file (lottery.csv).")
@click.option("--lottery-checksum", required=True, help="Its published SHA-256.")
@click.option("--random-value", required=True, help="The published random value, exactly.")
@input_file("--panel", "panel_path", "The announced panel file (panel.csv).")
@click.option(
    "--no-recompute", is_flag=True, help="Skip recomputing LEXIMIN from the inputs (faster)."
)
@output_format("text")
def verify_command(
    inputs_path: str,
    inputs_checksum: str,
    lottery_path: str,
    lottery_checksum: str,
    random_value: str,
    panel_path: str,
    no_recompute: bool,
    output_format: str,
) -> None:
    """Check a published draw from its files: checksums, every panel's quotas and households,
    probabilities adding up to 1, the chances of selection, and that the random value selects
    the announced panel. Exits 0 when all hold, 1 naming what failed (the same checks as
    `python -m analysis.sortition verify`, which needs no app)."""
    verification = verify_draw(
        Path(inputs_path).read_bytes(),
        inputs_checksum,
        Path(lottery_path).read_bytes(),
        lottery_checksum,
        random_value,
        Path(panel_path).read_bytes(),
        recompute=not no_recompute,
    )
    if output_format == "json":
        click.echo(json.dumps(verification.as_dict(), ensure_ascii=False))
    else:
        for check in verification.checks:
            click.echo(str(check))
        click.echo(
            gettext("The draw is verified.")
            if verification.ok
            else gettext("NOT verified: %(checks)s failed.", checks=", ".join(verification.failed))
        )
    if not verification.ok:
        sys.exit(EXIT_BAD_INPUT)
