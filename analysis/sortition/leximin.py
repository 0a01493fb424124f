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
(figures in the README).

First, though, the direct way (`_relaxation_leximin`, `_decompose`): the LEXIMIN values
over the LINEAR RELAXATION of the panel constraints (fractional panels allowed) take one
small LP per level, milliseconds in all. The relaxation contains every lottery's
probabilities, so if some lottery over real panels reaches these values, they are the
answer. One column generation looks for that lottery (`_GoalMaster`: minimise the
shortfalls from the values; a shortfall variable per type makes the simplex far less
degenerate than max z over many rows at once) and, when it reaches zero, every level is
solved at once. When the pricing program proves that no panel reduces the shortfall (an
integrality gap: real panels cannot reach the relaxation's values), the level-by-level
method below runs, keeping the panels found, with each level's relaxation value as an
upper bound that ends the level as soon as the master reaches it.

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
from dataclasses import dataclass, replace

import highspy
import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from .pooltypes import PoolTypes

LOG = logging.getLogger(__name__)
PROBABILITY_GRID = 1e-9  # lottery weights are rounded to this before drawing
#: A type is fixed only when its dual (normalised: the unfixed duals sum to 1) is at least
#: this. Complementary slackness is only approximate when the pricing program proves
#: optimality to `tolerance`: a type with dual d may still be below the optimum by up to
#: tolerance / d, so a tiny positive dual proves nothing (a threshold of 1e-6 once fixed
#: two types 0.012 below their leximin value on a household pool).
TIGHT_DUAL = 1e-4
LOCAL_STARTS = 3  # local moves start from the master's 3 heaviest panels
#: After a column from the smoothed duals, also price at these mixes (share of the
#: stability center) on pools of at least MIXES_FROM types: several columns per re-solve.
PRICING_MIXES: tuple[float, ...] = ()  # (0.0, 0.4) with `_DualMaster`: see README
MIXES_FROM = 200
#: Local-move starts per round when decomposing the relaxation's values (`_decompose`):
#: its master re-solve costs more than a search, so more columns per round pay.
DECOMPOSE_STARTS = 10
#: Rounding allowance on the optimal-face rows of the decomposition's integer program
#: (duals scaled to a largest of 1, so a row's left side is at most the panel size).
FACE_SLACK = 1e-6
#: The decomposition drops a panel from its master after this many solves without
#: weight (0: never). Off: tested to keep the optimum, but slower on the 925-type pool
#: (30: never triggers; 5: cheaper re-solves but slower convergence; see the README).
PRUNE_AFTER = 0

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


class LeximinError(RuntimeError):
    """The solver failed (numerical trouble or the time limit); the message says which."""


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


class _Pricer:
    """Best panels for given weights per type: the exact integer program (HiGHS).

    Keeps one HiGHS model and only changes the objective between calls. Returns the
    optimum and the other improving solutions HiGHS met on the way, which are often good
    columns too.
    """

    def __init__(self, types: PoolTypes, panel_size: int, time_limit: float | None) -> None:
        self.types = types
        self.panel_size = panel_size
        self.time_limit = time_limit
        self.calls = 0
        self.h = h = _new_highs()
        n = types.n_types
        # no presolve: on these small programs it cost more than it saved (pricing 27%
        # faster without it on the 925-type pool, same optima)
        h.setOptionValue("mip_rel_gap", 1e-9)
        h.setOptionValue("mip_improving_solution_save", True)
        if time_limit is not None:
            h.setOptionValue("time_limit", float(max(time_limit, 1.0)))
        h.addVars(n, np.zeros(n), types.upper.astype(float))
        h.changeColsIntegrality(
            n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n)
        )
        rows = [types.incidence, sparse.csr_matrix(np.ones((1, n)))]
        lower = [types.mins, [panel_size]]
        upper = [types.maxs, [panel_size]]
        for extra in types.constraints(panel_size)[2:]:
            rows.append(sparse.csr_matrix(extra.A))
            lower.append(np.broadcast_to(extra.lb, extra.A.shape[0]))
            upper.append(np.broadcast_to(extra.ub, extra.A.shape[0]))
        matrix = sparse.vstack(rows).tocsr()
        h.addRows(
            matrix.shape[0],
            np.concatenate(lower).astype(float),
            np.concatenate(upper).astype(float),
            matrix.nnz,
            matrix.indptr[:-1].astype(np.int32),
            matrix.indices.astype(np.int32),
            matrix.data.astype(float),
        )
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)

    def restricted(self, rows: np.ndarray, lower: np.ndarray) -> _Pricer:
        """A new pricer whose panels also satisfy rows . counts >= lower."""
        other = _Pricer(self.types, self.panel_size, self.time_limit)
        dense = sparse.csr_matrix(rows)
        other.h.addRows(
            dense.shape[0],
            lower.astype(float),
            np.full(dense.shape[0], highspy.kHighsInf),
            dense.nnz,
            dense.indptr[:-1].astype(np.int32),
            dense.indices.astype(np.int32),
            dense.data.astype(float),
        )
        return other

    def best(self, weights: np.ndarray) -> tuple[np.ndarray | None, float, list[np.ndarray]]:
        """(counts of a best panel, upper bound on the best value, other good panels)."""
        self.calls += 1
        h = self.h
        n = self.types.n_types
        h.changeColsCost(n, np.arange(n, dtype=np.int32), weights.astype(float))
        h.run()
        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            if status == highspy.HighsModelStatus.kInfeasible:
                return None, -np.inf, []
            raise LeximinError(
                "the pricing integer program failed: " + h.modelStatusToString(status)
            )
        counts = np.rint(np.asarray(h.getSolution().col_value)).astype(np.int64)
        bound = float(h.getInfo().mip_dual_bound)
        others = [
            np.rint(np.asarray(saved.col_value)).astype(np.int64)
            for saved in h.getSavedMipSolutions()
        ]
        others = [o for o in others if self.types.is_feasible_panel(o, self.panel_size)]
        value = float(weights @ counts)
        return counts, max(bound, value), others


