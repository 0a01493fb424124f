"""Ballots grouped for counting, and the tie-breaking rule published before the vote.

Room: `analysis/pb/`. Voters with identical ballots always hold the same money under the
Method of Equal Shares and add the same points under greedy, so every rule counts each
distinct ballot once with its number of voters (`Profile`). `TieBreak` is the published
order used whenever two projects are exactly level.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .model import Election, PBInputError

__all__ = ["Profile", "TieBreak", "build_profile"]


@dataclass(frozen=True)
class TieBreak:
    """Exact ties go to the cheaper project, then the one with more supporters, then a lottery.

    The lottery orders projects by SHA-256 of `"{seed}:{project id}"` (lowest first), so
    anyone with the published seed can rebuild the order.
    """

    seed: str = "0"

    def lottery_rank(self, project_id: str) -> str:
        return hashlib.sha256(f"{self.seed}:{project_id}".encode()).hexdigest()

    def describe(self) -> str:
        return (
            "Exact ties go to the cheaper project, then to the project with more supporters, "
            f"then by lottery: the lower SHA-256 of 'seed:project id' with seed {self.seed!r}."
        )


@dataclass(frozen=True)
class Profile:
    """An election prepared for counting. Projects are numbered 0..m-1 in file order.

    `groups[g]` is one distinct ballot as ((project index, positive points), ...) and
    `weights[g]` the number of voters who cast it; `voter_group[v]` is ballot v's group
    (ballots with no positive points get group -1: they count as voters, but pay nothing).
    `scores` are the total points per project (negative points included), `supporters`
    the number of voters giving it positive points.
    """

    project_ids: tuple[str, ...]
    costs: tuple[Fraction, ...]
    budget: Fraction
    n_voters: int
    groups: tuple[tuple[tuple[int, Fraction], ...], ...]
    weights: tuple[int, ...]
    voter_group: np.ndarray
    scores: tuple[Fraction, ...]
    supporters: tuple[int, ...]
    tie: TieBreak = field(default_factory=TieBreak)

    @property
    def n_projects(self) -> int:
        return len(self.project_ids)

    def tie_key(self, project: int) -> tuple[Fraction, int, str]:
        """Sort key: the project that sorts first wins an exact tie."""
        return (
            self.costs[project],
            -self.supporters[project],
            self.tie.lottery_rank(self.project_ids[project]),
        )

    def cost_of(self, projects: list[int] | tuple[int, ...]) -> Fraction:
        return sum((self.costs[p] for p in projects), Fraction(0))


def build_profile(election: Election, tie: TieBreak | None = None) -> Profile:
    """Group identical ballots and number the projects. Raises PBInputError with no voters."""
    if not election.ballots:
        raise PBInputError("the file holds no votes")
    position = {project.id: index for index, project in enumerate(election.projects)}
    group_index: dict[tuple[tuple[int, Fraction], ...], int] = {}
    weights: list[int] = []
    voter_group = np.empty(len(election.ballots), dtype=np.int64)
    scores = [Fraction(0)] * len(position)
    one = Fraction(1)
    simple = election.vote_type in ("approval", "choose-1")
    for v, ballot in enumerate(election.ballots):
        if simple:  # every named project gets one point: no per-ballot arithmetic
            key = tuple((p, one) for p in sorted(position[pid] for pid in ballot.projects))
        else:
            given = election.ballot_scores(ballot)
            for pid, pts in given.items():
                if pts <= 0:
                    scores[position[pid]] += pts  # negative scores count against greedy
            key = tuple(sorted((position[pid], pts) for pid, pts in given.items() if pts > 0))
        if not key:
            voter_group[v] = -1
            continue
        g = group_index.get(key)
        if g is None:
            g = group_index[key] = len(weights)
            weights.append(0)
        weights[g] += 1
        voter_group[v] = g
    supporters = [0] * len(position)
    for key, weight in zip(group_index, weights, strict=True):
        for p, pts in key:
            supporters[p] += weight
            scores[p] += pts * weight
    return Profile(
        project_ids=tuple(project.id for project in election.projects),
        costs=tuple(project.cost for project in election.projects),
        budget=election.budget,
        n_voters=len(election.ballots),
        groups=tuple(group_index),
        weights=tuple(weights),
        voter_group=voter_group,
        scores=tuple(scores),
        supporters=tuple(supporters),
        tie=tie or TieBreak(),
    )
