"""Participatory budgeting: merging near-duplicate proposals, with every proposer's consent.

An officer suggests a merge (which proposal lives on, and the merged title, description
and cost); each proposer is asked, by email with a link signed for them and their
proposal, and on their own proposal page (the private link they got when they proposed).
An officer may also record an answer given by phone or in person, named in the record.
One "no" settles it: the proposals stay apart. When everyone has said yes the merge is
made: the surviving proposal takes the merged text and cost (and needs assessing again
if they changed), the others become "merged" into it, and its page credits them all.
Every step is audited. Verbs flush; the caller commits and then sends the notices.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import current_app
from flask_babel import gettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from consult.consultations.redaction import moderate
from consult.errors import Conflict, Invalid, NotFound
from consult.extensions import db
from consult.models import AuditEntry, PBMerge, PBMergeAnswer, PBProposal, PBRound, audit, utcnow
from consult.pb.proposals import check_project, clear_assessment, pending_merge
from consult.pb.services import require_officer

ANSWER_LINK_DAYS = 60
_ANSWER_SALT = "pb-merge-answer"
_PROPOSER_SALT = "pb-proposer"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def answer_token(answer: PBMergeAnswer) -> str:
    """The signed part of one proposer's link to answer one merge."""
    return _serializer(_ANSWER_SALT).dumps(
        {"merge": answer.merge_id, "proposal": answer.proposal_id}
    )


def answer_for_token(token: str) -> PBMergeAnswer:
    """The answer row a link is for. Raises NotFound for a link that is wrong or expired."""
    try:
        data = _serializer(_ANSWER_SALT).loads(token, max_age=ANSWER_LINK_DAYS * 86400)
    except SignatureExpired as error:
        raise NotFound(
            gettext(
                "This link has expired: links to answer a merge work for %(days)s days. Use the "
                "private link to your idea, or contact the council.",
                days=ANSWER_LINK_DAYS,
            )
        ) from error
    except BadSignature as error:
        raise NotFound(gettext("This link is not right. Check it against your email.")) from error
    answer = db.session.scalar(
        select(PBMergeAnswer).where(
            PBMergeAnswer.merge_id == data.get("merge"),
            PBMergeAnswer.proposal_id == data.get("proposal"),
        )
    )
    if answer is None:
        raise NotFound(gettext("This link is not right. Check it against your email."))
    return answer


def proposer_token(proposal: PBProposal) -> str:
    """The signed part of the proposer's private link to their idea (shown when they
    propose; it does not expire)."""
    return _serializer(_PROPOSER_SALT).dumps({"proposal": proposal.id})


def proposal_for_token(token: str) -> PBProposal:
    try:
        data = _serializer(_PROPOSER_SALT).loads(token)
    except BadSignature as error:
        raise NotFound(
            gettext("This link is not right. Check it against the one you kept.")
        ) from error
    proposal_id = data.get("proposal") if isinstance(data, dict) else None
    proposal = db.session.get(PBProposal, proposal_id) if isinstance(proposal_id, int) else None
    if proposal is None:
        raise NotFound(gettext("This link is not right. Check it against the one you kept."))
    return proposal


def _require_open(pb_round: PBRound) -> None:
    if pb_round.is_frozen or pb_round.status not in ("proposals", "assessment"):
        raise Conflict(gettext("Proposals can only be merged before voting opens."))


def _check_merge(
    pb_round: PBRound,
    chosen: list[PBProposal],
    survivor_id: int | None,
    title: str,
    description: str,
    estimated_cost: int | None,
) -> None:
    fields: dict[str, str] = {}
    if len(chosen) < 2:
        fields["proposals"] = gettext("Choose at least 2 proposals to merge")
    elif any(p.moderation != "published" for p in chosen):
        fields["proposals"] = gettext("Only published proposals can be merged")
    elif any(pending_merge(p) is not None for p in chosen):
        fields["proposals"] = gettext(
            "One of these proposals is already in a merge waiting for answers"
        )
    if survivor_id not in {p.id for p in chosen}:
        fields["survivor"] = gettext("Choose which proposal the merged project keeps")
    check_project(
        fields,
        pb_round,
        title=title,
        description=description,
        cost=estimated_cost,
        whose="the merged project",
    )
    if fields:
        raise Invalid(next(iter(fields.values())) + ".", fields=fields)


def propose_merge(
    pb_round: PBRound,
    *,
    proposal_ids: Sequence[int],
    survivor_id: int | None,
    title: str,
    description: str,
    estimated_cost: int | None,
    actor: Any,
) -> PBMerge:
    """Suggest merging these proposals; every proposer is then asked. Raises Invalid (with
    fields) for a merge that cannot be made, Conflict once voting has opened. Flushes."""
    require_officer(actor)
    _require_open(pb_round)
    wanted = sorted(set(proposal_ids))
    chosen = [p for p in pb_round.proposals if p.id in wanted]
    if len(chosen) != len(wanted):
        raise Invalid(
            gettext("Choose proposals from this round."),
            fields={"proposals": gettext("Choose proposals from this round")},
        )
    _check_merge(pb_round, chosen, survivor_id, title, description, estimated_cost)
    assert survivor_id is not None and estimated_cost is not None
    merge = PBMerge(
        round_id=pb_round.id,
        survivor_id=survivor_id,
        title=" ".join(title.split()),
        description=description.strip(),
        estimated_cost=estimated_cost,
        status="asking",
        created_by_id=actor.id,
    )
    db.session.add(merge)
    for proposal in sorted(chosen, key=lambda p: (p.id != survivor_id, p.id)):
        merge.answers.append(PBMergeAnswer(proposal_id=proposal.id))
    db.session.flush()
    audit("pb.merge_proposed", actor=actor, subject=merge, proposals=wanted, survivor=survivor_id)
    return merge


