"""Fair selection of citizens' juries (sortition): a pure library on plain data.

No Flask, database or `consult` imports: the app turns rows into `Respondent`s and
`Quota`s (or reads the practitioners' CSV files), calls `select_panel`, and stores the
`SelectionResult`. See README.md in this folder for the method and measured figures.

    categories = read_categories("categories.csv")
    respondents = read_respondents("respondents.csv", categories)
    report = check_feasibility(respondents, categories, 22)
    result = select_panel(categories, respondents, 22, seed="04 12 19 33 41 47")
"""

from .csvfiles import (
    categories_to_csv,
    extra_columns_warning,
    parse_categories,
    parse_category_labels,
    parse_respondents,
    read_categories,
    read_respondents,
    respondents_to_csv,
    write_categories,
    write_respondents,
)
from .feasibility import FeasibilityReport, Relaxation, check_feasibility
from .legacy import LegacyFailure
from .leximin import LeximinError, PanelDistribution, leximin_distribution, stage_printer
from .lottery import inputs_checksum, rng_from_seed
from .model import (
    Categories,
    InfeasibleQuotasError,
    Quota,
    QuotaLine,
    ReplacementError,
    Respondent,
    Respondents,
    SelectionInputError,
    SelectionResult,
)
from .pooltypes import PoolTypes, build_types
from .published import (
    FrozenInputs,
    Lottery,
    Verification,
    compute_lottery,
    draw_panel,
    freeze_inputs,
    inputs_to_json,
    lottery_to_csv,
    panel_to_csv,
    parse_inputs,
    parse_lottery,
    pseudonyms,
    verify_draw,
)
from .replacement import replace_member, replacement_candidates
from .selection import gini, quota_report, select_panel, select_panel_from_files
from .tables import TableReport, allocate_tables, table_report

__all__ = [
    "Categories",
    "FeasibilityReport",
    "FrozenInputs",
    "InfeasibleQuotasError",
    "LegacyFailure",
    "LeximinError",
    "Lottery",
    "PanelDistribution",
    "PoolTypes",
    "Quota",
    "QuotaLine",
    "Relaxation",
    "ReplacementError",
    "Respondent",
    "Respondents",
    "SelectionInputError",
    "SelectionResult",
    "TableReport",
    "Verification",
    "allocate_tables",
    "build_types",
    "categories_to_csv",
    "check_feasibility",
    "compute_lottery",
    "draw_panel",
    "extra_columns_warning",
    "freeze_inputs",
    "gini",
    "inputs_checksum",
    "inputs_to_json",
    "leximin_distribution",
    "lottery_to_csv",
    "panel_to_csv",
    "parse_categories",
    "parse_category_labels",
    "parse_inputs",
    "parse_lottery",
    "parse_respondents",
    "pseudonyms",
    "quota_report",
    "read_categories",
    "read_respondents",
    "replace_member",
    "replacement_candidates",
    "respondents_to_csv",
    "rng_from_seed",
    "select_panel",
    "select_panel_from_files",
    "stage_printer",
    "table_report",
    "verify_draw",
    "write_categories",
    "write_respondents",
]
