"""The Method of Equal Shares (MES) with cost utilities, and its Add1 completion.

Room: `analysis/pb/`. Every voter gets an equal share of the budget. In each round, each
project still in play asks its supporters to pay its cost; a supporter who gave it `p`
points pays `min(money left, q * p)`, and `q` is the least value that covers the cost
(approval ballots: `p = 1`, so `q` is the most any supporter pays and the others pay all
they have left). Projects whose supporters together hold less than the cost drop out. The
project with the highest *effective vote count* `cost / q` is funded (an exact tie goes to
the published `TieBreak`), its supporters pay, and the next round starts; the method stops
when no project can be paid for. This is the equalshares.net computation.

Add1 raises every voter's share by one whole currency unit at a time, starting from
budget / voters, and keeps the last outcome that still fits the real budget: it stops at
the first raise whose outcome would overspend. It does not stop early when an outcome is
already exhaustive (equalshares.net does not; with that early stop one real city's 30
winners are not reproduced). It stops without a further raise only when every project with
a supporter is funded (nothing can change any more), or when everything fits the budget.

Exactness and speed: identical ballots are counted once (`Profile`). A run is counted
either in exact fractions (`_Money`: voters holding the same amount form a class, so the
fraction arithmetic runs over distinct amounts) or in floating point (`_FloatMoney`,
numpy). The Add1 search counts each raise in floating point and watches every decision
that could go either way (a project's affordability, the best project
against the runner-up, a project skipped as unable to win): when any of them is within
a relative 1e-9, the run is counted again in fractions. Floating-point error over a run is
far below that margin, so every decision taken is the one exact arithmetic takes. The run
that is reported is counted the same way, so its figures (payments, money behind a
project) are floats unless a decision was close; the share itself is always exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .profile import Profile

__all__ = [
    "Add1Result",
    "Counting",
    "FundedRound",
    "MESRun",
    "PassedOver",
    "equal_shares",
    "equal_shares_add1",
]

TOLERANCE = 1e-9
_ONE = Fraction(1)


class _Unsure(Exception):
    """A floating-point decision was too close to call: count the run in fractions."""


@dataclass(frozen=True)
class FundedRound:
    """Project `project` funded in round `round` (1-based).

    `payment` is q: a supporter with p points paid min(money left, q * p), so on approval
    ballots q is what each supporter paid unless they had less left. `paid_all` supporters
    paid everything they had left (less than q * p, or exactly that and nothing remained).
    """

    project: int
    round: int
    payment: Fraction | float
    effective_votes: Fraction | float
    supporters: int
    paid_all: int


@dataclass(frozen=True)
class PassedOver:
    """A project with supporters that MES did not fund: after round `round` (0 = from the
    start) its supporters' remaining money, `money_behind`, was less than its cost."""

    project: int
    round: int
    money_behind: float


@dataclass(frozen=True)
class MESRun:
    """One run of MES at a per-voter `share`; `selected` in funding order."""

    share: Fraction
    selected: tuple[int, ...]
    rounds: tuple[FundedRound, ...]
    passed_over: tuple[PassedOver, ...]
    spent: Fraction
    exact: bool


