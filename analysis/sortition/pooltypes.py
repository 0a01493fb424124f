"""Types of people: the pool grouped by identical features, and the panel constraints.

Part of the pure `analysis.sortition` library. People with the same value in every quota
category are interchangeable for the quotas, so the integer programs work on TYPES: a
panel is a vector of counts per type. With households (at most one person per household
on a panel), members of a multi-person household are kept apart from the free pool: a
type is then (features, household), and each household gets a row `sum of its types <= 1`.

Types are sorted (by value indices, then household key) and ids within a type are sorted,
so everything built on them is deterministic.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint

from .model import (
    Categories,
    HouseholdColumns,
    Respondent,
    SelectionInputError,
    household_columns,
    household_of,
    validate_pool,
)


@dataclass(frozen=True)
class PoolTypes:
    """The pool as types. Rows of `incidence` follow `categories.quotas` (one per value)."""

    categories: Categories
    features: tuple[tuple[int, ...], ...]  # per type: index of its value in each category
    households: tuple[str | None, ...]  # per type: household key for household types
    members: tuple[tuple[str, ...], ...]  # per type: sorted ids
    sizes: np.ndarray  # per type: number of people
    upper: np.ndarray  # per type: most that can be on a panel (1 for household types)
    incidence: sparse.csr_matrix  # values x types, 1 when the type has the value
    mins: np.ndarray  # per value
    maxs: np.ndarray  # per value
    household_groups: tuple[tuple[int, ...], ...]  # households spread over 2+ types

    @property
    def n_types(self) -> int:
        return len(self.features)

    @property
    def n_people(self) -> int:
        return int(self.sizes.sum())

    @property
    def household_group_of(self) -> np.ndarray:
        """Per type: index into `household_groups` of its household, or -1."""
        group_of = np.full(self.n_types, -1, dtype=np.int64)
        for g, group in enumerate(self.household_groups):
            group_of[list(group)] = g
        return group_of

    def type_of(self) -> dict[str, int]:
        return {pid: t for t, ids in enumerate(self.members) for pid in ids}

    def value_counts(self, counts: np.ndarray) -> np.ndarray:
        """Panel members per value (quota row) for a vector of counts per type."""
        return np.asarray(self.incidence @ counts).ravel()

    def constraints(self, panel_size: int) -> list[LinearConstraint]:
        """Quota rows, the panel size row and household rows, over the type counts."""
        n = self.n_types
        rows = [
            LinearConstraint(self.incidence, self.mins, self.maxs),
            LinearConstraint(np.ones((1, n)), panel_size, panel_size),
        ]
        if self.household_groups:
            data, row_index, col_index = [], [], []
            for r, group in enumerate(self.household_groups):
                for t in group:
                    data.append(1.0)
                    row_index.append(r)
                    col_index.append(t)
            matrix = sparse.csr_matrix(
                (data, (row_index, col_index)), shape=(len(self.household_groups), n)
            )
            rows.append(LinearConstraint(matrix, 0, 1))
        return rows

    def bounds(self) -> Bounds:
        return Bounds(np.zeros(self.n_types), self.upper.astype(float))

    def is_feasible_panel(self, counts: np.ndarray, panel_size: int) -> bool:
        counts = np.asarray(counts)
        if counts.sum() != panel_size or (counts < 0).any() or (counts > self.upper).any():
            return False
        per_value = self.value_counts(counts)
        if (per_value < self.mins).any() or (per_value > self.maxs).any():
            return False
        return all(counts[list(group)].sum() <= 1 for group in self.household_groups)


def build_types(
    categories: Categories,
    people: Sequence[Respondent],
    household_column: HouseholdColumns = None,
) -> PoolTypes:
    """Group the pool into types (validating it first). Raises SelectionInputError."""
    validate_pool(categories, people)
    for column in household_columns(household_column):
        if people and not any(column in p.extra or column in p.features for p in people):
            raise SelectionInputError(f"no respondent has a {column!r} column")
    names = categories.names
    value_index = {name: {v: i for i, v in enumerate(categories.values(name))} for name in names}
    household_size = Counter(household_of(p, household_column) for p in people)
    groups: dict[tuple[tuple[int, ...], str], list[str]] = defaultdict(list)
    for person in people:
        key = tuple(value_index[name][person.features[name]] for name in names)
        household = household_of(person, household_column)
        shared = household if household is not None and household_size[household] > 1 else ""
        groups[(key, shared)].append(person.id)
    ordered = sorted(groups)
    features = tuple(key for key, _ in ordered)
    households = tuple(h or None for _, h in ordered)
    members = tuple(tuple(sorted(groups[key])) for key in ordered)
    sizes = np.array([len(m) for m in members], dtype=np.int64)
    upper = np.array(
        [1 if h is not None else n for h, n in zip(households, sizes, strict=True)],
        dtype=np.int64,
    )
    row_of = {}
    for r, q in enumerate(categories.quotas):
        row_of[(q.category, q.value)] = r
    rows, cols = [], []
    for t, key in enumerate(features):
        for c, name in enumerate(names):
            rows.append(row_of[(name, categories.values(name)[key[c]])])
            cols.append(t)
    incidence = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(categories.quotas), len(features))
    )
    by_household: dict[str, list[int]] = defaultdict(list)
    for t, h in enumerate(households):
        if h is not None:
            by_household[h].append(t)
    household_groups = tuple(tuple(ts) for _, ts in sorted(by_household.items()) if len(ts) > 1)
    return PoolTypes(
        categories=categories,
        features=features,
        households=households,
        members=members,
        sizes=sizes,
        upper=upper,
        incidence=incidence,
        mins=np.array([q.min for q in categories.quotas], dtype=float),
        maxs=np.array([q.max for q in categories.quotas], dtype=float),
        household_groups=household_groups,
    )
