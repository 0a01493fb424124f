"""Participatory budgeting: residents' proposals, their moderation and the officers'
assessment (moved out of services.py, which keeps the round, the ballots and the count).
Merging proposals is merges.py; pictures are images.py; what proposers are told is
notices.py. Staff verbs take `actor=`, check the role, audit and flush; the caller commits.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from analysis.duplicates import find_duplicates
from consult.consultations.redaction import moderate
from consult.errors import Conflict, Invalid
from consult.extensions import db
from consult.i18n import current_language
from consult.models import PBMerge, PBMergeAnswer, PBProposal, PBRound, audit, utcnow
from consult.models.pb import ASSESSMENTS
from consult.pb import images
from consult.pb.services import _reference, require_officer


def submit_proposal(
    pb_round: PBRound,
    *,
    title: str,
    description: str,
    ward: str,
    estimated_cost: int | None,
    proposer_name: str = "",
    proposer_email: str = "",
    image: bytes | None = None,
    image_alt: str = "",
) -> PBProposal:
    """A resident's idea, while the round collects them. Personal data is redacted from what
    is shown; a proposal flagged as spam or abusive waits for an officer. `image`, the
    bytes of an optional picture, needs `image_alt` (checked and cleaned by images.py).
    Raises Invalid naming every field at fault; nothing is saved then."""
    if pb_round.status != "proposals":
        raise Conflict(gettext("This round is not collecting ideas just now."))
    fields: dict[str, str] = {}
    check_project(fields, pb_round, title=title, description=description, cost=estimated_cost)
    if pb_round.wards and ward not in pb_round.wards:
        fields["ward"] = gettext("Choose the ward where the project would happen")
    picture, alt_text = _check_picture(image, image_alt, fields)
    if fields:
        raise Invalid(next(iter(fields.values())) + ".", fields=fields)
    assert estimated_cost is not None
    title_shown, title_flags = moderate(title.strip())
    description_shown, description_flags = moderate(description.strip())
    flags = sorted(set(title_flags + description_flags))
    held = any(flag in ("spam", "abusive") for flag in flags)
    proposal = PBProposal(
        pb_round=pb_round,
        reference=_reference("PBP"),
        title=title_shown,
        title_original=title.strip(),
        description=description_shown,
        description_original=description.strip(),
        ward=ward.strip(),
        estimated_cost=estimated_cost,
        proposer_name=proposer_name.strip()[:200],
        proposer_email=proposer_email.strip()[:254],
        flags=flags,
        moderation="held" if held else "published",
        language=current_language(),
    )
    db.session.add(proposal)
    db.session.flush()
    if picture is not None:
        images.attach_image(proposal, picture, alt_text)
    return proposal


def check_project(
    fields: dict[str, str],
    pb_round: PBRound,
    *,
    title: str,
    description: str,
    cost: int | None,
    whose: str | None = None,
) -> None:
    """Add to `fields` what is wrong with a project's name, description and cost (a
    resident's proposal, or officers' merged text)."""
    if not title.strip():
        fields["title"] = (
            f"Enter a name for {whose}" if whose else gettext("Enter a name for your project")
        )
    elif len(title.strip()) > 120:
        fields["title"] = gettext("Use 120 characters or fewer for the name")
    if not description.strip():
        fields["description"] = f"Describe {whose}" if whose else gettext("Describe your project")
    elif len(description) > 3000:
        fields["description"] = gettext("Use 3,000 characters or fewer")
    if cost is None or cost <= 0:
        fields["estimated_cost"] = gettext("Enter roughly what it would cost, in whole pounds")
    elif cost > pb_round.budget:
        fields["estimated_cost"] = gettext(
            "A project cannot cost more than the whole budget (%(budget)s)",
            budget=f"£{pb_round.budget:,}",
        )


def _check_picture(
    image: bytes | None, image_alt: str, fields: dict[str, str]
) -> tuple[images.CleanImage | None, str]:
    """The cleaned picture and its description, adding any problem to `fields`."""
    if not image:
        return None, ""
    picture, alt_text = None, ""
    try:
        picture = images.clean_image(image)
    except Invalid as problem:
        fields.update(problem.fields)
    try:
        alt_text = images.check_alt_text(image_alt)
    except Invalid as problem:
        fields.update(problem.fields)
    return picture, alt_text


def pending_merge(proposal: PBProposal) -> PBMerge | None:
    """The merge that is asking `proposal`'s proposer for an answer, if any."""
    return db.session.scalar(
        select(PBMerge)
        .join(PBMergeAnswer, PBMergeAnswer.merge_id == PBMerge.id)
        .where(PBMergeAnswer.proposal_id == proposal.id, PBMerge.status == "asking")
    )


