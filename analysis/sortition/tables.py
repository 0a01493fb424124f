"""Seat a panel at tables: equal sizes, diverse tables, and new faces at each remix.

Part of the pure `analysis.sortition` library. Tables differ in size by at most one.
A local search (swapping two people at different tables, which keeps the sizes) lowers
an objective made of
  * diversity: for every category value, the squared distance between its count at each
    table and its fair share there (so each value is spread evenly across tables);
  * remixing: the number of pairs at a table who already sat together in a previous
    allocation (weighted by how often), so people meet new people.
Deterministic from the seed. Tables are numbered from 1.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from .lottery import rng_from_seed

REPEAT_WEIGHT = 4.0  # one repeated pair costs as much as this much squared imbalance


@dataclass(frozen=True)
class TableReport:
    """How good an allocation is.

    `imbalance[category]` is the largest difference, over the category's values, between
    the tables with the most and the fewest people having that value (0 or 1 is as even
    as sizes allow). `repeated_pairs` counts pairs at a table who met in a previous
    allocation.
    """

    sizes: dict[int, int]
    imbalance: dict[str, int]
    repeated_pairs: int
    diversity_penalty: float


def _setup(
    members: Mapping[str, Mapping[str, str]],
    previous_allocations: Sequence[Mapping[str, int]],
) -> tuple[list[str], list[str], np.ndarray, int, np.ndarray]:
    ids = sorted(members)
    categories = sorted({c for features in members.values() for c in features})
    value_index: dict[tuple[str, str], int] = {}
    features = np.zeros((len(ids), len(categories)), dtype=np.int64)
    for i, pid in enumerate(ids):
        for c, name in enumerate(categories):
            key = (name, str(members[pid].get(name, "")))
            features[i, c] = value_index.setdefault(key, len(value_index))
    met = np.zeros((len(ids), len(ids)))
    position = {pid: i for i, pid in enumerate(ids)}
    for allocation in previous_allocations:
        tables: dict[int, list[int]] = {}
        for pid, table in allocation.items():
            if pid in position:
                tables.setdefault(table, []).append(position[pid])
        for seated in tables.values():
            for a, b in combinations(seated, 2):
                met[a, b] += 1
                met[b, a] += 1
    return ids, categories, features, len(value_index), met


def _table_sizes(n: int, table_size: int | None, n_tables: int | None) -> list[int]:
    if (table_size is None) == (n_tables is None):
        raise ValueError("give exactly one of table_size and n_tables")
    if table_size is not None:
        if table_size <= 0:
            raise ValueError("table_size must be positive")
        n_tables = max(1, math.ceil(n / table_size))
    assert n_tables is not None
    if n_tables <= 0:
        raise ValueError("n_tables must be positive")
    n_tables = min(n_tables, max(n, 1))
    base, extra = divmod(n, n_tables)
    return [base + (1 if t < extra else 0) for t in range(n_tables)]


def allocate_tables(
    members: Mapping[str, Mapping[str, str]],
    table_size: int | None = None,
    *,
    n_tables: int | None = None,
    seed: int | str = 0,
    previous_allocations: Sequence[Mapping[str, int]] = (),
    max_passes: int = 30,
) -> dict[str, int]:
    """Seat `members` (id -> {category: value}) at tables numbered from 1.

    Give `table_size` (the most per table; the number of tables is rounded up) or
    `n_tables`. Sizes differ by at most one; values are spread evenly; with
    `previous_allocations` (earlier id -> table maps), pairs who already sat together are
    avoided. Deterministic for the same input and seed. Raises ValueError for bad sizes.
    """
    ids, _, features, n_values, met = _setup(members, previous_allocations)
    n = len(ids)
    if n == 0:
        return {}
    sizes = _table_sizes(n, table_size, n_tables)
    n_t = len(sizes)
    rng = rng_from_seed(seed, "tables")
    # start: deal people round-robin in an order grouped by features (already fairly even)
    order = rng.permutation(n)
    if features.shape[1]:  # no categories: a random order is as even as any
        order = order[np.lexsort(features[order].T[::-1])]
    dealing = []
    remaining = list(sizes)
    t = 0
    for _ in range(n):
        while remaining[t] == 0:
            t = (t + 1) % n_t
        dealing.append(t)
        remaining[t] -= 1
        t = (t + 1) % n_t
    table = np.empty(n, dtype=np.int64)
    table[order] = dealing
    totals = np.zeros(n_values)
    for c in range(features.shape[1]):
        np.add.at(totals, features[:, c], 1)
    share = np.outer(np.array(sizes) / n, totals)  # fair count of each value per table
    count = np.zeros((n_t, n_values))
    for c in range(features.shape[1]):
        np.add.at(count, (table, features[:, c]), 1)
    together = np.zeros((n, n_t))  # together[i, t]: previous meetings of i with table t
    for t_index in range(n_t):
        together[:, t_index] = met[:, table == t_index].sum(axis=1)
    for _ in range(max_passes):
        improved = False
        for i in rng.permutation(n):
            a = table[i]
            others = np.flatnonzero(table != a)
            if not len(others):
                break
            b = table[others]
            dev = count - share
            fi = features[i]  # (C,)
            fj = features[others]  # (m, C)
            differs = fj != fi[None, :]
            # moving i's values from a to b and j's values from b to a
            delta_values = (
                (1 - 2 * dev[a, fi])[None, :]
                + (1 + 2 * dev[a, fj])
                + (1 - 2 * dev[b[:, None], fj])
                + (1 + 2 * dev[b[:, None], fi[None, :]])
            )
            delta = np.where(differs, delta_values, 0.0).sum(axis=1)
            delta_meet = (
                together[i, b]
                - met[i, others]
                - together[i, a]
                + together[others, a]
                - met[others, i]
                - together[others, b]
            )
            delta = delta + REPEAT_WEIGHT * delta_meet
            best = int(np.argmin(delta))
            if delta[best] < -1e-9:
                j = int(others[best])
                bt = int(b[best])
                for c in range(features.shape[1]):
                    count[a, features[i, c]] -= 1
                    count[bt, features[i, c]] += 1
                    count[bt, features[j, c]] -= 1
                    count[a, features[j, c]] += 1
                together[:, a] += met[:, j] - met[:, i]
                together[:, bt] += met[:, i] - met[:, j]
                table[i], table[j] = bt, a
                improved = True
        if not improved:
            break
    return {pid: int(table[i]) + 1 for i, pid in enumerate(ids)}


def table_report(
    members: Mapping[str, Mapping[str, str]],
    allocation: Mapping[str, int],
    previous_allocations: Sequence[Mapping[str, int]] = (),
) -> TableReport:
    """Sizes, per-category imbalance, repeated pairs and the diversity penalty."""
    ids, categories, features, n_values, met = _setup(members, previous_allocations)
    tables = sorted({allocation[pid] for pid in ids})
    column = {t: k for k, t in enumerate(tables)}
    table = np.array([column[allocation[pid]] for pid in ids], dtype=np.int64)
    n_t = len(tables)
    count = np.zeros((n_t, n_values))
    for c in range(features.shape[1]):
        np.add.at(count, (table, features[:, c]), 1)
    sizes = np.bincount(table, minlength=n_t)
    share = np.outer(sizes / max(len(ids), 1), count.sum(axis=0))
    imbalance = {}
    for c, name in enumerate(categories):
        values = np.unique(features[:, c])
        spread = count[:, values].max(axis=0) - count[:, values].min(axis=0)
        imbalance[name] = int(spread.max()) if len(spread) else 0
    same = table[:, None] == table[None, :]
    repeated = int(((met > 0) & same).sum() // 2)
    return TableReport(
        sizes={tables[k]: int(sizes[k]) for k in range(n_t)},
        imbalance=imbalance,
        repeated_pairs=repeated,
        diversity_penalty=float(((count - share) ** 2).sum()),
    )