class _ColumnStore:
    """Panels found so far (counts per type), without duplicates, in discovery order."""

    def __init__(self, n_types: int) -> None:
        self.rows: list[np.ndarray] = []
        self.seen: set[bytes] = set()
        self.n_types = n_types
        self._matrix: np.ndarray | None = None

    def add(self, counts: np.ndarray) -> bool:
        key = counts.astype(np.int64).tobytes()
        if key in self.seen:
            return False
        self.seen.add(key)
        self.rows.append(counts.astype(np.int64))
        self._matrix = None
        return True

    @property
    def matrix(self) -> np.ndarray:
        if self._matrix is None:
            self._matrix = np.array(self.rows, dtype=np.int64).reshape(-1, self.n_types)
        return self._matrix


def _best_moves(
    weights: np.ndarray, add_idx: np.ndarray, remove_idx: np.ndarray, candidates: int
) -> tuple[np.ndarray, np.ndarray]:
    """The `candidates` moves (add a seat to type a, remove one from type r) of largest
    positive gain weights[a] - weights[r], best first (ties: smaller a, then smaller r).

    Without forming every pair: with the adds sorted by weight (best first) and the
    removes likewise (cheapest first), the pair of ranks (i, j) (from 1) is beaten or
    matched by all i * j pairs of ranks (<= i, <= j), so only pairs with i * j <= candidates
    can be among the best `candidates`: about candidates * ln(candidates) pairs instead of
    |adds| * |removes| (which was most of the time of a level on a 900-type pool).
    """
    adds = add_idx[np.argsort(-weights[add_idx], kind="stable")]
    removes = remove_idx[np.argsort(weights[remove_idx], kind="stable")]
    i, j = _rank_pairs(candidates)
    keep = (i < len(adds)) & (j < len(removes))
    a, r = adds[i[keep]], removes[j[keep]]
    gain = weights[a] - weights[r]
    positive = gain > 1e-12
    a, r, gain = a[positive], r[positive], gain[positive]
    if len(gain) > candidates:
        top = np.argpartition(-gain, candidates - 1)[:candidates]
        a, r, gain = a[top], r[top], gain[top]
    order = np.lexsort((r, a, -gain))
    return a[order], r[order]


