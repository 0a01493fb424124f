"""Can the quotas be met at all? Which ones conflict, and the smallest relaxation that helps.

Part of the pure `analysis.sortition` library. Run before a selection so an officer sees
a plain explanation ("the minimums of age add up to 24, more than the panel size 22")
and a concrete fix ("lower min of age = 16-29 from 7 to 5") instead of a solver failure.
The joint check and the relaxation are integer programs over types of people (SciPy HiGHS).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from .model import PoolLike, QuotasLike, as_categories, as_people, household_of
from .pooltypes import PoolTypes, build_types


@dataclass(frozen=True)
class Relaxation:
    """Change one quota bound: `bound` is "min" or "max"."""

    category: str
    value: str
    bound: str
    current: int
    suggested: int

    def __str__(self) -> str:
        verb = "lower" if self.suggested < self.current else "raise"
        return (
            f"{verb} {self.bound} of {self.category} = {self.value} "
            f"from {self.current} to {self.suggested}"
        )


@dataclass(frozen=True)
class FeasibilityReport:
    """`feasible` is True when some panel of the size meets every quota (and households)."""

    feasible: bool
    conflicts: list[str]
    relaxation: list[Relaxation]

    def explanation(self) -> str:
        if self.feasible:
            return "The quotas can be met."
        lines = ["The quotas cannot be met:", *(f"- {c}" for c in self.conflicts)]
        if self.relaxation:
            lines.append("Smallest change that makes them possible:")
            lines.extend(f"- {r}" for r in self.relaxation)
        return "\n".join(lines)


def find_panel(types: PoolTypes, panel_size: int) -> np.ndarray | None:
    """Counts per type of some quota-meeting panel, or None when there is none."""
    if types.n_types == 0:
        return None
    result = milp(
        c=np.zeros(types.n_types),
        constraints=types.constraints(panel_size),
        integrality=np.ones(types.n_types),
        bounds=types.bounds(),
        options={"disp": False, "presolve": True},
    )
    if result.x is None or result.status != 0:
        return None
    return np.rint(result.x).astype(np.int64)


def _smallest_relaxation(types: PoolTypes, panel_size: int) -> list[Relaxation] | None:
    """Minimise the total change of mins and maxes (integers) that admits a panel."""
    n, v = types.n_types, len(types.mins)
    identity = sparse.identity(v, format="csr")
    zeros = sparse.csr_matrix((v, v))
    # variables: counts per type, then lower-min slack, then raise-max slack
    lower_rows = sparse.hstack([types.incidence, identity, zeros])
    upper_rows = sparse.hstack([types.incidence, zeros, -identity])
    constraints = [
        LinearConstraint(lower_rows, types.mins, np.inf),
        LinearConstraint(upper_rows, -np.inf, types.maxs),
        LinearConstraint(
            sparse.hstack([np.ones((1, n)), sparse.csr_matrix((1, 2 * v))]),
            panel_size,
            panel_size,
        ),
    ]
    for extra in types.constraints(panel_size)[2:]:
        constraints.append(
            LinearConstraint(
                sparse.hstack([extra.A, sparse.csr_matrix((extra.A.shape[0], 2 * v))]),
                extra.lb,
                extra.ub,
            )
        )
    lower = np.concatenate([np.zeros(n), np.zeros(v), np.zeros(v)])
    upper = np.concatenate([types.upper.astype(float), types.mins, np.full(v, panel_size)])
    result = milp(
        c=np.concatenate([np.zeros(n), np.ones(v), np.ones(v)]),
        constraints=constraints,
        integrality=np.ones(n + 2 * v),
        bounds=Bounds(lower, upper),
        options={"disp": False, "presolve": True},
    )
    if result.x is None or result.status != 0:
        return None
    x = np.rint(result.x).astype(np.int64)
    changes = []
    for r, q in enumerate(types.categories.quotas):
        if x[n + r] > 0:
            changes.append(Relaxation(q.category, q.value, "min", q.min, q.min - int(x[n + r])))
        if x[n + v + r] > 0:
            changes.append(Relaxation(q.category, q.value, "max", q.max, q.max + int(x[n + v + r])))
    return changes


def check_feasibility(
    pool: PoolLike,
    quotas: QuotasLike,
    panel_size: int,
    *,
    household_column: str | None = None,
) -> FeasibilityReport:
    """Say whether a panel of `panel_size` can meet the quotas, and if not why and what to relax.

    `conflicts` names the simple causes (sums of mins or maxes against the panel size,
    values with fewer people than their min) or, when those are all fine, the joint
    conflict found by the integer program. `relaxation` is a smallest total change of
    mins and maxes that makes a panel possible (empty when feasible, or when no quota
    change can help, e.g. a panel larger than the pool). Raises SelectionInputError for
    malformed input (unknown values, min > max, duplicate ids).
    """
    categories = as_categories(quotas)
    people = as_people(pool)
    types = build_types(categories, people, household_column)
    conflicts: list[str] = []
    if panel_size < 0:
        conflicts.append(f"the panel size must be positive, got {panel_size}")
    if panel_size > len(people):
        conflicts.append(f"the panel size {panel_size} is larger than the pool ({len(people)})")
    elif household_column is not None:
        households = {household_of(p, household_column) or f"\0{p.id}" for p in people}
        if panel_size > len(households):
            conflicts.append(
                f"the panel size {panel_size} is larger than the number of households "
                f"({len(households)}) and only one person per household may serve"
            )
    counts = types.value_counts(types.sizes)
    for name in categories.names:
        rows = [r for r, q in enumerate(categories.quotas) if q.category == name]
        total_min = int(types.mins[rows].sum())
        total_max = int(types.maxs[rows].sum())
        if total_min > panel_size:
            conflicts.append(
                f"{name}: the minimums add up to {total_min}, more than the panel size {panel_size}"
            )
        if total_max < panel_size:
            conflicts.append(
                f"{name}: the maximums add up to {total_max}, fewer than the panel size "
                f"{panel_size}"
            )
        reachable = int(np.minimum(types.maxs[rows], counts[rows]).sum())
        if total_max >= panel_size and reachable < panel_size <= len(people):
            conflicts.append(
                f"{name}: within the maximums the pool can fill only {reachable} of "
                f"{panel_size} seats"
            )
        for r in rows:
            q = categories.quotas[r]
            if counts[r] < q.min:
                conflicts.append(
                    f"{q.category} = {q.value}: min is {q.min} but only {int(counts[r])} "
                    f"{'person is' if counts[r] == 1 else 'people are'} in the pool"
                )
    if not conflicts and panel_size >= 0 and find_panel(types, panel_size) is not None:
        return FeasibilityReport(True, [], [])
    if not conflicts:
        conflicts.append(
            "each category can be filled on its own, but no panel of "
            f"{panel_size} meets all the quotas together (found by an integer program)"
        )
    relaxation = _smallest_relaxation(types, panel_size) if panel_size >= 0 else None
    return FeasibilityReport(False, conflicts, relaxation or [])
