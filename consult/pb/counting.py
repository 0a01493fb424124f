"""Counting a participatory budgeting round with the pure `analysis.pb` library: the
round's ballots as an anonymised `Election`, the Pabulib file anyone can recount, the
outcome stored with its explanations, funded projects onto the council's register for
delivery, and the comparison between rules. Staff verbs take `actor=`, audit and flush;
the caller commits."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select

from analysis.pb import Ballot, Election, Project, choose_winners, write_pabulib
from consult.errors import Conflict, Invalid, NotFound
from consult.extensions import db
from consult.models import (
    CouncilResponse,
    PBProposal,
    PBRound,
    audit,
    utcnow,
)
from consult.pb import ballots as ballot_kinds
from consult.pb.services import RULE_LABELS, ballots, require_officer

# --- counting ----------------------------------------------------------------------------


def election_for(pb_round: PBRound) -> Election:
    """The round as an `analysis.pb` Election, from the frozen rules and the ballots.

    Anonymised: voters are numbered after sorting the ballots by their choices (so the
    numbering says nothing about who voted when or how), and only the ward and age band
    voters chose to give are kept."""
    rules = pb_round.frozen_rules
    if not rules:
        raise Conflict(gettext("Voting has not opened, so there is no ballot to count."))
    wards = {p.project_id: p.ward for p in pb_round.proposals}
    projects = tuple(
        Project(
            id=entry["project_id"],
            cost=Fraction(entry["cost"]),
            name=entry["title"],
            fields={
                "name": entry["title"],
                **({"ward": wards[entry["project_id"]]} if wards.get(entry["project_id"]) else {}),
            },
        )
        for entry in rules["projects"]
    )
    kind = ballot_kinds.kind_of(pb_round)
    votes = [(ballot_kinds.vote_of(b), b) for b in ballots(pb_round)]
    rows = sorted(
        votes,
        key=lambda pair: (
            pair[0].choices,
            pair[0].points or (),
            pair[1].voter_ward or "",
            pair[1].voter_age_band or "",
        ),
    )
    voters = []
    for number, (vote, ballot) in enumerate(rows, start=1):
        attributes = {}
        if ballot.voter_ward:
            attributes["district"] = ballot.voter_ward
        if ballot.voter_age_band:
            attributes["age_band"] = ballot.voter_age_band
        projects_named, points = kind.analysis_ballot(vote)
        voters.append(
            Ballot(
                voter_id=str(number), projects=projects_named, points=points, attributes=attributes
            )
        )
    meta = {
        "description": rules["title"],
        "country": "United Kingdom",
        "unit": current_app.config.get("COUNCIL_NAME", ""),
        "instance": rules["round"],
        "budget": str(rules["budget"]),
        "currency": rules["currency"],
        "vote_type": kind.vote_type,
        "rule": rules["rule"],
        **kind.meta(rules),
        "tie_break_seed": rules["tie_breaking_seed"],
        "rules_checksum": pb_round.rules_checksum or "",
    }
    if pb_round.voting_opens_on:
        meta["date_begin"] = pb_round.voting_opens_on.isoformat()
    if pb_round.voting_closes_on:
        meta["date_end"] = pb_round.voting_closes_on.isoformat()
    return Election(
        meta=meta,
        projects=projects,
        ballots=tuple(voters),
        vote_type=kind.vote_type,
        budget=Fraction(rules["budget"]),
        project_columns=("project_id", "cost", "name", "ward"),
        vote_columns=("voter_id", "district", "age_band", "vote"),
    )


def pabulib_text(pb_round: PBRound) -> str:
    """The anonymised ballots file anyone can recompute with `python -m analysis pb`."""
    return write_pabulib(election_for(pb_round))


def count_round(pb_round: PBRound, *, actor: Any) -> dict[str, Any]:
    """Count the closed round by its frozen rule and publish the result."""
    require_officer(actor)
    if pb_round.status != "closed":
        raise Conflict(gettext("Close voting before counting."))
    election = election_for(pb_round)
    if not election.ballots:
        raise Conflict(gettext("There are no ballots to count."))
    outcome = choose_winners(election, seed=pb_round.tie_seed)
    pb_round.result = outcome.as_dict()
    pb_round.counted_at = utcnow()
    pb_round.status = "results"
    explanations = {p.id: p.explanation for p in outcome.projects}
    for project_id in outcome.selected:
        db.session.add(
            CouncilResponse(
                pb_proposal_id=int(project_id),
                status="accepted",
                text=f"Funded by the residents' vote. {explanations[project_id]}",
                due_date=pb_round.delivery_ends_on,
                published_at=utcnow(),
                created_by_id=actor.id,
            )
        )
    audit("pb.counted", actor=actor, subject=pb_round, selected=list(outcome.selected))
    return pb_round.result


def delivery(pb_round: PBRound) -> list[tuple[PBProposal, CouncilResponse]]:
    """The funded projects and their entries on the council's response register."""
    rows = db.session.execute(
        select(PBProposal, CouncilResponse)
        .join(CouncilResponse, CouncilResponse.pb_proposal_id == PBProposal.id)
        .where(PBProposal.round_id == pb_round.id)
        .order_by(PBProposal.id)
    ).all()
    return [(proposal, response) for proposal, response in rows]


