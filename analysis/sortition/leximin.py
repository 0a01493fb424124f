"""LEXIMIN: the fairest lottery over quota-meeting panels (Flanigan et al., Nature 2021).

Part of the pure `analysis.sortition` library; our own implementation of the method the
paper describes, on HiGHS (the project's own `highspy` package, pinned).

The lottery is a probability distribution over panels that maximises the smallest
selection probability of any pool member, then the second smallest, and so on. We work
on TYPES of people (`pooltypes`): a panel is a vector of counts per type and every member
of type t has probability E[count_t] / size_t, so the programs have one variable per type
instead of one per person.

Each leximin level is a linear program solved by column generation:

    master   max z  s.t.  sum_P lam_P count_P,t / size_t >= z      (t not yet fixed)
                          sum_P lam_P count_P,t / size_t >= f_t    (t fixed earlier)
                          sum_P lam_P = 1, lam >= 0
    pricing  a panel P with sum_t y_t count_P,t / size_t > mu, where (y, mu) are the
             master's duals: first a cheap search (swaps on the best known panels under
             the dual weights), then the exact integer program (HiGHS MIP), whose dual bound
             proves that no panel is missing.

The master can also be solved as its dual LP (one row per panel) by the dual simplex
(`_DualMaster`, with extra pricing at other dual mixes, `PRICING_MIXES`); it gives the
same probabilities (tested) and re-solves faster from the same state, but in a full run
on the 925-type pool its level 2 took longer, so the primal master stays the default
(figures in the README). The pricing program, the store of panels and the local moves
both ways share are in pricing.py.

First, though, the direct way (relaxation.py: `_relaxation_leximin`, `_decompose`): the
LEXIMIN values over the LINEAR RELAXATION of the panel constraints (fractional panels
allowed) take one small LP per level, milliseconds in all. The relaxation contains every lottery's
probabilities, so if some lottery over real panels reaches these values, they are the
answer, every level at once. Two ways look for that lottery. First peeling (peeling.py):
panels are peeled off the target counts one at a time, each found by an integer program
on the smallest face of the relaxation that holds what is left, with the longest step
that stays in it; no master LP at all (the 925-type pool: 34 s CPU instead of 496 s). If
some face has no panel (what is left has strayed outside the real panels' hull, seen on
small pools with tight quotas), one column generation carries on from the panels found
(`_GoalMaster`: minimise the shortfalls from the values; a shortfall variable per type
makes the simplex far less degenerate than max z over many rows at once) and, when it
reaches zero, every level is solved at once. When the pricing program proves that no
panel reduces the shortfall (an integrality gap: real panels cannot reach the
relaxation's values), the level-by-level method below runs, keeping the panels found,
with each level's relaxation value as an upper bound that ends the level as soon as the
master reaches it.

When no panel is missing, types with a positive dual y_t are provably at the optimum z
in every optimal lottery (complementary slackness): they are fixed at z and the next
level maximises the minimum of the others, keeping every column found so far (a warm
start: later levels mostly need few new panels). To fix many types per level, we look
for a dual solution with the largest support (one extra LP over the known panels).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from .peeling import peel
from .pooltypes import PoolTypes
from .pricing import (
    TIGHT_DUAL,
    LeximinError,
    _ColumnStore,
    _new_highs,
    _Pricer,
    _solve_optimal,
    _swap_search,
)
from .relaxation import (
    _decompose,
    _Relaxation,
    _relaxation_leximin,
)

LOG = logging.getLogger(__name__)
PROBABILITY_GRID = 1e-9  # lottery weights are rounded to this before drawing
LOCAL_STARTS = 3  # local moves start from the master's 3 heaviest panels
#: After a column from the smoothed duals, also price at these mixes (share of the
#: stability center) on pools of at least MIXES_FROM types: several columns per re-solve.
PRICING_MIXES: tuple[float, ...] = ()  # (0.0, 0.4) with `_DualMaster`: see README
MIXES_FROM = 200
#: Types are fixed this far below the level's value (found by trial, not derived from the
#: simplex's 1e-7 feasibility tolerance): fixing at the value itself once made a later
#: level's master infeasible by rounding, from the panels an earlier variant of peeling
#: left.
FIX_MARGIN = 1e-9
#: Try peeling (peeling.py) before the column generation of the direct way.
PEEL = True

#: Told how far the computation is: (fraction 0..1, what it is doing), in plain words.
Progress = Callable[[float, str], None]


def stage_printer(write: Callable[[str], None]) -> Progress:
    """A `Progress` that writes one line per stage (so one per LEXIMIN level), with the
    seconds since it was made, for command lines and benchmarks."""
    started = time.perf_counter()
    last = [""]

    def progress(fraction: float, stage: str) -> None:
        head = stage.split(":")[0]  # "Computing fair probabilities (level 3" etc.
        if head != last[0]:
            last[0] = head
            write(f"[{time.perf_counter() - started:7.1f}s] {stage}")

    return progress


@dataclass(frozen=True)
class PanelDistribution:
    """A lottery over panels: `panels[i]` (counts per type) is drawn with `weights[i]`."""

    panels: np.ndarray  # (m, n_types) int64
    weights: np.ndarray  # (m,) float, rounded to PROBABILITY_GRID, sums to 1
    type_probabilities: np.ndarray  # (n_types,) selection probability of each member
    levels: int  # leximin levels solved
    rounds: int  # master LP solves
    pricing_calls: int  # exact integer programs solved
    seconds: float
    complete: bool = True  # False: the time limit stopped it after `levels - 1` exact levels
    level_seconds: tuple[float, ...] = ()  # seconds since the start when each level ended


class _MasterState:
    """What both masters keep: type sizes, which types are fixed and at what value."""

    def __init__(self, sizes: np.ndarray) -> None:
        self.sizes = sizes
        self.n_types = len(sizes)
        self.unfixed = np.ones(self.n_types, dtype=bool)
        self.fixed_values = np.zeros(self.n_types)
        self.h = _new_highs()

    def _settle(self, tight: np.ndarray, value: float) -> list[int]:
        """Record `tight` as fixed at `value`; the types to change in the model."""
        self.fixed_values[tight] = value
        self.unfixed &= ~tight
        return [int(t) for t in np.flatnonzero(tight)]


class _Master(_MasterState):
    """The master LP over the known panels, re-solved warm after each change.

    Rows: one per type (`coverage . lam - z >= 0` while unfixed, `coverage . lam >= f_t`
    once fixed) and the convexity row `sum lam = 1`; columns: z, then one per panel.
    One HiGHS model throughout, so that adding a panel or fixing a type keeps the simplex
    basis (a few iterations per re-solve instead of hundreds).
    """

    def __init__(self, sizes: np.ndarray) -> None:
        super().__init__(sizes)
        n, h = self.n_types, self.h
        lower = np.concatenate([np.zeros(n), [1.0]])
        upper = np.concatenate([np.full(n, highspy.kHighsInf), [1.0]])
        empty = np.array([], dtype=np.int32)
        h.addRows(n + 1, lower, upper, 0, empty, empty, np.array([]))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        h.addCol(1.0, 0.0, 1.0, n, np.arange(n, dtype=np.int32), -np.ones(n))

    def add(self, counts: np.ndarray) -> None:
        index = np.flatnonzero(counts)
        rows = np.concatenate([index, [self.n_types]]).astype(np.int32)
        values = np.concatenate([counts[index] / self.sizes[index], [1.0]])
        self.h.addCol(0.0, 0.0, highspy.kHighsInf, len(rows), rows, values)

    def fix(self, tight: np.ndarray, value: float) -> None:
        for t in self._settle(tight, value):
            self.h.changeCoeff(t, 0, 0.0)
            self.h.changeRowBounds(t, float(value), highspy.kHighsInf)

    def solve(self) -> tuple[float, np.ndarray, np.ndarray, float]:
        """(z, lambda per panel, y per type, mu)."""
        solution = _solve_optimal(self.h)
        x = np.asarray(solution.col_value)
        duals = np.asarray(solution.row_dual)
        y = np.maximum(-duals[: self.n_types], 0.0)
        return float(x[0]), np.maximum(x[1:], 0.0), y, float(duals[self.n_types])


class _DualMaster(_MasterState):
    """The master's dual LP, one row per known panel, solved by the dual simplex.

        min mu - sum_fixed f_t y_t  s.t.  sum_unfixed y_t = 1,
                                           mu - sum_t y_t count_P,t / size_t >= 0  (each P),
                                           y >= 0

    Adding a panel adds a row, which keeps the basis dual feasible, so the dual simplex
    re-solves in a few iterations; the lottery (lambda) is the row duals.
    """

    def __init__(self, sizes: np.ndarray) -> None:
        super().__init__(sizes)
        n, h = self.n_types, self.h
        h.setOptionValue("simplex_strategy", 1)
        h.addVars(n, np.zeros(n), np.full(n, highspy.kHighsInf))
        h.addVar(-highspy.kHighsInf, highspy.kHighsInf)
        h.changeColCost(n, 1.0)
        h.addRow(1.0, 1.0, n, np.arange(n, dtype=np.int32), np.ones(n))

    def add(self, counts: np.ndarray) -> None:
        index = np.flatnonzero(counts)
        cols = np.concatenate([index, [self.n_types]]).astype(np.int32)
        values = np.concatenate([-counts[index] / self.sizes[index], [1.0]])
        self.h.addRow(0.0, highspy.kHighsInf, len(cols), cols, values)

    def fix(self, tight: np.ndarray, value: float) -> None:
        for t in self._settle(tight, value):
            self.h.changeCoeff(0, t, 0.0)
            self.h.changeColCost(t, -float(value))

    def solve(self) -> tuple[float, np.ndarray, np.ndarray, float]:
        """(z, lambda per panel, y per type, mu)."""
        solution = _solve_optimal(self.h)
        x = np.asarray(solution.col_value)
        lam = np.maximum(np.abs(np.asarray(solution.row_dual)[1:]), 0.0)
        y = np.maximum(x[: self.n_types], 0.0)
        z = float(self.h.getInfo().objective_function_value)
        return z, lam, y, float(x[self.n_types])


#: The master used by `leximin_distribution` (`_DualMaster` gives the same
#: probabilities; tests compare the two).
MASTER: type[_Master] | type[_DualMaster] = _Master


def _max_support_dual(
    panels: np.ndarray,
    sizes: np.ndarray,
    unfixed: np.ndarray,
    fixed_values: np.ndarray,
    z_star: float,
    tolerance: float,
) -> np.ndarray | None:
    """Scaled optimal dual of the master with as many positive y (unfixed types) as possible.

    Over the cone of scaled optimal duals {(y, mu, s): y . coverage_P <= mu for every known
    panel, sum_unfixed y = s, mu - sum_fixed f y <= s z*}, maximise sum_unfixed min(y_t, 1).
    A type with min(y_t, 1) > 0 is in the support of some optimal dual. Returns y / s
    (an optimal dual, normalised) or None when the LP fails.
    """
    n_types = len(sizes)
    rows = np.flatnonzero(unfixed | (fixed_values > 0))
    free_rows = unfixed[rows]
    r = len(rows)
    coverage = panels[:, rows] / sizes[rows]  # panels x active types
    m = panels.shape[0]
    n_free = int(free_rows.sum())
    # variables: y (r), mu, s, w (n_free)
    n_vars = r + 2 + n_free
    blocks = []
    b_ub = []
    # y . coverage_P - mu <= 0
    blocks.append(
        sparse.hstack(
            [
                sparse.csr_matrix(coverage),
                sparse.csr_matrix(-np.ones((m, 1))),
                sparse.csr_matrix((m, 1 + n_free)),
            ]
        )
    )
    b_ub.extend([0.0] * m)
    # mu - sum_fixed f y - s z* <= s * tolerance
    row = np.zeros(n_vars)
    row[:r] = np.where(free_rows, 0.0, -fixed_values[rows])
    row[r] = 1.0
    row[r + 1] = -(z_star + tolerance)
    blocks.append(sparse.csr_matrix(row[None, :]))
    b_ub.append(0.0)
    # w_t - y_t <= 0 for free types
    free_positions = np.flatnonzero(free_rows)
    w_rows = sparse.csr_matrix(
        (
            np.concatenate([np.ones(n_free), -np.ones(n_free)]),
            (
                np.concatenate([np.arange(n_free), np.arange(n_free)]),
                np.concatenate([r + 2 + np.arange(n_free), free_positions]),
            ),
        ),
        shape=(n_free, n_vars),
    )
    blocks.append(w_rows)
    b_ub.extend([0.0] * n_free)
    a_ub = sparse.vstack(blocks).tocsr()
    # sum_free y - s = 0
    eq = np.zeros(n_vars)
    eq[free_positions] = 1.0
    eq[r + 1] = -1.0
    cost = np.zeros(n_vars)
    cost[r + 2 :] = -1.0
    scale_cap = 1e4
    bounds = [(0, None)] * r + [(None, None), (0, scale_cap)] + [(0, 1)] * n_free
    result = linprog(
        cost, A_ub=a_ub, b_ub=b_ub, A_eq=eq[None, :], b_eq=[0.0], bounds=bounds, method="highs"
    )
    if result.status != 0 or result.x[r + 1] <= 0:
        return None
    y = np.zeros(n_types)
    y[rows] = np.maximum(result.x[:r], 0.0) / result.x[r + 1]
    return y


def leximin_distribution(
    types: PoolTypes,
    panel_size: int,
    *,
    tolerance: float = 1e-7,
    time_limit: float | None = None,
    max_support: bool = True,
    smoothing: float = 0.7,
    use_relaxation: bool = True,
    progress: Progress | None = None,
) -> PanelDistribution:
    """Compute the LEXIMIN lottery over panels of `panel_size` for the typed pool.

    Deterministic for the same input (sorted types, fixed solver options, weights rounded
    to 1e-9). Raises LeximinError if no quota-meeting panel exists or a solve fails;
    check feasibility first for a readable explanation. `progress`, if given, is called
    after every peel ("Computing fair probabilities (building the lottery)", the share of
    the lottery built) and after every master solve with the share of types whose
    probability is settled and the level ("Computing fair probabilities (level 2: 40 of 183
    types settled)"); the share told never goes back, and it does not change the result.
    """
    started = time.perf_counter()
    deadline = None if time_limit is None else started + time_limit
    n_types = types.n_types
    sizes = types.sizes.astype(float)
    pricer = _Pricer(types, panel_size, time_limit)
    store = _ColumnStore(n_types)
    master = MASTER(sizes)
    incidence = types.incidence.toarray()

    def add(counts: np.ndarray) -> bool:
        if store.add(counts):
            master.add(counts)
            return True
        return False

    def add_improving(found: list[np.ndarray], price: np.ndarray, above: float) -> None:
        for counts in found:
            if float(price @ counts) > above:
                add(counts)

    shown = [0.0]  # the progress told never goes back

    def tell(fraction: float, stage: str) -> None:
        if progress is not None:
            shown[0] = max(shown[0], fraction)
            progress(shown[0], stage)

    def report_level(level: int, settled: int) -> None:
        tell(
            settled / n_types if n_types else 1.0,
            f"Computing fair probabilities (level {level}: {settled} of {n_types} types settled)",
        )

    def report(level: int) -> None:
        report_level(level, int(n_types - master.unfixed.sum()))

    if progress is not None:
        progress(0.0, "Finding panels that meet the quotas")
    # initial panels: multiplicative weights favour types not yet on any panel
    weights = np.ones(n_types)
    for _ in range(min(20, n_types)):
        counts, _, _ = pricer.best(weights / sizes)
        if counts is None:
            raise LeximinError("no panel meets the quotas")
        add(counts)
        weights = np.where(counts > 0, weights * 0.5, weights)
        if (store.matrix > 0).any(axis=0).all():
            break

    levels = rounds = 0
    complete = True
    level_ends: list[float] = []
    # first the direct way: the relaxation's LEXIMIN values, if real panels can reach them
    relaxed = _relaxation_leximin(types, panel_size) if use_relaxation else None
    decomposed = None
    # leave half the time to the level-by-level path if the direct way fails (it starts
    # from every panel found on the way)
    halfway = None if time_limit is None else started + 0.5 * time_limit
    if relaxed is not None and PEEL:
        decomposed = peel(
            pricer,
            relaxed[0],
            tolerance=tolerance,
            deadline=halfway,
            found=add,
            # half the bar: if peeling stops short, the levels fill the rest
            progress=lambda share: tell(
                share / 2, "Computing fair probabilities (building the lottery)"
            ),
        )
        if decomposed is not None:  # every level at once
            n_levels = len(relaxed[2])
            decomposed.level_seconds = [time.perf_counter() - started] * n_levels
            for level in range(n_levels):
                report_level(level + 1, int((relaxed[1] < level).sum()))
            report_level(n_levels, n_types)
    if relaxed is not None and decomposed is None:
        decomposed = _decompose(
            types,
            pricer,
            list(store.rows),
            relaxed,
            tolerance=tolerance,
            deadline=halfway,
            started=started,
            found=add,
            report=report_level,
        )
    if decomposed is not None:
        assert relaxed is not None
        levels, rounds = len(relaxed[2]), decomposed.rounds
        level_ends = decomposed.level_seconds
        solved = (decomposed.panels, decomposed.weights)
    # the level-by-level path bounds each level by the relaxation (its own model: the one
    # above has every level fixed by now)
    relaxation = _Relaxation(types, panel_size) if use_relaxation and decomposed is None else None
    while decomposed is None and master.unfixed.any() and complete:
        levels += 1
        center, center_bound, alpha = None, np.inf, smoothing
        ceiling = None if relaxation is None else relaxation.bound(master.unfixed)
        reached = False  # the master reached the relaxation's bound: optimal, no proof needed
        while True:
            rounds += 1
            z, lam, y, mu = master.solve()
            report(levels)
            if ceiling is not None and z >= ceiling[0] - tolerance:
                reached = True
                break
            if deadline is not None and time.perf_counter() > deadline:
                if levels == 1:
                    raise LeximinError("LEXIMIN did not finish its first level in the time limit")
                complete = False  # keep the exact levels found; the rest is not optimised
                break
            if rounds % 50 == 0:
                LOG.debug(
                    "  round %d: z=%.6f panels %d pricing %d %.1fs",
                    rounds,
                    z,
                    len(store.rows),
                    pricer.calls,
                    time.perf_counter() - started,
                )
            price = y / sizes
            panels = store.matrix
            found = False
            # cheap pricing: local moves from the panels the master currently uses
            for index in np.argsort(-lam, kind="stable")[: min(LOCAL_STARTS, len(lam))]:
                improved = _swap_search(types, incidence, panels[index], price, mu + tolerance)
                if improved is not None and add(improved):
                    found = True
            if found:
                continue
            # Wentges smoothing: price at a mix of the best dual so far and the current
            # one (fewer rounds on this very degenerate LP); mispricing falls back to y
            mixed = price if center is None else alpha * center + (1 - alpha) * price
            counts, bound, others = pricer.best(mixed)
            fixed_part = float(master.fixed_values @ (mixed * sizes))
            if counts is not None and bound - fixed_part < center_bound:
                center, center_bound = mixed, bound - fixed_part
            if counts is not None and float(price @ counts) > mu + tolerance and add(counts):
                add_improving(others, price, mu + tolerance)
                # more columns per master solve on large pools, where an integer program
                # costs less than a master re-solve: the best panels at other mixes of the
                # two duals (on small pools the extra programs cost more than they save)
                for share in PRICING_MIXES if n_types >= MIXES_FROM else ():
                    if center is None:
                        break
                    extra, _, more = pricer.best(share * center + (1 - share) * price)
                    add_improving([] if extra is None else [extra, *more], price, mu + tolerance)
                alpha = smoothing
                continue
            if mixed is not price:
                alpha = 0.0  # mispriced: try the current duals themselves
                center = None if center_bound - z <= tolerance else center
                rounds -= 1
                counts, bound, others = pricer.best(price)
                if counts is not None and float(price @ counts) > mu + tolerance and add(counts):
                    add_improving(others, price, mu + tolerance)
                    continue
            if bound > mu + 10 * tolerance:
                raise LeximinError("the pricing integer program did not prove optimality")
            break
        if not complete:
            solved = (store.matrix[: len(lam)].copy(), lam.copy())
            break
        # z is optimal for this level; fix the types that are provably tight
        unfixed = master.unfixed
        if reached:
            assert ceiling is not None
            tight = ceiling[1]
        else:
            tight = unfixed & (y > TIGHT_DUAL * max(float(y[unfixed].sum()), tolerance))
        if max_support and not reached and unfixed.sum() > tight.sum():
            support = _max_support_dual(
                store.matrix, sizes, unfixed, master.fixed_values, z, tolerance * 1e-2
            )
            if support is not None:
                weights = support / sizes
                counts, bound, _ = pricer.best(weights)
                known = float(np.max(store.matrix @ weights))
                LOG.debug(
                    "  max-support dual: %d types, missing panel %s",
                    int((unfixed & (support > TIGHT_DUAL)).sum()),
                    bound > known + tolerance,
                )
                if bound <= known + tolerance:
                    tight |= unfixed & (support > TIGHT_DUAL)
                elif counts is not None:
                    add(counts)  # a missing panel; the next level will use it
        if not tight.any():
            tight = unfixed & (y >= y[unfixed].max())
        master.fix(tight, z - FIX_MARGIN)
        if relaxation is not None:
            relaxation.fix(tight, z - FIX_MARGIN)
        level_ends.append(time.perf_counter() - started)
        LOG.debug(
            "level %d: z=%.6f (relaxation bound %s) fixed %d (support %d), %d left; "
            "rounds %d, pricing %d, panels %d, %.1fs",
            levels,
            z,
            "none"
            if ceiling is None
            else f"{ceiling[0]:.6f}, reached"
            if reached
            else f"{ceiling[0]:.6f}",
            tight.sum(),
            (y > tolerance).sum(),
            master.unfixed.sum(),
            rounds,
            pricer.calls,
            len(store.rows),
            time.perf_counter() - started,
        )
        solved = (store.matrix[: len(lam)].copy(), lam.copy())

    # the last master solve's lottery honours every fixed value
    panels, weights = solved
    weights = np.round(weights / PROBABILITY_GRID) * PROBABILITY_GRID
    keep = weights > 0
    panels, weights = panels[keep], weights[keep]
    order = np.lexsort(panels.T[::-1])
    panels, weights = panels[order], weights[order]
    weights = weights / weights.sum()
    probabilities = (weights @ panels) / sizes
    return PanelDistribution(
        panels=panels,
        weights=weights,
        type_probabilities=probabilities,
        levels=levels,
        rounds=rounds,
        pricing_calls=pricer.calls,
        seconds=time.perf_counter() - started,
        complete=complete,
        level_seconds=tuple(level_ends),
    )
