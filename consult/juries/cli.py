"""`flask --app wsgi jury select ...`: the lottery on stratification CSV files, for scripted
and audited use, and for anyone re-running a published draw from its downloaded inputs.

Prints the selection as one JSON object on standard output; warnings (columns not
understood) go to standard error. Bad files exit with status 1, infeasible quotas with
status 3, each with a message that says what to fix."""

from __future__ import annotations

import json
import secrets
import sys

import click

from analysis.sortition import (
    InfeasibleQuotasError,
    SelectionInputError,
    check_feasibility,
    inputs_checksum,
    read_categories,
    read_respondents,
    select_panel,
)
from consult.juries import bp

EXIT_BAD_INPUT = 1
EXIT_INFEASIBLE = 3


def _fail(message: str, code: int) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@bp.cli.command("select")
@click.option(
    "--categories",
    "categories_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Categories file: category,name,min,max (one row per value).",
)
@click.option(
    "--respondents",
    "respondents_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Respondents file: an id column and one column per category.",
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
    "--household-column",
    default=None,
    help="Column of the respondents file naming each person's household (one per panel).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "text"]),
    default="json",
    show_default=True,
)
def select_command(
    categories_path: str,
    respondents_path: str,
    panel_size: int,
    algorithm: str,
    seed: str | None,
    household_column: str | None,
    output_format: str,
) -> None:
    """Select a panel from a categories file and a respondents file."""
    try:
        categories = read_categories(categories_path)
        respondents = read_respondents(respondents_path, categories)
    except SelectionInputError as error:
        _fail(str(error), EXIT_BAD_INPUT)
    for warning in (*categories.warnings, *respondents.warnings):
        click.echo(f"Warning: {warning}", err=True)
    if household_column is not None and household_column not in respondents.extra_columns:
        _fail(
            f"the respondents file has no {household_column!r} column "
            f"(its other columns: {', '.join(respondents.extra_columns) or 'none'})",
            EXIT_BAD_INPUT,
        )
    try:
        report = check_feasibility(
            respondents, categories, panel_size, household_column=household_column
        )
    except SelectionInputError as error:
        _fail(str(error), EXIT_BAD_INPUT)
    if not report.feasible:
        _fail(report.explanation(), EXIT_INFEASIBLE)
    if seed is None:
        seed = str(secrets.randbelow(10**9))
        click.echo(f"No --seed given: using {seed}", err=True)
    try:
        result = select_panel(
            categories,
            respondents,
            panel_size,
            algorithm=algorithm,
            seed=seed,
            household_column=household_column,
        )
    except InfeasibleQuotasError as error:
        _fail(str(error), EXIT_INFEASIBLE)
    except SelectionInputError as error:
        _fail(str(error), EXIT_BAD_INPUT)
    output = result.as_dict()
    if output_format == "json":
        click.echo(json.dumps(output, ensure_ascii=False))
        return
    checksum = inputs_checksum(
        categories, respondents, panel_size, household_column=household_column
    )
    click.echo(f"Algorithm: {output['algorithm']}   seed: {output['seed']}")
    click.echo(f"Inputs checksum: {checksum}")
    click.echo(f"Panel ({len(output['panel'])}): {', '.join(output['panel'])}")
    click.echo(
        f"Minimum probability: {output['min_probability']:.4f}   "
        f"Gini: {output['gini']:.4f}   seconds: {output['seconds']:.2f}"
    )
    for line in output["quota_report"]:
        click.echo(
            f"  {line['category']} = {line['value']}: {line['selected']} "
            f"(quota {line['min']}–{line['max']})"
        )
