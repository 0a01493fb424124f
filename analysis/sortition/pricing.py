"""The columns of LEXIMIN's column generation, shared by the level-by-level method
(leximin.py) and the direct way through the linear relaxation (relaxation.py): the exact
pricing integer program (HiGHS MIP), the store of panels found, the quick local moves
(swaps) that find improving panels under given weights per type, and HiGHS set up the
same way everywhere. Part of the pure `analysis.sortition` library."""

from __future__ import annotations

import logging

import highspy
import numpy as np
from scipy import sparse

from .pooltypes import PoolTypes

LOG = logging.getLogger(__name__)
#: A type is fixed only when its dual (normalised: the unfixed duals sum to 1) is at least
#: this. Complementary slackness is only approximate when the pricing program proves
#: optimality to `tolerance`: a type with dual d may still be below the optimum by up to
#: tolerance / d, so a tiny positive dual proves nothing (a threshold of 1e-6 once fixed
#: two types 0.012 below their leximin value on a household pool).
TIGHT_DUAL = 1e-4


class LeximinError(RuntimeError):
    """The solver failed (numerical trouble or the time limit); the message says which."""


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
        lower: list[np.ndarray] = [types.mins, np.array([panel_size])]
        upper: list[np.ndarray] = [types.maxs, np.array([panel_size])]
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


def _new_highs() -> highspy.Highs:
    """A HiGHS model (the HiGHS project's own `highspy`, pinned) with deterministic options."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("threads", 1)
    h.setOptionValue("presolve", "off")
    h.setOptionValue("simplex_strategy", 4)
    return h