class Counting:
    """Per-project arrays of the supporting ballot groups, built once per profile."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        m = profile.n_projects
        supporters: list[list[int]] = [[] for _ in range(m)]
        points: list[list[Fraction]] = [[] for _ in range(m)]
        for g, ballot in enumerate(profile.groups):
            for p, pts in ballot:
                supporters[p].append(g)
                points[p].append(pts)
        distinct = sorted({pts for column in points for pts in column} | {_ONE})
        self.point_values = distinct
        self.n_point_values = len(distinct)
        position = {value: i for i, value in enumerate(distinct)}
        self.approval = distinct == [_ONE]
        weights = np.asarray(profile.weights, dtype=np.int64)
        self.n_groups = len(profile.weights)
        self.sup = [np.asarray(s, dtype=np.int64) for s in supporters]
        self.w_int = [weights[s] for s in self.sup]
        self.w_float = [w.astype(np.float64) for w in self.w_int]
        self.p_index = [np.asarray([position[x] for x in col], dtype=np.int64) for col in points]
        self.point_values_float = np.asarray([float(x) for x in distinct], dtype=np.float64)
        self.weight_points = [
            sum(
                (w * x for w, x in zip(self.w_int[p].tolist(), points[p], strict=True)),
                Fraction(0),
            )
            for p in range(m)
        ]
        self.weight_points_float = [float(x) for x in self.weight_points]
        self.cost_float = [float(c) for c in profile.costs]
        self.candidates = [
            p for p in range(m) if profile.costs[p] > 0 and self.weight_points[p] > 0
        ]


class _Money:
    """Every voter's money in exact fractions, as a class: groups holding the same amount.

    `cls[g]` is group g's class; `values[k]` the amount of class k (class 0 is "nothing
    left"; equal amounts share a class). Evaluating a project adds up its supporters'
    weights per (class, points) with one `bincount`, so the fraction arithmetic runs over
    the distinct amounts, not over the voters.
    """

    exact = True

    def __init__(self, counting: Counting, share: Fraction) -> None:
        self.c = counting
        self.values: list[Fraction] = [Fraction(0), share]
        self.where: dict[Fraction, int] = {Fraction(0): 0, share: 1}
        self.values_float = np.zeros(1024, dtype=np.float64)
        self.values_float[1] = float(share)
        self.cls = np.ones(counting.n_groups, dtype=np.int64)

    def _slot(self, amount: Fraction) -> int:
        if amount <= 0:
            return 0
        slot = self.where.get(amount)
        if slot is not None:
            return slot
        self.where[amount] = slot = len(self.values)
        self.values.append(amount)
        if slot >= len(self.values_float):
            self.values_float = np.concatenate([self.values_float, np.zeros(slot)])
        self.values_float[slot] = float(amount)
        return slot

    def _codes(self, p: int) -> np.ndarray:
        c = self.c
        ids = self.cls[c.sup[p]]
        return ids if c.approval else ids * c.n_point_values + c.p_index[p]

    def _histogram(self, codes: np.ndarray, p: int) -> tuple[np.ndarray, np.ndarray]:
        counts = np.bincount(codes, weights=self.c.w_float[p])
        present = np.flatnonzero(counts)
        return present, counts[present]

    def _split(self, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(class, point-value index) of each present code."""
        if self.c.approval:
            return present, np.zeros(len(present), dtype=np.int64)
        width = self.c.n_point_values
        return present // width, present % width

    def evaluate(self, p: int) -> tuple[Fraction | None, float]:
        """(q, money behind) for project p; q is None when its supporters cannot pay."""
        present, weights = self._histogram(self._codes(p), p)
        classes, point_index = self._split(present)
        return self._evaluate_exact(p, classes, point_index, weights)

    def _evaluate_exact(
        self, p: int, classes: np.ndarray, point_index: np.ndarray, weights: np.ndarray
    ) -> tuple[Fraction | None, float]:
        cost = self.c.profile.costs[p]
        values = self.values
        entries = [
            (values[k], self.c.point_values[i], round(w))
            for k, i, w in zip(
                classes.tolist(), point_index.tolist(), weights.tolist(), strict=True
            )
            if k != 0
        ]
        total = sum((beta * w for beta, _, w in entries), Fraction(0))
        behind = float(total)
        if total < cost:
            return None, behind
        entries.sort(key=lambda entry: entry[0] / entry[1])
        paid = Fraction(0)
        denominator = sum((pts * w for _, pts, w in entries), Fraction(0))
        for beta, pts, w in entries:
            q = (cost - paid) / denominator
            if q * pts > beta:
                paid += beta * w
                denominator -= pts * w
            else:
                return q, behind
        raise AssertionError("an affordable project always finds its payment")

    def fund(self, p: int, q: Fraction) -> int:
        """Take project p's payments from its supporters; returns how many paid all they had."""
        c = self.c
        codes = self._codes(p)
        present, weights = self._histogram(codes, p)
        classes, point_index = self._split(present)
        mapping = np.zeros(int(present[-1]) + 1 if len(present) else 1, dtype=np.int64)
        paid_all = 0
        for code, k, i, w in zip(
            present.tolist(),
            classes.tolist(),
            point_index.tolist(),
            weights.tolist(),
            strict=True,
        ):
            if k == 0:
                continue  # nothing left to pay with: stays in class 0
            beta = self.values[k]
            due = q * c.point_values[i]
            if beta <= due:
                paid_all += round(w)
            mapping[code] = self._slot(beta - due)
        self.cls[c.sup[p]] = mapping[codes]
        return paid_all

    def money_behind(self, p: int) -> float:
        return float(self.values_float[self.cls[self.c.sup[p]]] @ self.c.w_float[p])


