"""Participatory budgeting: read and write Pabulib files, choose winners, explain them.

Room: `analysis/pb/`, a pure library (no Flask, database or `consult` imports). The web
app builds an `Election` from its rows (or reads a `.pb` export), calls `choose_winners`,
and stores or shows the `Outcome`; `python -m analysis pb FILE.pb` does the same from a
file. Rules and their exact specification: docs/participatory-budgeting.md.

    election = read_pabulib("ballots.pb")
    outcome = choose_winners(election, "equalshares/add1", seed="2026-05-01")
    outcome.selected, outcome.as_dict()["projects"][0]["explanation"]
"""

from .model import VOTE_TYPES, Ballot, Election, PBInputError, Project
from .pabulib import parse_pabulib, read_pabulib, write_pabulib
from .profile import Profile, TieBreak, build_profile
from .rules import RULES, Comparison, Outcome, ProjectResult, choose_winners, rule_from_meta

__all__ = [
    "RULES",
    "VOTE_TYPES",
    "Ballot",
    "Comparison",
    "Election",
    "Outcome",
    "PBInputError",
    "Profile",
    "Project",
    "ProjectResult",
    "TieBreak",
    "build_profile",
    "choose_winners",
    "parse_pabulib",
    "read_pabulib",
    "rule_from_meta",
    "write_pabulib",
]
