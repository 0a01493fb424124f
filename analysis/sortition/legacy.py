"""LEGACY: the greedy stratified draw practitioners used before LEXIMIN, for comparison.

Part of the pure `analysis.sortition` library; our own code for the method as the
Sortition Foundation describes it. Seat by seat: among the category values that still
have people available, take the one most in need, i.e. with the largest ratio
(min - selected) / (people left with that value); pick a random remaining person with
that value; then remove everyone whose selection would break a max (and, with
households, the rest of the chosen person's household). A draw that runs out of people
is restarted.

It runs on types of people (`pooltypes`): picking a random remaining person with a value
is picking a type in proportion to its remaining members, which is the same lottery and
much faster. Selection probabilities are estimated by repeating the draw.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .pooltypes import PoolTypes


class LegacyFailure(RuntimeError):
    """Every attempt ran out of people before the panel was complete."""


class _LegacyDrawer:
    """The greedy draw on plain Python lists (faster than numpy on these small vectors)."""

    def __init__(self, types: PoolTypes, panel_size: int) -> None:
        self.types = types
        self.panel_size = panel_size
        incidence = types.incidence.toarray() > 0  # values x types
        self.n_values = incidence.shape[0]
        self.values_of = [
            tuple(np.flatnonzero(incidence[:, t]).tolist()) for t in range(types.n_types)
        ]
        self.types_with = [tuple(np.flatnonzero(row).tolist()) for row in incidence]
        self.mins = [int(v) for v in types.mins]
        self.maxs = [int(v) for v in types.maxs]
        self.sizes = [int(v) for v in types.sizes]
        groups = {t: tuple(g) for g in types.household_groups for t in g}
        self.household: list[tuple[int, ...]] = [
            groups.get(t, (t,)) if types.households[t] is not None else ()
            for t in range(types.n_types)
        ]

    def attempt(self, rng: np.random.Generator) -> list[int] | None:
        """One draw: counts per type, or None when it ran out of people."""
        remaining = list(self.sizes)
        counts = [0] * len(remaining)
        selected = [0] * self.n_values
        left = [0] * self.n_values
        mins, maxs, values_of, types_with = self.mins, self.maxs, self.values_of, self.types_with

        def remove(t: int, number: int) -> None:
            remaining[t] -= number
            for v in values_of[t]:
                left[v] -= number

        for t, size in enumerate(remaining):
            for v in values_of[t]:
                left[v] += size
        for v in range(self.n_values):
            if maxs[v] <= 0:
                for t in types_with[v]:
                    if remaining[t]:
                        remove(t, remaining[t])
        uniforms = rng.random(self.panel_size)
        for step in range(self.panel_size):
            best, best_ratio = -1, -np.inf
            for v in range(self.n_values):
                needed = mins[v] - selected[v]
                if needed > left[v]:
                    return None
                if left[v] > 0 and maxs[v] > 0:
                    ratio = needed / left[v]
                    if ratio > best_ratio:
                        best, best_ratio = v, ratio
            if best < 0:
                return None
            target = uniforms[step] * left[best]
            chosen = -1
            for t in types_with[best]:
                if remaining[t]:
                    chosen = t
                    target -= remaining[t]
                    if target < 0:
                        break
            t = chosen
            counts[t] += 1
            remove(t, 1)
            for v in values_of[t]:
                selected[v] += 1
            for other in self.household[t]:
                if remaining[other]:
                    remove(other, remaining[other])
            for v in values_of[t]:
                if selected[v] >= maxs[v]:
                    for other in types_with[v]:
                        if remaining[other]:
                            remove(other, remaining[other])
        if any(s < lo or s > hi for s, lo, hi in zip(selected, mins, maxs, strict=True)):
            return None
        return counts

    def draw(self, rng: np.random.Generator, max_attempts: int) -> np.ndarray:
        for _ in range(max_attempts):
            counts = self.attempt(rng)
            if counts is not None:
                return np.array(counts, dtype=np.int64)
        raise LegacyFailure(
            f"the greedy draw failed {max_attempts} times in a row; the quotas are too tight "
            "for the legacy method"
        )


def legacy_draw(
    types: PoolTypes, panel_size: int, rng: np.random.Generator, *, max_attempts: int = 100
) -> np.ndarray:
    """One LEGACY panel as counts per type. Raises LegacyFailure."""
    return _LegacyDrawer(types, panel_size).draw(rng, max_attempts)


def legacy_probabilities(
    types: PoolTypes,
    panel_size: int,
    rng: np.random.Generator,
    *,
    draws: int = 1000,
    max_attempts: int = 100,
    progress: Callable[[float, str], None] | None = None,
) -> np.ndarray:
    """Estimated selection probability of each member of each type over `draws` draws.
    `progress`, if given, hears (share of draws done, what it is doing) every 50 draws."""
    drawer = _LegacyDrawer(types, panel_size)
    totals = np.zeros(types.n_types, dtype=np.int64)
    for done in range(draws):
        if progress is not None and done % 50 == 0:
            progress(done / draws, f"Estimating probabilities: {done} of {draws} draws")
        totals += drawer.draw(rng, max_attempts)
    return totals / (draws * types.sizes)
