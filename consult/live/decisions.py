"""Live deliberation: decisions. Recommendations drafted by staff (or by jurors in a
drafting round), amendments jurors propose and the room accepts or rejects, the final
vote against the recommendation's threshold and quorum, and minority reports jurors who
disagree write and sign. A passed recommendation is what the council-response register
lists. Every juror's write carries a `client_id`, so a retry returns the first row.
Services check permission, publish and flush; callers commit."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select

from consult.errors import Conflict, Invalid
from consult.extensions import db
from consult.live import payloads
from consult.live.checks import (
    MAX_LONG_TEXT,
    MAX_TEXT,
    clean_client_id,
    clean_int,
    clean_text,
    client_id_taken,
    get_in_session,
    is_staff,
    member_names,
    require_member,
    require_staff,
)
from consult.live.outbox import gallery_room, publish, session_room, signal, staff_room
from consult.live.seating import session_members
from consult.models import (
    Amendment,
    JurySession,
    MinorityReport,
    MinorityReportSignature,
    Recommendation,
    RecommendationVote,
    audit,
    utcnow,
)


def create_recommendation(
    jury_session: JurySession,
    *,
    actor: Any,
    title: Any,
    text: Any,
    client_id: Any,
    threshold: Any = 0.8,
    quorum: Any = None,
) -> tuple[Recommendation, bool]:
    """A draft recommendation: staff at any time, a juror during a drafting round."""
    client_id = clean_client_id(client_id)
    existing = db.session.scalar(
        select(Recommendation).where(Recommendation.client_id == client_id)
    )
    if existing is not None:
        mine = existing.session_id == jury_session.id and (
            existing.author_member_id is None
            if is_staff(actor)
            else existing.author_member_id == getattr(actor, "id", None)
        )
        if not mine:  # the same answer wherever the id was used, this session or another
            raise client_id_taken()
        return existing, True
    if not is_staff(actor):
        require_member(actor, jury_session, speaking=True)
        current = jury_session.current_round
        if current is None or current.kind != "drafting":
            raise Conflict(gettext("Jurors draft recommendations in a drafting round."))
    try:
        threshold = float(threshold)
    except (TypeError, ValueError):
        threshold = -1
    if not 0 < threshold <= 1:
        raise Invalid(
            gettext("The threshold is a share between 0 and 1."),
            fields={"threshold": "e.g. 0.8 for 80%"},
        )
    members = len(session_members(jury_session))
    quorum = (
        clean_int(quorum, field="quorum", low=1, high=100_000)
        if quorum not in (None, "")
        else max(1, math.ceil(members / 2))
    )
    position = db.session.scalar(
        select(func.count(Recommendation.id)).where(Recommendation.session_id == jury_session.id)
    )
    recommendation = Recommendation(
        jury_id=jury_session.jury_id,
        session_id=jury_session.id,
        position=position or 0,
        title=clean_text(title, field="title", limit=300),
        text=clean_text(text, limit=MAX_LONG_TEXT),
        status="draft",
        threshold=threshold,
        quorum=quorum,
        author_member_id=actor.id if not is_staff(actor) else None,
        client_id=client_id,
    )
    db.session.add(recommendation)
    db.session.flush()
    _publish_recommendation(jury_session, recommendation)
    return recommendation, False


def recommendation_payload(recommendation: Recommendation) -> dict[str, Any]:
    """`payloads.recommendation` with the names of the jurors it mentions."""
    return payloads.recommendation(recommendation, member_names(payloads.people_in(recommendation)))


def _publish_recommendation(jury_session: JurySession, recommendation: Recommendation) -> int:
    body = recommendation_payload(recommendation)
    seq = publish(jury_session, session_room(jury_session), "recommendation_changed", body)
    if jury_session.gallery_open and recommendation.status in ("passed", "failed"):
        public = payloads.public_recommendation(recommendation)  # no names, redacted
        publish(jury_session, gallery_room(jury_session), "recommendation_changed", public)
    return seq


def _written_before(
    model: type, author: Any, client_id: str, actor: Any, jury_session: JurySession
) -> Any:
    """The `model` row (an amendment or minority report) this juror already wrote with
    `client_id` in this session (a retry), or None. A client_id used by anyone else, or
    in another session, gets one answer (`client_id_taken`), so it tells nobody where."""
    existing = db.session.scalar(select(model).where(model.client_id == client_id))
    if existing is None:
        return None
    if (
        getattr(existing, author.key) != getattr(actor, "id", None)
        or existing.recommendation.session_id != jury_session.id
    ):
        raise client_id_taken()
    return existing


def _for_juror_to_write(jury_session: JurySession, recommendation_id: Any, actor: Any) -> Any:
    """The recommendation a juror (not muted) writes on; raises NotPermitted, NotFound."""
    require_member(actor, jury_session, speaking=True)
    return get_in_session(
        Recommendation, recommendation_id, jury_session, field="recommendation_id"
    )


def propose_amendment(
    jury_session: JurySession,
    recommendation_id: Any,
    *,
    actor: Any,
    text: Any,
    rationale: Any = "",
    client_id: Any,
) -> tuple[Amendment, bool]:
    """A juror proposes new wording for a draft recommendation."""
    client_id = clean_client_id(client_id)
    existing = _written_before(Amendment, Amendment.member_id, client_id, actor, jury_session)
    if existing is not None:
        return existing, True
    recommendation = _for_juror_to_write(jury_session, recommendation_id, actor)
    if recommendation.status != "draft":
        raise Conflict(gettext("Amendments close when the vote opens."))
    amendment = Amendment(
        recommendation_id=recommendation.id,
        member_id=actor.id,
        text=clean_text(text, limit=MAX_LONG_TEXT),
        rationale=clean_text(rationale, field="rationale", limit=MAX_TEXT, required=False),
        status="proposed",
        client_id=client_id,
    )
    db.session.add(amendment)
    db.session.flush()
    db.session.expire(recommendation, ["amendments"])
    _publish_recommendation(jury_session, recommendation)
    return amendment, False


def decide_amendment(
    jury_session: JurySession, amendment_id: Any, *, actor: Any, accept: bool
) -> Amendment:
    """Record the room's decision on an amendment; accepting it rewrites the draft."""
    require_staff(actor, gettext("Only the facilitator records the room's decision."))
    amendment = get_in_session(Amendment, amendment_id, jury_session, field="amendment_id")
    if amendment.status != "proposed":
        raise Conflict(gettext("That amendment has already been decided."))
    recommendation = amendment.recommendation
    if recommendation.status != "draft":
        raise Conflict(gettext("Amendments close when the vote opens."))
    amendment.status = "accepted" if accept else "rejected"
    amendment.decided_at = utcnow()
    if accept:
        recommendation.text = amendment.text
    audit(f"amendment.{amendment.status}", actor=actor, subject=amendment)
    _publish_recommendation(jury_session, recommendation)
    return amendment