class _FloatMoney:
    """Every group's money as a float (numpy); raises `_Unsure` on a decision too close to call.

    A project's payment q is found by water-filling instead of sorting: start from an equal
    split, let the supporters who cannot pay it pay all they have, split the rest equally
    among the others, and repeat until no one else falls short (q only rises, so this ends;
    after 60 steps the sorted computation finishes the job).
    """

    exact = False

    def __init__(self, counting: Counting, share: Fraction) -> None:
        self.c = counting
        self.money = np.full(counting.n_groups, float(share), dtype=np.float64)

    def evaluate(self, p: int) -> tuple[float | None, float]:
        c = self.c
        money = self.money[c.sup[p]]
        weights = c.w_float[p]
        cost = c.cost_float[p]
        total = float(money @ weights)
        if abs(total - cost) <= TOLERANCE * cost:
            raise _Unsure
        if total < cost:
            return None, total
        if c.approval:
            key, weight_points = money, weights
        else:
            points = c.point_values_float[c.p_index[p]]
            key, weight_points = money / points, weights * points
        all_points = c.weight_points_float[p]
        q = cost / all_points
        short = key < q
        for _ in range(60):
            if not short.any():
                return q, total
            rest = all_points - float(weight_points[short].sum())
            if rest <= 0:
                raise _Unsure
            q = (cost - float(money[short] @ weights[short])) / rest
            now_short = key < q
            if now_short.sum() == short.sum():
                return q, total
            short = now_short
        return self._sorted_payment(key, money, weights, weight_points, cost, all_points), total

    @staticmethod
    def _sorted_payment(
        key: np.ndarray,
        money: np.ndarray,
        weights: np.ndarray,
        weight_points: np.ndarray,
        cost: float,
        all_points: float,
    ) -> float:
        order = np.argsort(key, kind="stable")
        key = key[order]
        paid = np.concatenate(([0.0], np.cumsum((money * weights)[order])[:-1]))
        rest = all_points - np.concatenate(([0.0], np.cumsum(weight_points[order])[:-1]))
        with np.errstate(divide="ignore", invalid="ignore"):
            q = (cost - paid) / rest
        fits = np.flatnonzero(q <= key)
        if not len(fits):
            raise _Unsure
        return float(q[fits[0]])

    def fund(self, p: int, q: float) -> int:
        c = self.c
        sup = c.sup[p]
        money = self.money[sup]
        due = q if c.approval else q * c.point_values_float[c.p_index[p]]
        self.money[sup] = np.maximum(money - due, 0.0)
        return int(c.w_int[p][(money <= due) & (money > 0)].sum())

    def money_behind(self, p: int) -> float:
        return float(self.money[self.c.sup[p]] @ self.c.w_float[p])