def answer_merge(answer: PBMergeAnswer, *, agree: bool, actor: Any = None) -> PBMerge:
    """Record a proposer's answer (`actor` None: by their own link; an officer: heard by
    phone or in person, and named). A "no" keeps the proposals apart at once; the last
    "yes" makes the merge. A proposer may change a "yes" to a "no" while others are
    still being asked. Raises Conflict when the merge is settled or voting has opened."""
    merge = answer.merge
    if actor is not None:
        require_officer(actor)
    if merge.status != "asking":
        raise Conflict(
            {
                "merged": gettext("This merge has already been made."),
                "declined": gettext("This merge is not going ahead: a proposer said no."),
                "withdrawn": gettext("Council officers have withdrawn this merge."),
            }[merge.status]
        )
    _require_open(merge.pb_round)
    answer.answer = "agreed" if agree else "declined"
    answer.answered_at = utcnow()
    answer.via = "officer" if actor is not None else "link"
    answer.recorded_by_id = actor.id if actor is not None else None
    said = {"proposal": answer.proposal_id, "answer": answer.answer, "via": answer.via}
    AuditEntry.record("pb.merge_answered", actor=actor, subject=merge, **said)
    if not agree:
        merge.status, merge.decided_at = "declined", utcnow()
        AuditEntry.record("pb.merge_declined", subject=merge)
    elif not merge.waiting_for:
        _make(merge)
    db.session.flush()
    return merge


def withdraw_merge(merge: PBMerge, *, actor: Any) -> PBMerge:
    """An officer withdraws a merge still asking (nothing changes for the proposals)."""
    require_officer(actor)
    if merge.status != "asking":
        raise Conflict(gettext("Only a merge still waiting for answers can be withdrawn."))
    merge.status, merge.decided_at = "withdrawn", utcnow()
    audit("pb.merge_withdrawn", actor=actor, subject=merge)
    return merge


def _make(merge: PBMerge) -> None:
    """Everyone agreed: the survivor takes the merged text and cost, the others join it."""
    survivor = merge.survivor
    before = {"title": survivor.title, "cost": survivor.estimated_cost}
    title_shown, title_flags = moderate(merge.title)
    description_shown, description_flags = moderate(merge.description)
    changed = (merge.title, merge.description, merge.estimated_cost) != (
        survivor.title_original,
        survivor.description_original,
        survivor.estimated_cost,
    )
    survivor.title, survivor.title_original = title_shown, merge.title
    survivor.description, survivor.description_original = description_shown, merge.description
    survivor.estimated_cost = merge.estimated_cost
    survivor.flags = sorted(set(survivor.flags or []) | set(title_flags + description_flags))
    if changed:
        clear_assessment(survivor)
    others = [p for p in merge.proposals if p.id != survivor.id]
    for proposal in others:
        proposal.moderation = "merged"
        proposal.merged_into_id = survivor.id
        clear_assessment(proposal)
    # Ideas merged earlier into one that has now merged follow it to the survivor.
    db.session.execute(
        update(PBProposal)
        .where(PBProposal.merged_into_id.in_([p.id for p in others]))
        .values(merged_into_id=survivor.id)
        .execution_options(synchronize_session="fetch")
    )
    merge.status, merge.decided_at = "merged", utcnow()
    AuditEntry.record(
        "pb.merged",
        subject=merge,
        survivor=survivor.id,
        merged=[p.id for p in others],
        before=before,
        reassess=changed,
    )


def final_home(proposal: PBProposal) -> PBProposal:
    """The proposal a merged one lives on in (itself when not merged)."""
    seen = {proposal.id}
    while proposal.merged_into is not None and proposal.merged_into.id not in seen:
        proposal = proposal.merged_into
        seen.add(proposal.id)
    return proposal


def merged_into_it(proposal: PBProposal) -> list[PBProposal]:
    """The proposals merged into this one (credited on its page; their proposers hear of it)."""
    return list(
        db.session.scalars(
            select(PBProposal)
            .where(PBProposal.merged_into_id == proposal.id)
            .order_by(PBProposal.id)
        )
    )


def merges_of(pb_round: PBRound) -> list[PBMerge]:
    return list(
        db.session.scalars(
            select(PBMerge).where(PBMerge.round_id == pb_round.id).order_by(PBMerge.id.desc())
        )
    )


def answers_waiting(proposal: PBProposal) -> list[PBMergeAnswer]:
    """This proposal's unanswered questions about merges still asking."""
    unanswered = select(PBMergeAnswer).where(
        PBMergeAnswer.proposal_id == proposal.id, PBMergeAnswer.answer.is_(None)
    )
    asking = unanswered.join(PBMerge, PBMerge.id == PBMergeAnswer.merge_id).where(
        PBMerge.status == "asking"
    )
    return list(db.session.scalars(asking))
