"""Greedy rules: fund projects by score (votes or points) while the money lasts.

Room: `analysis/pb/`. Projects are taken in decreasing score (approval: number of votes;
cumulative and scoring: points; ordinal: rank points), an exact tie going to the published
`TieBreak`. `greedy` funds each project that still fits the money left and skips one that
does not; `greedy-threshold` does the same but never funds a project scoring below the
threshold; `greedy-no-skip` stops at the first project that does not fit. The same
skipping greedy, started from the projects MES funded, is the utilitarian top-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .profile import Profile

__all__ = ["GreedyStep", "greedy", "greedy_order"]


@dataclass(frozen=True)
class GreedyStep:
    """What greedy did with one project, in the order it looked at them.

    `outcome` is "funded", "did-not-fit", "below-threshold", "no-votes" (a score of zero or
    less is never funded), "after-stop" (greedy-no-skip stopped earlier) or
    "already-funded" (a top-up met a project MES had funded);
    `money_left` is the money left when its turn came.
    """

    project: int
    position: int
    score: Fraction
    outcome: str
    money_left: Fraction


def greedy_order(profile: Profile) -> list[int]:
    """Every project, highest score first; exact ties by the published tie-break."""
    return sorted(
        range(profile.n_projects), key=lambda p: (-profile.scores[p], *profile.tie_key(p))
    )


def greedy(
    profile: Profile,
    *,
    skip: bool = True,
    threshold: Fraction | None = None,
    already: tuple[int, ...] = (),
) -> tuple[tuple[int, ...], tuple[GreedyStep, ...]]:
    """(projects funded in order, one step per project). `already` are funded beforehand
    (the top-up after MES): their cost is spent and greedy adds to them."""
    funded = list(already)
    left = profile.budget - profile.cost_of(already)
    stopped = False
    steps: list[GreedyStep] = []
    for position, p in enumerate(greedy_order(profile), start=1):
        score = profile.scores[p]
        if p in already:
            outcome = "already-funded"
        elif stopped:
            outcome = "after-stop"
        elif score <= 0:
            outcome = "no-votes"
        elif threshold is not None and score < threshold:
            outcome = "below-threshold"
        elif profile.costs[p] <= left:
            outcome = "funded"
        else:
            outcome = "did-not-fit"
            stopped = not skip
        steps.append(GreedyStep(p, position, score, outcome, left))
        if outcome == "funded":
            funded.append(p)
            left -= profile.costs[p]
    return tuple(funded[len(already) :]), tuple(steps)