def set_recommendation_status(
    jury_session: JurySession, recommendation_id: Any, action: str, *, actor: Any
) -> Recommendation:
    """open_vote, close_vote (decides it against threshold and quorum) or withdraw.
    Staff only. A passed recommendation is what the council-response register lists."""
    require_staff(actor, gettext("Only the facilitator runs the final vote."))
    recommendation = get_in_session(
        Recommendation, recommendation_id, jury_session, field="recommendation_id"
    )
    if action == "open_vote":
        if recommendation.status != "draft":
            raise Conflict(gettext("The vote on this recommendation has already opened."))
        recommendation.status = "voting"
    elif action == "close_vote":
        if recommendation.status != "voting":
            raise Conflict(gettext("The vote on this recommendation is not open."))
        decide_vote(recommendation)
    elif action == "withdraw":
        if recommendation.status in ("passed", "failed"):
            raise Conflict(gettext("A decided recommendation cannot be withdrawn."))
        recommendation.status = "withdrawn"
    else:
        raise Invalid(
            gettext("Unknown action."), fields={"action": "open_vote, close_vote or withdraw"}
        )
    audit(
        f"recommendation.{action}",
        actor=actor,
        subject=recommendation,
        status=recommendation.status,
        **recommendation.vote_counts,
    )
    _publish_recommendation(jury_session, recommendation)
    return recommendation


@dataclass(frozen=True)
class VoteOutcome:
    """A recommendation's final vote as counted now."""

    support: int
    oppose: int
    abstain: int
    quorate: bool
    share: float
    passed: bool


