"""The direct way to LEXIMIN (leximin.py's docstring gives the method): the LEXIMIN values
over the linear relaxation of the panel constraints (`_relaxation_leximin`, one small LP
per level), and one column generation that looks for a lottery of real panels reaching
them (`_GoalMaster`, `_decompose`), searching only on each level's optimal face; it runs
when peeling (peeling.py, tried first and much quicker) stops short, starting from the
panels peeling found. Part of the pure `analysis.sortition` library."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import highspy
import numpy as np
from scipy import sparse

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

LOG = logging.getLogger(__name__)
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
        for panel in start:
            master.add(panel)
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
