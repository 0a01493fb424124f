"""Participatory budgeting data: an election (META, projects, ballots) as frozen dataclasses.

Room: `analysis/pb/`, the pure library that chooses the winners of a PB round. The web app
turns its rows into an `Election` (or exports a Pabulib file and reads it back); everything
here is plain data and exact numbers (`fractions.Fraction` for money and points).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

__all__ = [
    "VOTE_TYPES",
    "Ballot",
    "Election",
    "PBInputError",
    "Project",
]

VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")


class PBInputError(ValueError):
    """The election cannot be used as given; the message says where and why."""


@dataclass(frozen=True)
class Project:
    """One project on the ballot. `fields` keeps the file's other columns (name, category...)."""

    id: str
    cost: Fraction
    name: str = ""
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Ballot:
    """One voter's ballot: (project id, points) in the order the voter gave them.

    Approval and choose-1 ballots give 1 point to each project; ordinal ballots list the
    projects from most to least preferred (their points are rank points, see
    `Election.scores`); cumulative and scoring ballots carry the voter's points.
    `attributes` are the VOTES columns that describe the voter (age, sex, district...).
    """

    voter_id: str
    projects: tuple[str, ...]
    points: tuple[Fraction, ...] = ()
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Election:
    """A whole PB instance. `meta` keeps every META key as text, in the file's order."""

    meta: Mapping[str, str]
    projects: tuple[Project, ...]
    ballots: tuple[Ballot, ...]
    vote_type: str = "approval"
    budget: Fraction = Fraction(0)
    project_columns: tuple[str, ...] = ("project_id", "cost")
    vote_columns: tuple[str, ...] = ("voter_id", "vote")

    def project(self, project_id: str) -> Project:
        for project in self.projects:
            if project.id == project_id:
                return project
        raise KeyError(project_id)

    @property
    def rank_length(self) -> int:
        """Points for a first rank (ordinal ballots): META `max_length`, else the longest ballot."""
        value = self.meta.get("max_length", "").strip()
        if value.isdigit() and int(value) > 0:
            return int(value)
        return max((len(ballot.projects) for ballot in self.ballots), default=1)

    def ballot_scores(self, ballot: Ballot) -> dict[str, Fraction]:
        """The points this ballot gives each project it names (positive or not).

        Ordinal ballots are scored by rank points: with L = `rank_length`, the first project
        gets L, the second L - 1, and so on (3/2/1 on a three-rank ballot).
        """
        if self.vote_type == "ordinal":
            top = self.rank_length
            return {pid: Fraction(max(top - rank, 0)) for rank, pid in enumerate(ballot.projects)}
        if self.vote_type in ("cumulative", "scoring"):
            return dict(zip(ballot.projects, ballot.points, strict=True))
        return dict.fromkeys(ballot.projects, Fraction(1))

    def scores(self) -> dict[str, Fraction]:
        """Total points per project (approval: its number of votes), every project listed."""
        totals = {project.id: Fraction(0) for project in self.projects}
        for ballot in self.ballots:
            for pid, points in self.ballot_scores(ballot).items():
                totals[pid] += points
        return totals

    def supporters(self) -> dict[str, int]:
        """Number of voters giving each project a positive score."""
        counts = dict.fromkeys((project.id for project in self.projects), 0)
        for ballot in self.ballots:
            for pid, points in self.ballot_scores(ballot).items():
                if points > 0:
                    counts[pid] += 1
        return counts