def vote_outcome(recommendation: Recommendation) -> VoteOutcome:
    """Support share = support / (support + oppose); abstentions count towards the quorum
    (votes needed for a valid vote) but not the share."""
    counts = dict(
        db.session.execute(
            select(RecommendationVote.choice, func.count(RecommendationVote.id))
            .where(RecommendationVote.recommendation_id == recommendation.id)
            .group_by(RecommendationVote.choice)
        ).all()
    )
    support, oppose, abstain = (counts.get(c, 0) for c in ("support", "oppose", "abstain"))
    quorate = support + oppose + abstain >= recommendation.quorum
    share = support / (support + oppose) if support + oppose else 0.0
    passed = quorate and support + oppose > 0 and share >= recommendation.threshold - 1e-9
    return VoteOutcome(support, oppose, abstain, quorate, share, passed)


def decide_vote(recommendation: Recommendation) -> VoteOutcome:
    """Close the count: store the votes and the outcome on the recommendation."""
    outcome = vote_outcome(recommendation)
    recommendation.votes_for = outcome.support
    recommendation.votes_against = outcome.oppose
    recommendation.votes_abstain = outcome.abstain
    recommendation.status = "passed" if outcome.passed else "failed"
    recommendation.decided_at = utcnow()
    return outcome


def cast_vote(
    jury_session: JurySession, recommendation_id: Any, choice: Any, *, actor: Any, client_id: Any
) -> tuple[RecommendationVote, bool]:
    """A juror's final vote (support, oppose, abstain): one each, changeable while open."""
    client_id = clean_client_id(client_id)
    require_member(actor, jury_session)
    recommendation = get_in_session(
        Recommendation, recommendation_id, jury_session, field="recommendation_id"
    )
    vote = db.session.scalar(
        select(RecommendationVote).where(
            RecommendationVote.recommendation_id == recommendation.id,
            RecommendationVote.member_id == actor.id,
        )
    )
    if vote is not None and vote.client_id == client_id:
        return vote, True
    if recommendation.status != "voting":
        raise Conflict(gettext("The vote on this recommendation is not open."))
    if choice not in ("support", "oppose", "abstain"):
        raise Invalid(
            gettext("Choose support, oppose or abstain."), fields={"choice": gettext("Choose one")}
        )
    if vote is None:
        vote = RecommendationVote(
            recommendation_id=recommendation.id,
            member_id=actor.id,
            choice=choice,
            client_id=client_id,
        )
        db.session.add(vote)
    else:
        vote.choice, vote.client_id = choice, client_id
    db.session.flush()
    outcome = vote_outcome(recommendation)
    signal(
        staff_room(jury_session),
        "vote_tally",
        {
            "recommendation_id": recommendation.id,
            "support": outcome.support,
            "oppose": outcome.oppose,
            "abstain": outcome.abstain,
        },
    )
    return vote, False


def write_minority_report(
    jury_session: JurySession, recommendation_id: Any, *, actor: Any, text: Any, client_id: Any
) -> tuple[MinorityReport, bool]:
    """A juror who disagrees attaches a minority report (and signs it)."""
    client_id = clean_client_id(client_id)
    existing = _written_before(
        MinorityReport, MinorityReport.author_member_id, client_id, actor, jury_session
    )
    if existing is not None:
        return existing, True
    recommendation = _for_juror_to_write(jury_session, recommendation_id, actor)
    if recommendation.status == "withdrawn":
        raise Conflict(gettext("That recommendation was withdrawn."))
    report = MinorityReport(
        recommendation_id=recommendation.id,
        author_member_id=actor.id,
        text=clean_text(text, limit=MAX_LONG_TEXT),
        client_id=client_id,
    )
    db.session.add(report)
    db.session.flush()
    db.session.add(MinorityReportSignature(report_id=report.id, member_id=actor.id))
    db.session.flush()
    db.session.expire(recommendation, ["minority_reports"])
    _publish_recommendation(jury_session, recommendation)
    return report, False


def sign_minority_report(
    jury_session: JurySession, report_id: Any, *, actor: Any
) -> MinorityReport:
    """Add the juror's signature (signing twice changes nothing)."""
    require_member(actor, jury_session)
    report = get_in_session(MinorityReport, report_id, jury_session, field="report_id")
    signed = db.session.scalar(
        select(MinorityReportSignature).where(
            MinorityReportSignature.report_id == report.id,
            MinorityReportSignature.member_id == actor.id,
        )
    )
    if signed is None:
        db.session.add(MinorityReportSignature(report_id=report.id, member_id=actor.id))
        db.session.flush()
        db.session.expire(report, ["signatures"])
        _publish_recommendation(jury_session, report.recommendation)
    return report


# --------------------------------------------------------------------------- idea board