def update_delivery(
    response: CouncilResponse, *, owner: str, due_date: date | None, actor: Any
) -> CouncilResponse:
    """Who delivers a funded project and by when (shown on the public pages)."""
    require_officer(actor)
    if response.pb_proposal_id is None:
        raise NotFound(gettext("That is not a participatory budgeting project."))
    if len(owner.strip()) > 200:
        raise Invalid(
            gettext("Use 200 characters or fewer."),
            fields={"owner": gettext("Use 200 characters or fewer")},
        )
    response.owner = owner.strip()
    response.due_date = due_date
    audit("pb.delivery_updated", actor=actor, subject=response)
    return response


def compare_rules(pb_round: PBRound) -> list[dict[str, Any]]:
    """The outcome under each rule a round may use (for officers): funded, spent, and the
    share of voters with at least one funded project they voted for."""
    election = election_for(pb_round)
    if not election.ballots:
        return []
    rows = []
    for rule in ballot_kinds.kind_of(pb_round).rules:
        outcome = choose_winners(election, rule, seed=pb_round.tie_seed)
        rows.append(
            {
                "rule": rule,
                "label": RULE_LABELS[rule],
                "selected": list(outcome.selected),
                "spent": int(outcome.spent),
                "coverage": outcome.fairness.overall,
            }
        )
    return rows


def _rule_descriptions() -> dict[str, str]:
    """analysis.pb's descriptions of the rules (explain.RULE_DESCRIPTIONS, the same English),
    in the page's language."""
    return {
        "equalshares": gettext(
            "Method of Equal Shares: the budget is shared equally among all voters. Round by "
            "round, the project whose supporters can pay for it with the smallest, most equal "
            "payments is funded from its supporters' shares, until no project's supporters "
            "have enough money left to pay for it."
        ),
        "add1": " "
        + gettext(
            "Add1: the share of every voter is then raised one whole unit of money at a time, "
            "and the count run again, for as long as the outcome still fits the budget."
        ),
        "greedy-top-up": " "
        + gettext(
            "Money still left is then spent on the projects with the most votes that still fit."
        ),
        "comparison": " "
        + gettext(
            "Finally the outcome is compared with funding by most votes: that outcome is used "
            "instead only if more voters prefer it (have more of the projects they voted for "
            "funded) than prefer the equal-shares outcome."
        ),
        "greedy": gettext(
            "Most votes first: projects are funded in order of their votes (or points); a "
            "project that costs more than the money left is skipped and the next one is tried."
        ),
    }


def rule_in_words(rule: str) -> str:
    """How `rule` chooses the winners, in the page's language."""
    descriptions = _rule_descriptions()
    base = descriptions["equalshares" if rule.startswith("equalshares") else rule]
    if "add1" in rule:
        base += descriptions["add1"]
    if "greedy" in rule and rule.startswith("equalshares"):
        base += descriptions["greedy-top-up"]
    if "comparison" in rule:
        base += descriptions["comparison"]
    return base


def tie_breaking(seed: str) -> str:
    """analysis.pb's rule for exact ties (profile.TieBreak.describe), in the page's language."""
    return gettext(
        "Exact ties go to the cheaper project, then to the project with more supporters, then "
        "by lottery: the lower SHA-256 of 'seed:project id' with seed %(seed)s.",
        seed=repr(seed),
    )