def _count(counting: Counting, share: Fraction, *, exact: bool, report: bool) -> MESRun:
    """One MES run at a per-voter share. Float runs raise _Unsure on a close decision."""
    profile = counting.profile
    money: _Money | _FloatMoney = _Money(counting, share) if exact else _FloatMoney(counting, share)
    # An upper bound on each project's effective vote count: it only falls as money is spent.
    bound: dict[int, Fraction | float] = {
        p: (counting.weight_points[p] if exact else counting.weight_points_float[p])
        for p in counting.candidates
    }
    selected: list[int] = []
    rounds: list[FundedRound] = []
    passed: dict[int, PassedOver] = {}
    if report:
        for p in counting.candidates:
            behind = money.money_behind(p)
            if behind < counting.cost_float[p]:
                passed[p] = PassedOver(p, 0, behind)
    while bound:
        best: list[int] = []
        best_value: Fraction | float = 0
        best_q: dict[int, Fraction | float] = {}
        others: list[float] = []
        for p in sorted(bound, key=bound.__getitem__, reverse=True):
            if best:
                if exact and bound[p] < best_value:
                    break
                if not exact and bound[p] < best_value * (1 - TOLERANCE):
                    break
            q, behind = money.evaluate(p)
            if q is None:
                del bound[p]
                if report and p not in passed:
                    passed[p] = PassedOver(p, len(selected), behind)
                continue
            value = profile.costs[p] / q if exact else counting.cost_float[p] / q
            bound[p] = value
            if not best or value > best_value:
                if best and not exact:
                    others.append(float(best_value))
                best, best_value, best_q = [p], value, {p: q}
            elif exact and value == best_value:
                best.append(p)
                best_q[p] = q
            elif not exact:
                others.append(float(value))
        if not best:
            break
        if not exact and any(v >= best_value * (1 - TOLERANCE) for v in others):
            raise _Unsure
        winner = min(best, key=profile.tie_key)
        q = best_q[winner]
        paid_all = money.fund(winner, q)  # type: ignore[arg-type]  # exact or float, as money is
        del bound[winner]
        selected.append(winner)
        if report:
            rounds.append(
                FundedRound(
                    project=winner,
                    round=len(selected),
                    payment=q,
                    effective_votes=best_value,
                    supporters=profile.supporters[winner],
                    paid_all=paid_all,
                )
            )
            for p in bound:
                if p not in passed:
                    behind = money.money_behind(p)
                    if behind < counting.cost_float[p]:
                        passed[p] = PassedOver(p, len(selected), behind)
    return MESRun(
        share=share,
        selected=tuple(selected),
        rounds=tuple(rounds),
        passed_over=tuple(passed[p] for p in sorted(passed) if p not in selected),
        spent=profile.cost_of(selected),
        exact=exact,
    )


def _selection(counting: Counting, share: Fraction) -> tuple[int, ...]:
    """The projects MES funds at this share: floating point, exact when a decision is close."""
    try:
        return _count(counting, share, exact=False, report=False).selected
    except _Unsure:
        return _count(counting, share, exact=True, report=False).selected


def equal_shares(counting: Counting, share: Fraction | None = None) -> MESRun:
    """MES without completion at `share` per voter (default budget / voters), with the
    round-by-round figures. Counted in floating point when every decision is clear of the
    tolerance (the figures are then floats), in exact fractions otherwise."""
    profile = counting.profile
    if share is None:
        share = profile.budget / profile.n_voters
    try:
        return _count(counting, share, exact=False, report=True)
    except _Unsure:
        return _count(counting, share, exact=True, report=True)


@dataclass(frozen=True)
class Add1Result:
    """The reported run, the number of one-unit raises kept, and the first raise refused.

    `refused_spend` is what the outcome at share + 1 would have cost (None when Add1 did not
    need to try one: everything fits, or every supported project is funded).
    """

    run: MESRun
    raises: int
    refused_spend: Fraction | None


def equal_shares_add1(counting: Counting) -> Add1Result:
    """MES with Add1 completion (see the module docstring for the exact stopping rule)."""
    profile = counting.profile
    start = profile.budget / profile.n_voters
    if sum(profile.costs, Fraction(0)) <= profile.budget:
        return Add1Result(equal_shares(counting, start), 0, None)
    everything = set(counting.candidates)
    share, current = start, _selection(counting, start)
    raises = 0
    refused: Fraction | None = None
    while set(current) != everything:
        following = _selection(counting, share + 1)
        spend = profile.cost_of(following)
        if spend > profile.budget:
            refused = spend
            break
        share, current, raises = share + 1, following, raises + 1
    return Add1Result(equal_shares(counting, share), raises, refused)
