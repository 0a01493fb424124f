"""Can the quotas be met at all? Which ones conflict, and the smallest relaxation that helps.

Part of the pure `analysis.sortition` library. Run before a selection so an officer sees
a plain explanation ("the minimums of age add up to 24, more than the panel size 22")
and a concrete fix ("lower min of age = 16-29 from 7 to 5") instead of a solver failure.
The joint check and the relaxation are integer programs over types of people (SciPy HiGHS).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from .model import (
    HouseholdColumns,
    PoolLike,
    QuotasLike,
    as_categories,
    as_people,
    household_columns,
    household_of,
)
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


MAX_ALTERNATIVES = 8  # minimal relaxations listed at most


@dataclass(frozen=True)
class FeasibilityReport:
    """`feasible` is True when some panel of the size meets every quota (and households).

    When it is False: `conflicts` says why in words; `conflicting_quotas` is a smallest
    set of quota bounds that cannot all hold together (each as "min 3 of age = 16-29"),
    found by dropping bounds one by one while the rest stays impossible; `alternatives`
    lists every smallest relaxation (different quotas changed, same total change), or only
    the first when there are more than MAX_ALTERNATIVES (`many_alternatives` is then True:
    e.g. mins adding up to too much can be lowered in countless equally small ways);
    `relaxation` is the first of them. `within_flex` is None
    when the quotas carry no `min_flex`/`max_flex`, True when the relaxations keep to
    them, False when no relaxation within them exists (the alternatives then go beyond
    the flexibility, and the explanation says so).
    """

    feasible: bool
    conflicts: list[str]
    relaxation: list[Relaxation]
    alternatives: list[list[Relaxation]] = field(default_factory=list)
    conflicting_quotas: list[str] = field(default_factory=list)
    within_flex: bool | None = None
    many_alternatives: bool = False

    def explanation(self) -> str:
        if self.feasible:
            return "The quotas can be met."
        lines = ["The quotas cannot be met:", *(f"- {c}" for c in self.conflicts)]
        if self.conflicting_quotas:
            lines.append("These quotas conflict with each other (none of them can be dropped):")
            lines.extend(f"- {c}" for c in self.conflicting_quotas)
        if self.alternatives:
            beyond = " (beyond the flexibility you allowed)" if self.within_flex is False else ""
            if self.many_alternatives:
                lines.append(
                    f"Smallest change that makes them possible{beyond} (one of many equally "
                    "small ones):"
                )
                lines.extend(f"- {r}" for r in self.alternatives[0])
            elif len(self.alternatives) == 1:
                lines.append(f"Smallest change that makes them possible{beyond}:")
                lines.extend(f"- {r}" for r in self.alternatives[0])
            else:
                lines.append(f"Smallest changes that make them possible{beyond}, any one of these:")
                for number, option in enumerate(self.alternatives, start=1):
                    lines.append(f"- option {number}: " + "; ".join(str(r) for r in option))
        return "\n".join(lines)


def find_panel(types: PoolTypes, panel_size: int) -> np.ndarray | None:
    """Counts per type of some quota-meeting panel, or None when there is none."""
    return _panel_with_bounds(types, panel_size, types.mins, types.maxs)


def _panel_with_bounds(
    types: PoolTypes, panel_size: int, mins: np.ndarray, maxs: np.ndarray
) -> np.ndarray | None:
    """Counts per type of a panel meeting the given per-value bounds, or None."""
    if types.n_types == 0:
        return None
    constraints = types.constraints(panel_size)
    constraints[0] = LinearConstraint(types.incidence, mins, maxs)
    result = milp(
        c=np.zeros(types.n_types),
        constraints=constraints,
        integrality=np.ones(types.n_types),
        bounds=types.bounds(),
        options={"disp": False, "presolve": True},
    )
    if result.x is None or result.status != 0:
        return None
    return np.rint(result.x).astype(np.int64)


def _conflicting_bounds(types: PoolTypes, panel_size: int) -> list[str]:
    """A smallest set of quota bounds that cannot all hold (deletion filter), in words.

    Each min above 0 and each max below the panel size is a bound; one by one, a bound
    is dropped for good when the others are still impossible without it. What is left
    is a set none of whose bounds can be dropped. Empty when even no quotas at all leave
    the panel impossible (e.g. more seats than people or households).
    """
    mins, maxs = types.mins.copy(), types.maxs.copy()
    if (
        _panel_with_bounds(types, panel_size, np.zeros_like(mins), np.full_like(maxs, np.inf))
        is None
    ):
        return []
    bounds = [("min", r) for r in range(len(mins)) if mins[r] > 0]
    bounds += [("max", r) for r in range(len(maxs)) if maxs[r] < panel_size]
    kept = []
    for kind, r in bounds:
        saved = mins[r] if kind == "min" else maxs[r]
        if kind == "min":
            mins[r] = 0
        else:
            maxs[r] = np.inf
        if _panel_with_bounds(types, panel_size, mins, maxs) is not None:
            if kind == "min":
                mins[r] = saved
            else:
                maxs[r] = saved
            kept.append((kind, r))
    quotas = types.categories.quotas
    return [
        f"{kind} {q.min if kind == 'min' else q.max} of {q.category} = {q.value}"
        for kind, r in sorted(kept, key=lambda item: (item[1], item[0] == "max"))
        for q in (quotas[r],)
    ]


def _flex_room(
    types: PoolTypes, panel_size: int, respect_flex: bool
) -> tuple[np.ndarray, np.ndarray]:
    """How far each min may go down and each max up (the flex, or anything when ignored)."""
    quotas = types.categories.quotas
    down = np.array(
        [q.min - (q.min_flex if respect_flex and q.min_flex is not None else 0) for q in quotas],
        dtype=float,
    )
    up = np.array(
        [
            max(0, (q.max_flex if respect_flex and q.max_flex is not None else panel_size) - q.max)
            for q in quotas
        ],
        dtype=float,
    )
    return np.maximum(down, 0), up


def _smallest_relaxations(
    types: PoolTypes, panel_size: int, *, respect_flex: bool
) -> list[list[Relaxation]]:
    """Every smallest total change of mins and maxes (integers) that admits a panel.

    One integer program minimises the total change; then the same program, held at that
    optimum, is asked again with "not exactly these quotas changed" cuts until it finds no
    other set of quotas (stopping after MAX_ALTERNATIVES + 1, which means "many"). Empty
    when no change within the allowed room helps.
    """
    n, v = types.n_types, len(types.mins)
    down, up = _flex_room(types, panel_size, respect_flex)
    identity = sparse.identity(v, format="csr")
    zeros = sparse.csr_matrix((v, v))
    width = n + 4 * v  # counts, lower-min slack, raise-max slack, their 0/1 indicators
    pad = sparse.csr_matrix((v, 2 * v))
    # variables: counts per type, then lower-min slack, then raise-max slack
    lower_rows = sparse.hstack([types.incidence, identity, zeros, pad])
    upper_rows = sparse.hstack([types.incidence, zeros, -identity, pad])
    constraints = [
        LinearConstraint(lower_rows, types.mins, np.inf),
        LinearConstraint(upper_rows, -np.inf, types.maxs),
        LinearConstraint(
            sparse.hstack([np.ones((1, n)), sparse.csr_matrix((1, 4 * v))]),
            panel_size,
            panel_size,
        ),
        # slack <= room * indicator
        LinearConstraint(
            sparse.hstack(
                [
                    sparse.csr_matrix((2 * v, n)),
                    sparse.identity(2 * v, format="csr"),
                    -sparse.diags(np.concatenate([down, up])),
                ]
            ),
            -np.inf,
            0,
        ),
    ]
    for extra in types.constraints(panel_size)[2:]:
        constraints.append(
            LinearConstraint(
                sparse.hstack([extra.A, sparse.csr_matrix((extra.A.shape[0], 4 * v))]),
                extra.lb,
                extra.ub,
            )
        )
    bounds = Bounds(
        np.zeros(width),
        np.concatenate([types.upper.astype(float), down, up, np.ones(2 * v)]),
    )
    cost = np.concatenate([np.zeros(n), np.ones(2 * v), np.zeros(2 * v)])
    alternatives: list[list[Relaxation]] = []
    best: float | None = None
    while len(alternatives) <= MAX_ALTERNATIVES:
        result = milp(
            c=cost,
            constraints=constraints,
            integrality=np.ones(width),
            bounds=bounds,
            options={"disp": False, "presolve": True},
        )
        if result.x is None or result.status != 0:
            break
        x = np.rint(result.x).astype(np.int64)
        total = float(x[n : n + 2 * v].sum())
        if best is None:
            best = total
            constraints.append(LinearConstraint(cost[None, :], -np.inf, best))
        elif total > best:
            break
        changed = np.flatnonzero(x[n : n + 2 * v] > 0)
        alternatives.append(_changes(types, x[n : n + 2 * v]))
        if not len(changed):
            break
        cut = np.zeros(width)
        cut[n + 2 * v + changed] = 1.0
        constraints.append(LinearConstraint(cut[None, :], -np.inf, len(changed) - 1))
    return alternatives


def _changes(types: PoolTypes, slack: np.ndarray) -> list[Relaxation]:
    v = len(types.mins)
    changes = []
    for r, q in enumerate(types.categories.quotas):
        if slack[r] > 0:
            changes.append(Relaxation(q.category, q.value, "min", q.min, q.min - int(slack[r])))
        if slack[v + r] > 0:
            changes.append(Relaxation(q.category, q.value, "max", q.max, q.max + int(slack[v + r])))
    return changes


def check_feasibility(
    pool: PoolLike,
    quotas: QuotasLike,
    panel_size: int,
    *,
    household_column: HouseholdColumns = None,
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
    elif household_columns(household_column):
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
    joint = not conflicts
    if joint:
        conflicts.append(
            "each category can be filled on its own, but no panel of "
            f"{panel_size} meets all the quotas together (found by an integer program)"
        )
    if panel_size < 0:
        return FeasibilityReport(False, conflicts, [])
    has_flex = any(q.min_flex is not None or q.max_flex is not None for q in categories.quotas)
    alternatives = _smallest_relaxations(types, panel_size, respect_flex=has_flex)
    within_flex: bool | None = bool(alternatives) if has_flex else None
    if has_flex and not alternatives:
        alternatives = _smallest_relaxations(types, panel_size, respect_flex=False)
        if alternatives:
            conflicts.append("this cannot be fixed within the flexibility you allowed")
    conflicting = _conflicting_bounds(types, panel_size)
    if joint and conflicting:
        conflicts[0] += ": " + ", ".join(conflicting) + " cannot all hold"
    many = len(alternatives) > MAX_ALTERNATIVES
    return FeasibilityReport(
        False,
        conflicts,
        alternatives[0] if alternatives else [],
        alternatives=alternatives[:1] if many else alternatives,
        many_alternatives=many,
        conflicting_quotas=conflicting,
        within_flex=within_flex,
    )
