"""Select a panel: the one entry point the Flask CLI and web app wrap.

Part of the pure `analysis.sortition` library. `select_panel` checks the quotas, runs
LEXIMIN (fair lottery over panels, `leximin`) or LEGACY (greedy draw, `legacy`), draws
the panel from the published seed, assigns seats within each type of person uniformly
at random, and reports every pool member's selection probability and the quota counts.
"""

from __future__ import annotations

import os
import time

import numpy as np

from .csvfiles import read_categories, read_respondents
from .feasibility import check_feasibility
from .legacy import LegacyFailure, legacy_draw, legacy_probabilities
from .leximin import PROBABILITY_GRID, LeximinError, Progress, leximin_distribution
from .lottery import choose_members, draw_index, rng_from_seed
from .model import (
    Categories,
    HouseholdColumns,
    InfeasibleQuotasError,
    PoolLike,
    QuotaLine,
    QuotasLike,
    SelectionInputError,
    SelectionResult,
    as_categories,
    as_people,
)
from .pooltypes import PoolTypes, build_types

ALGORITHMS = ("leximin", "legacy")


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0: all equal)."""
    values = np.sort(np.asarray(values, dtype=float))
    n = len(values)
    if n == 0 or values.sum() <= 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return max(0.0, float((2 * ranks - n - 1) @ values / (n * values.sum())))


def quota_report(categories: QuotasLike, pool: PoolLike, panel: list[str]) -> list[QuotaLine]:
    """For each quota, how many panel members have the value."""
    cats = as_categories(categories)
    by_id = {p.id: p for p in as_people(pool)}
    lines = []
    for q in cats.quotas:
        selected = sum(1 for pid in panel if by_id[pid].features[q.category] == q.value)
        lines.append(QuotaLine(q.category, q.value, q.min, q.max, selected))
    return lines


def _person_probabilities(types: PoolTypes, per_type: np.ndarray) -> dict[str, float]:
    probabilities = {}
    for ids, p in zip(types.members, per_type, strict=True):
        rounded = float(np.round(p / PROBABILITY_GRID) * PROBABILITY_GRID)
        for pid in ids:
            probabilities[pid] = min(max(rounded, 0.0), 1.0)
    return dict(sorted(probabilities.items()))


def select_panel(
    categories: QuotasLike,
    respondents: PoolLike,
    panel_size: int,
    *,
    algorithm: str = "leximin",
    seed: int | str,
    household_column: HouseholdColumns = None,
    legacy_draws: int = 1000,
    time_limit: float | None = None,
    progress: Progress | None = None,
) -> SelectionResult:
    """Draw a panel of `panel_size` meeting the quotas, by LEXIMIN or LEGACY.

    `seed` is the published lottery seed (int or any text): the same inputs and seed give
    the same panel in any process. With `household_column` (a respondents column such as
    an address), at most one person per household is selected. LEGACY probabilities are
    estimated from `legacy_draws` repeated draws; LEXIMIN's are exact.

    `progress`, if given, is told how far it is: (fraction 0..1, the stage in plain
    words: "Checking the quotas", "Computing fair probabilities (level 3: ...)", ...).
    It only observes: the result is the same with or without it.

    Raises SelectionInputError for bad input, InfeasibleQuotasError (a subclass, with
    `.report`) when no panel meets the quotas, and RuntimeError subclasses when a solver
    fails or `time_limit` is exceeded before the first level is solved.
    """
    started = time.perf_counter()
    tell = progress or _silent
    if algorithm not in ALGORITHMS:
        raise SelectionInputError(f"unknown algorithm {algorithm!r}; use one of {ALGORITHMS}")
    if not isinstance(panel_size, int | np.integer) or panel_size <= 0:
        raise SelectionInputError(f"the panel size must be a positive whole number: {panel_size}")
    cats = as_categories(categories)
    people = as_people(respondents)
    tell(0.0, "Checking the quotas")
    types = build_types(cats, people, household_column)
    report = check_feasibility(people, cats, int(panel_size), household_column=household_column)
    if not report.feasible:
        raise InfeasibleQuotasError(report.explanation(), report)
    notes: list[str] = []
    complete = True
    if algorithm == "leximin":
        distribution = leximin_distribution(
            types, int(panel_size), time_limit=time_limit, progress=_scaled(tell, 0.05, 0.95)
        )
        counts = distribution.panels[
            draw_index(distribution.weights, rng_from_seed(seed, "leximin-panel"))
        ]
        per_type = distribution.type_probabilities
        complete = distribution.complete
        if not distribution.complete:
            notes.append(
                f"time limit reached: the {distribution.levels - 1} lowest leximin levels are "
                "exact (so is the minimum probability); higher probabilities are feasible but "
                "not fully evened out"
            )
        notes.append(
            f"LEXIMIN lottery over {len(distribution.weights)} panels "
            f"({types.n_types} types of people, {distribution.levels} levels, "
            f"{distribution.pricing_calls} integer programs, {distribution.seconds:.1f}s)"
        )
    else:
        tell(0.05, "Drawing the panel")
        counts = legacy_draw(types, int(panel_size), rng_from_seed(seed, "legacy-panel"))
        per_type = legacy_probabilities(
            types,
            int(panel_size),
            rng_from_seed(seed, "legacy-estimate"),
            draws=legacy_draws,
            progress=_scaled(tell, 0.1, 0.95),
        )
        notes.append(f"LEGACY probabilities estimated from {legacy_draws} draws")
    tell(0.97, "Choosing the members and writing the quota report")
    panel = choose_members(types.members, counts, rng_from_seed(seed, f"{algorithm}-members"))
    probabilities = _person_probabilities(types, per_type)
    never = sum(1 for p in probabilities.values() if p <= 0)
    if never:
        notes.append(f"{never} people cannot be on any panel that meets the quotas")
    values = np.array(list(probabilities.values()))
    return SelectionResult(
        algorithm=algorithm,
        seed=seed,
        panel=panel,
        probabilities=probabilities,
        min_probability=float(values.min()) if len(values) else 0.0,
        gini=gini(values),
        quota_report=quota_report(cats, people, panel),
        seconds=time.perf_counter() - started,
        notes=tuple(notes + list(cats.warnings) + _warnings(respondents)),
        complete=complete,
    )


def _silent(fraction: float, stage: str) -> None:
    """No one is listening."""


def _scaled(progress: Progress, start: float, end: float) -> Progress:
    """`progress` for a part of the work that runs from `start` to `end` of the whole."""

    def report(fraction: float, stage: str) -> None:
        progress(start + (end - start) * min(max(fraction, 0.0), 1.0), stage)

    return report


def _warnings(respondents: PoolLike) -> list[str]:
    return list(getattr(respondents, "warnings", ()))


def select_panel_from_files(
    categories_path: str | os.PathLike[str],
    respondents_path: str | os.PathLike[str],
    panel_size: int,
    *,
    algorithm: str = "leximin",
    seed: int | str,
    household_column: HouseholdColumns = None,
    id_column: str | None = None,
    legacy_draws: int = 1000,
    time_limit: float | None = None,
) -> SelectionResult:
    """`select_panel` on a categories file and a respondents file (see `csvfiles`)."""
    categories: Categories = read_categories(categories_path)
    respondents = read_respondents(respondents_path, categories, id_column=id_column)
    return select_panel(
        categories,
        respondents,
        panel_size,
        algorithm=algorithm,
        seed=seed,
        household_column=household_column,
        legacy_draws=legacy_draws,
        time_limit=time_limit,
    )


__all__ = [
    "LegacyFailure",
    "LeximinError",
    "gini",
    "quota_report",
    "select_panel",
    "select_panel_from_files",
]