def possible_duplicates(pb_round: PBRound) -> list[list[PBProposal]]:
    """Groups of proposals that say (nearly) the same thing, for officers to look at before
    assessing (the analysis library's near-duplicate finder on title and description)."""
    candidates = [p for p in pb_round.proposals if p.moderation in ("published", "held")]
    by_id = {str(p.id): p for p in candidates}
    groups = find_duplicates(
        [f"{p.title_original}. {p.description_original}" for p in candidates],
        list(by_id),
        near_threshold=0.6,
    )
    return [[by_id[i] for i in group.ids] for group in groups]


def moderate_proposal(
    proposal: PBProposal, *, decision: str, reason: str = "", actor: Any
) -> PBProposal:
    """Publish a held proposal or reject it (a rejection's reason is published). A merged
    proposal, or one whose proposer is being asked about a merge, cannot be moderated."""
    require_officer(actor)
    if proposal.pb_round.is_frozen:
        raise Conflict(gettext("Voting has opened: the ballot is frozen."))
    if proposal.moderation == "merged":
        raise Conflict(gettext("This proposal has been merged into another one."))
    if pending_merge(proposal) is not None:
        raise Conflict(
            gettext(
                "This proposal is in a merge waiting for its proposers' answers: withdraw the "
                "merge first."
            )
        )
    if decision not in ("published", "rejected"):
        raise Invalid(
            gettext("Choose publish or reject."),
            fields={"decision": gettext("Choose publish or reject")},
        )
    if decision == "rejected" and not reason.strip():
        raise Invalid(
            gettext("Give the reason for rejecting it: the reason is published."),
            fields={"reason": gettext("Give the reason for rejecting it")},
        )
    proposal.moderation = decision
    proposal.moderation_reason = reason.strip() or None
    if decision == "rejected":
        clear_assessment(proposal)
    audit("pb.proposal_moderated", actor=actor, subject=proposal, decision=decision)
    return proposal


def clear_assessment(proposal: PBProposal) -> None:
    """Forget the assessment (a rejected proposal; one whose text or cost a merge changed)."""
    proposal.assessment = None
    proposal.assessed_cost = None
    proposal.assessment_reasons = None
    proposal.assessed_by_id = None
    proposal.assessed_at = None


def assess_proposal(
    proposal: PBProposal,
    *,
    assessment: str,
    reasons: str = "",
    assessed_cost: int | None = None,
    actor: Any,
) -> PBProposal:
    """Record the officers' assessment. Reasons are required (and published) for "not
    feasible" and for "feasible with changes", which also needs the revised cost."""
    require_officer(actor)
    pb_round = proposal.pb_round
    if pb_round.is_frozen:
        raise Conflict(
            gettext("Voting has opened: the ballot is frozen, so assessments cannot change.")
        )
    if pb_round.status not in ("proposals", "assessment"):
        raise Conflict(
            gettext("Proposals are assessed once the round has started collecting them.")
        )
    if proposal.moderation != "published":
        raise Conflict(gettext("Publish the proposal before assessing it."))
    fields: dict[str, str] = {}
    if assessment not in ASSESSMENTS:
        fields["assessment"] = gettext("Choose an assessment")
    elif assessment != "feasible" and not reasons.strip():
        fields["reasons"] = gettext("Give the reasons: they are published")
    if assessment == "feasible_with_changes":
        if assessed_cost is None or assessed_cost <= 0:
            fields["assessed_cost"] = gettext("Enter the revised cost in whole pounds")
        elif assessed_cost > pb_round.budget:
            fields["assessed_cost"] = gettext(
                "The revised cost cannot be more than the whole budget"
            )
    if fields:
        raise Invalid(next(iter(fields.values())) + ".", fields=fields)
    proposal.assessment = assessment
    proposal.assessment_reasons = reasons.strip() or None
    proposal.assessed_cost = assessed_cost if assessment == "feasible_with_changes" else None
    proposal.assessed_by_id = actor.id
    proposal.assessed_at = utcnow()
    audit("pb.proposal_assessed", actor=actor, subject=proposal, assessment=assessment)
    return proposal
