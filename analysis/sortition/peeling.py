"""The quick way to a lottery reaching the relaxation's LEXIMIN values: peel panels off
the target one at a time, with no master LP (leximin.py's docstring gives the method;
the column generation in relaxation.py is the fallback). Part of the pure
`analysis.sortition` library.

The target is the vector of expected counts c_t = value_t * size_t, a point of the
polytope R of the linear relaxation (quotas, households, panel size, 0 <= x <= upper).
A lottery reaching it writes c as a mix of integer points of R (panels). Peeling builds
that mix directly (Caratheodory's construction, with an integer program to find each
point):

    r = c, weight left W = 1
    repeat: find a panel x on the smallest face of R that holds r (every constraint
            tight at r is tight at x; an integer program)
            alpha = the largest step with r' = (r - alpha x) / (1 - alpha) still in R
                    (a ratio test: for each constraint, r's slack over x's slack)
            give x the weight alpha * W; W = W (1 - alpha); r = r'

At the largest step some constraint that x leaves slack becomes tight at r', so the face
shrinks at every peel and no panel comes twice; the weights left shrink geometrically.
Every panel found is a real panel, so when W reaches `PEEL_REST` the mix gives every type
its value up to W: the relaxation's values are reached and they are the LEXIMIN answer.
If the integer program finds no panel on some face, r has left the panels' hull (the
relaxation promises what real panels cannot give, or this path chose badly): peeling
stops and the column generation carries on from the panels found.

The integer program needs only some panel on the face, not the best one, so it stops at
a 10% gap; its objective steers towards long steps: a step is as short as the smallest
r_t / x_t over the types on the panel (and (upper_t - r_t) / (upper_t - x_t) over the
others), so types with little left are expensive to seat and types near their upper
bound are expensive to leave out.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

import highspy
import numpy as np
from scipy import sparse

from .pricing import _Pricer
from .relaxation import _Decomposition

LOG = logging.getLogger(__name__)
#: Peeling stops when this much weight is left (the lottery's weights are rounded to 1e-9
#: anyway): every type is then within this of its value.
PEEL_REST = 1e-9
#: Relative gap at which the peeling integer program stops: any panel on the face will do.
PEEL_GAP = 0.1
#: A constraint counts as tight at r when its slack is at most this (plus the rounding of
#: the counts left, which grows as the weight left shrinks).
TIGHT_SLACK = 1e-9
#: Peeling gives up after this many steps in a row shorter than MEAGRE_STEP (each should
#: make a constraint tight for good; rounding could keep one switching instead).
MEAGRE_STEP = 1e-12
MOST_MEAGRE = 20
#: The objective's 1 / slack is capped at this (types with almost nothing left).
MOST_COST = 1e4


class _FaceProgram:
    """The integer program for one peel: a panel on the face of R that holds r.

    One HiGHS model (a copy of the pricing program's); each peel changes
    only the bounds (the constraints tight at r become equalities) and the objective.
    """

    def __init__(self, pricer: _Pricer, deadline: float | None) -> None:
        types = pricer.types
        # a copy (its bounds change here). The levels' optimal-face rows are not added:
        # every constraint tight at r is tight at x, so x lies on r's smallest face, hence
        # on every face that holds r (with those rows: 4-50% slower, same success)
        self.h = pricer.restricted(np.zeros((0, types.n_types)), np.zeros(0)).h
        self.pricer = pricer  # its count of integer programs includes these
        self.deadline = deadline
        self.h.setOptionValue("mip_rel_gap", PEEL_GAP)
        self.h.setOptionValue("mip_improving_solution_save", False)
        self.n = types.n_types
        self.n_quotas = len(types.mins)

    def panel(
        self,
        lower: np.ndarray,
        upper: np.ndarray,
        row_lower: np.ndarray,
        row_upper: np.ndarray,
        cost: np.ndarray,
    ) -> np.ndarray | None:
        """A panel with lower <= x <= upper per type and the quota rows, then the
        households' rows, within row_lower..row_upper; or None if there is none."""
        h, n = self.h, self.n
        every = np.arange(n, dtype=np.int32)
        h.changeColsBounds(n, every, lower.astype(float), upper.astype(float))
        for row, (low, high) in enumerate(zip(row_lower, row_upper, strict=True)):
            # the model's panel-size row sits between the quota and the household rows
            h.changeRowBounds(row if row < self.n_quotas else row + 1, float(low), float(high))
        h.changeColsCost(n, every, cost.astype(float))
        self.pricer.calls += 1
        if self.deadline is not None:  # HiGHS's time limit is per run (measured)
            h.setOptionValue("time_limit", max(self.deadline - time.perf_counter(), 0.1))
        h.run()
        status = h.getModelStatus()
        feasible = h.getInfo().primal_solution_status == highspy.kSolutionStatusFeasible
        if status != highspy.HighsModelStatus.kOptimal and not feasible:
            return None  # no panel on this face (or none found in the time allowed)
        return np.rint(np.asarray(h.getSolution().col_value)).astype(np.int64)


def _largest_step(
    r: np.ndarray,
    x: np.ndarray,
    upper: np.ndarray,
    rows: sparse.csr_matrix,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
) -> float:
    """The largest alpha <= 1 with (r - alpha x) / (1 - alpha) in R: for every bound,
    r's slack over x's slack where x has some."""
    steps = [np.array([1.0])]
    seated = x > 0
    steps.append(r[seated] / x[seated])
    room = x < upper
    steps.append((upper[room] - r[room]) / (upper[room] - x[room]))
    at_r, at_x = rows @ r, rows @ x
    above = at_x > row_lower
    steps.append((at_r[above] - row_lower[above]) / (at_x[above] - row_lower[above]))
    below = at_x < row_upper
    steps.append((row_upper[below] - at_r[below]) / (row_upper[below] - at_x[below]))
    return float(max(min(float(s.min()) for s in steps if len(s)), 0.0))


def peel(
    pricer: _Pricer,
    values: np.ndarray,
    *,
    tolerance: float,
    deadline: float | None,
    found: Callable[[np.ndarray], object],
    progress: Callable[[float], None],
) -> _Decomposition | None:
    """A lottery whose probabilities are `values` (per type, a point of the relaxation),
    by peeling (the module docstring gives the method; `rounds` counts the peels, and
    `level_seconds` is left to the caller), or None when a face has no panel,
    the deadline passes, or a step fails numerically; `found` is told every panel (the
    column generation starts from them then). `progress(fraction)` after every peel; the
    integer programs count in `pricer.calls`."""
    types, panel_size = pricer.types, pricer.panel_size
    program = _FaceProgram(pricer, deadline)
    sizes = types.sizes.astype(float)
    upper = types.upper.astype(float)
    n = types.n_types
    households = [sparse.csr_matrix(c.A) for c in types.constraints(panel_size)[2:]]
    rows = sparse.vstack([types.incidence, *households]).tocsr()
    household_rows = rows.shape[0] - len(types.mins)
    row_lower = np.concatenate([types.mins, np.zeros(household_rows)])
    row_upper = np.concatenate([types.maxs, np.ones(household_rows)])
    left = values * sizes  # the counts still to cover, times the weight left
    weight = 1.0
    panels: list[np.ndarray] = []
    weights: list[float] = []
    stalled = 0  # steps in a row shorter than MEAGRE_STEP
    # every peel makes one more constraint tight for good: bounds, quota and household rows
    for peels in range(1, 2 * (n + rows.shape[0]) + 10):
        if deadline is not None and time.perf_counter() > deadline:
            return None
        r = left / weight
        slack = TIGHT_SLACK + 1e-13 / weight
        at_rows = rows @ r
        # every bound tight at r is held by the panel too: r's smallest face
        x = program.panel(
            np.where(r >= upper - slack, upper, 0.0),
            np.where(r <= slack, 0.0, upper),
            np.where(at_rows >= row_upper - slack, row_upper, row_lower),
            np.where(at_rows <= row_lower + slack, row_lower, row_upper),
            np.minimum(1 / np.maximum(upper - r, 1e-12), MOST_COST)
            - np.minimum(1 / np.maximum(r, 1e-12), MOST_COST),
        )
        if x is None or not types.is_feasible_panel(x, panel_size):
            if weight <= tolerance:
                break  # every type is within the tolerance of its value already
            # r has left the panels' hull (taking back the last step and excluding its
            # panel was tried: on the pools where this happens it ended at the same point)
            LOG.debug("peeling: no panel on the face after %d peels (%.3g left)", peels, weight)
            return None
        alpha = _largest_step(r, x, upper, rows, row_lower, row_upper)
        if alpha <= 0.0:
            LOG.debug("peeling: a panel off the face after %d peels", peels)
            return None
        stalled = stalled + 1 if alpha < MEAGRE_STEP else 0
        if stalled > MOST_MEAGRE:  # rounding keeps a constraint between tight and slack
            LOG.debug("peeling: %d meagre steps in a row after %d peels", stalled, peels)
            return None
        found(x)
        panels.append(x)
        weights.append(alpha * weight)
        left = np.maximum(left - alpha * weight * x, 0.0)
        weight *= 1.0 - alpha
        progress(min(1.0, math.log(max(weight, PEEL_REST)) / math.log(PEEL_REST)))
        if weight <= PEEL_REST:
            break
    else:
        return None
    lottery = np.array(weights) / sum(weights)
    chosen = np.array(panels, dtype=np.int64)
    # half the tolerance: the caller rounds the weights to 1e-9 afterwards
    if np.abs((lottery @ chosen) / sizes - values).max() > tolerance / 2:
        LOG.debug("peeling: the mix missed the values; by column generation")
        return None
    return _Decomposition(chosen, lottery, len(panels), [])