_RANK_PAIRS: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _rank_pairs(candidates: int) -> tuple[np.ndarray, np.ndarray]:
    """0-based rank pairs (i, j) with (i + 1) * (j + 1) <= candidates (cached)."""
    if candidates not in _RANK_PAIRS:
        i = np.concatenate([np.full(candidates // (x + 1), x) for x in range(candidates)])
        j = np.concatenate([np.arange(candidates // (x + 1)) for x in range(candidates)])
        _RANK_PAIRS[candidates] = (i, j)
    return _RANK_PAIRS[candidates]


def _swap_search(
    types: PoolTypes,
    incidence: np.ndarray,
    start: np.ndarray,
    weights: np.ndarray,
    target: float,
    max_moves: int = 60,
    candidates: int = 256,
) -> np.ndarray | None:
    """Improve a panel by moving one seat from one type to another, keeping every quota.

    Steepest ascent among the `candidates` best-gaining moves; returns the local optimum
    if its weight exceeds `target`, else None. Cheap compared with the exact integer
    program, and often enough while the duals move little between rounds. Household-aware:
    a seat may move into a household only if that household has no one on the panel yet
    (or the seat leaves the same household), so every panel found keeps one per household.
    """
    counts = start.copy()
    per_value = incidence @ counts
    group_of = types.household_group_of
    grouped = bool(types.household_groups)
    if grouped:
        seated = np.bincount(
            group_of[group_of >= 0],
            weights=counts[group_of >= 0],
            minlength=len(types.household_groups),
        )
    for _ in range(max_moves):
        add_idx = np.flatnonzero(counts < types.upper)
        remove_idx = np.flatnonzero(counts > 0)
        if not len(add_idx) or not len(remove_idx):
            break
        a, r = _best_moves(weights, add_idx, remove_idx, candidates)
        if not len(a):
            break
        after = per_value[:, None] + incidence[:, a] - incidence[:, r]
        ok = ((after >= types.mins[:, None]) & (after <= types.maxs[:, None])).all(axis=0)
        if grouped:
            into = group_of[a]
            ok &= (into < 0) | (seated[np.maximum(into, 0)] == 0) | (into == group_of[r])
        hits = np.flatnonzero(ok)
        if not len(hits):
            break
        best = hits[0]
        counts[a[best]] += 1
        counts[r[best]] -= 1
        per_value = after[:, best]
        if grouped:
            if group_of[a[best]] >= 0:
                seated[group_of[a[best]]] += 1
            if group_of[r[best]] >= 0:
                seated[group_of[r[best]]] -= 1
    return counts if float(weights @ counts) > target else None


def _solve_optimal(h: highspy.Highs) -> highspy.HighsSolution:
    """Re-solve a master LP (warm); on numerical trouble rebuild from scratch once."""
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        h.clearSolver()
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise LeximinError(
                "the master linear program failed: " + h.modelStatusToString(h.getModelStatus())
            )
    return h.getSolution()


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


def _new_highs() -> highspy.Highs:
    """A HiGHS model (the HiGHS project's own `highspy`, pinned) with deterministic options."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("threads", 1)
    h.setOptionValue("presolve", "off")
    h.setOptionValue("simplex_strategy", 4)
    return h


class _Relaxation:
    """The level program over the LINEAR RELAXATION of the panel constraints: an upper
    bound on each level's value, and a certificate of which types it fixes.

    Panels are integer points of the polytope R = {x: quotas, households, sum x = k,
    0 <= x <= upper}; every lottery's expected counts lie in conv(panels), a subset of R.
    So max z s.t. x in R, x_t / size_t >= z (unfixed), >= f_t (fixed) bounds the master's
    optimum from above, and one LP on the types (milliseconds) gives it. When the master
    reaches this bound the level is optimal without the pricing program having to prove it
    (the long tail of column generation), and a type with a positive dual in the
    relaxation is at z in every optimal solution of the relaxation, so also in every
    optimal lottery (each is feasible for the relaxation, at the same z): it is fixed.
    When the bound is not reached (the integer panels cannot realise it), the level ends
    as before, proved by the pricing program.
    """

    def __init__(self, types: PoolTypes, panel_size: int) -> None:
        self.sizes = sizes = types.sizes.astype(float)
        n = self.n_types = types.n_types
        self.h = h = _new_highs()
        h.setOptionValue("primal_feasibility_tolerance", 1e-9)
        h.setOptionValue("dual_feasibility_tolerance", 1e-9)
        h.setOptionValue("simplex_strategy", 1)
        h.addVars(n, np.zeros(n), types.upper.astype(float))
        # z, column n, unbounded above (x_t <= upper_t bounds it): at the optimum it is
        # basic, so the type rows carry its whole dual (sum_t size_t y_t = 1)
        h.addVar(0.0, highspy.kHighsInf)
        h.changeColCost(n, 1.0)
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        constraints = types.constraints(panel_size)
        matrix = sparse.vstack([sparse.csr_matrix(c.A) for c in constraints]).tocsr()
        lower = np.concatenate([np.broadcast_to(c.lb, c.A.shape[0]) for c in constraints])
        upper = np.concatenate([np.broadcast_to(c.ub, c.A.shape[0]) for c in constraints])
        h.addRows(
            matrix.shape[0],
            lower.astype(float),
            upper.astype(float),
            matrix.nnz,
            matrix.indptr[:-1].astype(np.int32),
            matrix.indices.astype(np.int32),
            matrix.data.astype(float),
        )
        self.face: tuple[np.ndarray, float] = (np.zeros(n), 0.0)  # of the last bound
        self.first = matrix.shape[0]  # then one row per type: x_t - size_t z >= 0
        starts = np.arange(0, 2 * n, 2, dtype=np.int32)
        index = np.column_stack([np.arange(n), np.full(n, n)]).ravel().astype(np.int32)
        values = np.column_stack([np.ones(n), -sizes]).ravel()
        h.addRows(n, np.zeros(n), np.full(n, highspy.kHighsInf), 2 * n, starts, index, values)

    def fix(self, tight: np.ndarray, value: float) -> None:
        for t in np.flatnonzero(tight):
            row = self.first + int(t)
            self.h.changeCoeff(row, self.n_types, 0.0)
            self.h.changeRowBounds(row, float(value * self.sizes[t]), highspy.kHighsInf)

    def bound(self, unfixed: np.ndarray) -> tuple[float, np.ndarray] | None:
        """(upper bound on this level's z, the types it proves tight), or None if the LP
        fails (then the level is proved by the pricing program alone)."""
        h = self.h
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            h.clearSolver()
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                return None
        solution = h.getSolution()
        z = float(solution.col_value[self.n_types])
        rows = slice(self.first, self.first + self.n_types)
        # normalised duals: sum over unfixed types of size_t * y_t is 1 (the z column)
        share = np.maximum(-np.asarray(solution.row_dual[rows]), 0.0) * self.sizes
        share = share / max(float(share[unfixed].sum()), 1e-12)
        slack = np.asarray(solution.row_value[rows]) / self.sizes  # p_t - z (unfixed)
        tight = unfixed & (share > TIGHT_DUAL) & (slack <= 1e-9)
        if not tight.any():
            return None
        # the level's optimal face: max over the relaxation of y . counts is y . x* (LP
        # duality), and every panel of an optimal lottery attains it (see `_decompose`)
        y = np.maximum(-np.asarray(solution.row_dual[rows]), 0.0)
        y = y / max(float(y.max()), 1e-12)
        self.face = (y, float(y @ np.asarray(solution.col_value[: self.n_types])))
        return z, tight


#: The relaxation's LEXIMIN: value per type, level per type, value per level, and each
#: level's optimal face (y, m): y . counts <= m for every panel, with equality for every
#: panel of a lottery that reaches the values.
Relaxed = tuple[np.ndarray, np.ndarray, list[float], list[tuple[np.ndarray, float]]]


def _relaxation_leximin(types: PoolTypes, panel_size: int) -> Relaxed | None:
    """The LEXIMIN probabilities over the linear relaxation (no integer panels): one LP per
    level on the types, milliseconds in all. Returns (value per type, level per type from 0,
    value per level, faces), levels of equal value merged, or None when an LP fails.

    The relaxation contains every lottery's probabilities, so when some lottery over real
    panels reaches these values they are its LEXIMIN answer too (the leximin point of a set
    that lies in a subset is the subset's): `_decompose` looks for that lottery.
    """
    relaxation = _Relaxation(types, panel_size)
    n = types.n_types
    faces: list[tuple[np.ndarray, float]] = []
    unfixed = np.ones(n, dtype=bool)
    values = np.zeros(n)
    level_of = np.zeros(n, dtype=np.int64)
    level_values: list[float] = []
    while unfixed.any():
        found = relaxation.bound(unfixed)
        if found is None:
            return None
        z, tight = found
        if level_values and z < level_values[-1] - 1e-9:
            return None  # numerical trouble: leave it to the level-by-level path
        if not level_values or z > level_values[-1] + 1e-9:
            level_values.append(z)
        faces.append(relaxation.face)
        values[tight] = z
        level_of[tight] = len(level_values) - 1
        unfixed &= ~tight
        relaxation.fix(tight, z)
    return values, level_of, level_values, faces


class _GoalMaster:
    """The lottery over known panels closest to a target vector of probabilities:

        min sum_t size_t a_t  s.t.  sum_P lam_P count_P,t / size_t + a_t >= target_t,
                                    sum_P lam_P = 1, lam >= 0, a >= 0

    At 0 the lottery gives every type at least its target, hence exactly its target when
    the targets use the whole panel (sum_t size_t target_t = panel size). Each shortfall
    has its own variable, so the simplex is far less degenerate than max z over all rows
    at once. Columns: the n shortfalls, then one per panel.
    """

    def __init__(self, sizes: np.ndarray, target: np.ndarray) -> None:
        self.sizes = sizes
        n = self.n_types = len(sizes)
        self.h = h = _new_highs()
        empty = np.array([], dtype=np.int32)
        h.addRows(n, target.astype(float), np.full(n, highspy.kHighsInf), 0, empty, empty, [])
        h.addRow(1.0, 1.0, 0, empty, np.array([]))
        starts = np.arange(n, dtype=np.int32)
        h.addCols(
            n, sizes, np.zeros(n), np.full(n, highspy.kHighsInf), n, starts, starts, np.ones(n)
        )
        self.store = _ColumnStore(n)
        self.idle = np.zeros(0, dtype=np.int64)  # solves without weight, per panel

    @property
    def panels(self) -> list[np.ndarray]:
        return self.store.rows

    def add(self, counts: np.ndarray) -> bool:
        if not self.store.add(counts):
            return False
        index = np.flatnonzero(counts)
        rows = np.concatenate([index, [self.n_types]]).astype(np.int32)
        values = np.concatenate([counts[index] / self.sizes[index], [1.0]])
        self.h.addCol(0.0, 0.0, highspy.kHighsInf, len(rows), rows, values)
        return True

    def prune(self, lam: np.ndarray, idle_after: int) -> np.ndarray:
        """Drop the panels without weight in the last `idle_after` solves (they stay with
        the caller; pricing adds one back if it helps again): the re-solves grow with the
        number of columns. Returns which panels are kept (a mask over `lam`)."""
        previous = np.zeros(len(lam), dtype=np.int64)
        previous[: len(self.idle)] = self.idle
        idle = self.idle = np.where(lam > 0, 0, previous + 1)
        drop = np.flatnonzero(idle > idle_after)
        keep = np.ones(len(lam), dtype=bool)
        if len(drop) < max(50, len(lam) // 10):
            return keep
        self.h.deleteCols(len(drop), (self.n_types + drop).astype(np.int32))
        keep[drop] = False
        rows = [row for row, kept in zip(self.store.rows, keep, strict=True) if kept]
        self.store = _ColumnStore(self.n_types)
        for row in rows:
            self.store.add(row)
        self.idle = idle[keep]
        return keep

    def solve(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """(shortfall per type, lambda per panel, y per type, threshold): a panel improves
        the lottery when (y / size) . counts > threshold."""
        solution = _solve_optimal(self.h)
        x = np.asarray(solution.col_value)
        duals = np.asarray(solution.row_dual)
        n = self.n_types
        return x[:n], np.maximum(x[n:], 0.0), np.maximum(duals[:n], 0.0), -float(duals[n])


@dataclass
class _Decomposition:
    """A lottery found by `_decompose`: `panels` (rows) drawn with `weights`."""

    panels: np.ndarray
    weights: np.ndarray
    rounds: int
    level_seconds: list[float]


def _decompose(
    types: PoolTypes,
    pricer: _Pricer,
    start: list[np.ndarray],
    relaxed: Relaxed,
    *,
    tolerance: float,
    deadline: float | None,
    started: float,
    found: Callable[[np.ndarray], object],
    report: Callable[[int, int], None],
) -> _Decomposition | None:
    """A lottery over panels whose probabilities are the relaxation's LEXIMIN values, by
    column generation on `_GoalMaster` (local moves from the heaviest panels, then the exact
    integer program, each round). None when the integer program proves that no panel
    brings the lottery closer (the values are out of reach of real panels: the caller
    goes level by level) or the deadline passes. `found` is told every new panel;
    `report(level, settled)` the lowest level not yet reached after each master solve.
    """
    faces = relaxed[3]
    # Only panels on every level's optimal face can carry weight in a lottery reaching the
    # values (each has y . counts <= m and their mean has y . mean >= m), so the integer
    # program looks only there: far fewer panels to choose from. A face cut too tight by
    # rounding only makes the search fail, and then the levels run: never a wrong answer.
    face_y = np.array([y for y, _ in faces])
    face_m = np.array([m for _, m in faces]) - FACE_SLACK
    on_faces = pricer.restricted(face_y, face_m)
    try:
        target, level_of, level_values, _ = relaxed
        sizes = types.sizes.astype(float)
        # the local moves keep each face row like a quota (between m and m + 2 * slack), so
        # they only move a seat between types of the same dual on every face
        types = replace(
            types,
            incidence=sparse.vstack([types.incidence, sparse.csr_matrix(face_y)]).tocsr(),
            mins=np.concatenate([types.mins, face_m]),
            maxs=np.concatenate([types.maxs, face_m + 2 * FACE_SLACK]),
        )
        incidence = types.incidence.toarray()
        master = _GoalMaster(sizes, target)
        for counts in start:
            master.add(counts)
        n_levels = len(level_values)
        reached_level = 0  # levels below this one have every type at its value
        level_ends: list[float] = []
        rounds = 0
        while True:
            rounds += 1
            short, lam, y, threshold = master.solve()
            below = level_of[short > tolerance]
            lowest = int(below.min()) if len(below) else n_levels
            # one progress line per level, also for levels reached in the same solve
            report(min(reached_level + 1, n_levels), int((level_of < reached_level).sum()))
            while reached_level < lowest:
                reached_level += 1
                level_ends.append(time.perf_counter() - started)
                if reached_level < n_levels:
                    report(reached_level + 1, int((level_of < reached_level).sum()))
            if not len(below):
                chosen = np.array(master.panels, dtype=np.int64)
                return _Decomposition(chosen, lam, rounds, level_ends)
            if rounds % 50 == 0:
                LOG.debug(
                    "  decomposition round %d: shortfall %.3g people, level %d, panels %d, "
                    "pricing %d, %.1fs",
                    rounds,
                    float(sizes @ short),
                    reached_level + 1,
                    len(master.panels),
                    on_faces.calls,
                    time.perf_counter() - started,
                )
            if deadline is not None and time.perf_counter() > deadline:
                return None
            if PRUNE_AFTER:
                lam = lam[master.prune(lam, PRUNE_AFTER)]
            price = y / sizes
            above = threshold + tolerance * 1e-2
            improved = False
            known = master.panels
            for index in np.argsort(-lam, kind="stable")[: min(DECOMPOSE_STARTS, len(lam))]:
                better = _swap_search(types, incidence, known[index], price, above)
                on_face = better is not None and bool((face_y @ better >= face_m).all())
                if better is not None and on_face and master.add(better):
                    found(better)
                    improved = True
            counts, bound, others = on_faces.best(price)
            for candidate in [] if counts is None else [counts, *others]:
                if float(price @ candidate) > above and master.add(candidate):
                    found(candidate)
                    improved = True
            if not improved:
                if bound > above:
                    raise LeximinError("the pricing integer program did not prove optimality")
                LOG.debug("decomposition: the relaxation's values are out of reach; by levels")
                return None
    finally:
        pricer.calls += on_faces.calls


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
    after every master solve with the share of types whose probability is settled and the
    level ("Computing fair probabilities (level 2: 40 of 183 types settled)"); it does not
    change the result.
    """
    started = time.perf_counter()
    deadline = None if time_limit is None else started + time_limit
    n_types = types.n_types
    sizes = types.sizes.astype(float)
    pricer = _Pricer(types, panel_size, time_limit)
    store = _ColumnStore(n_types)
    master = MASTER(sizes)
    relaxation = _Relaxation(types, panel_size) if use_relaxation else None
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

    def report(level: int) -> None:
        if progress is not None:
            settled = int(n_types - master.unfixed.sum())
            progress(
                settled / n_types if n_types else 1.0,
                f"Computing fair probabilities (level {level}: {settled} of {n_types} "
                "types settled)",
            )

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
    if relaxed is not None:

        def report_level(level: int, settled: int) -> None:
            if progress is not None:
                progress(
                    settled / n_types if n_types else 1.0,
                    f"Computing fair probabilities (level {level}: {settled} of {n_types} "
                    "types settled)",
                )

        decomposed = _decompose(
            types,
            pricer,
            list(store.rows),
            relaxed,
            tolerance=tolerance,
            # leave half the time to the level-by-level path if this fails (it starts
            # from every panel found here)
            deadline=None if time_limit is None else started + 0.5 * time_limit,
            started=started,
            found=add,
            report=report_level,
        )
    if decomposed is not None:
        assert relaxed is not None
        levels, rounds = len(relaxed[2]), decomposed.rounds
        level_ends = decomposed.level_seconds
        solved = (decomposed.panels, decomposed.weights)
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
        master.fix(tight, z)
        if relaxation is not None:
            relaxation.fix(tight, z)
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
