"""Erasing one person's data (privacy feature): a response, a registrant, a juror. What
goes and what stays is set out in docs/privacy.md; in short, personal data (contact
details, the "about you" profile, names, the person's own free text) is removed or
replaced by a marker, while the rows that counts and the published record rest on stay
(a response still counts, closed answers stay as anonymised answers, a lottery's inputs
stay checkable, a jury's votes still add up).

These functions check only whether the law lets the council keep the data (`refusal`);
who may ask, and the audit entry, are the caller's (services.py, retention.py). They
flush, never commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy import select, update

from consult.extensions import db
from consult.models import (
    Amendment,
    AnalysisRun,
    Contribution,
    DuplicateGroupRecord,
    JurySession,
    LiveEvent,
    MinorityReport,
    PanelMember,
    PollStatement,
    Recommendation,
    Registrant,
    Response,
    SignInSession,
    Theme,
    utcnow,
)

#: What replaces a person's own words once erased.
ON_REQUEST = "[Erased at the person's request]"
BY_RETENTION = "[Erased at the end of the retention period]"
#: A juror's name once erased (jurors' names appear in the facilitator's views and logs).
FORMER_JUROR = "Former juror"
#: Panel statuses that mean someone is (still) serving on a jury.
SERVING = ("invited", "confirmed")


# --- refusals: where the council may keep the data ---------------------------------------


def member_refusal(member: PanelMember) -> str | None:
    """Why a juror's data may not be erased yet, or None: while their jury has not
    finished, the council needs it to run the jury (and the record of a jury in progress
    must not change under it)."""
    jury = member.jury
    if jury.status != "finished" and member.status in SERVING:
        return gettext(
            "%(name)s is serving on the jury “%(jury)s”, which has not finished. The "
            "council keeps jurors’ details while their jury runs; they can be erased once "
            "an officer marks the jury as finished, or after the juror has dropped out.",
            name=member.display_name,
            jury=jury.title,
        )
    return None


def registrant_refusal(registrant: Registrant) -> str | None:
    """Why a registrant's data may not be erased yet, or None (see `member_refusal`)."""
    for member in _members_of(registrant):
        refusal = member_refusal(member)
        if refusal is not None:
            return refusal
    return None


def _members_of(registrant: Registrant) -> list[PanelMember]:
    return list(
        db.session.scalars(select(PanelMember).where(PanelMember.registrant_id == registrant.id))
    )


# --- responses ----------------------------------------------------------------------------


def erase_response(response: Response, *, marker: str = ON_REQUEST) -> str:
    """Erase a response's personal data. A draft (never sent, counted nowhere) is deleted;
    a submitted response keeps its row, reference, dates and closed answers, and loses its
    "about you" profile (with the email), organisation name, resume link and the request
    fingerprint; each free-text answer becomes `marker`, hidden from analysis. Themes that
    quoted it quote the marker. Returns "deleted" or "erased"."""
    if response.status == "draft":
        db.session.delete(response)
        db.session.flush()
        return "deleted"
    if response.profile is not None:
        db.session.delete(response.profile)
        response.profile = None
    response.organisation_name = None
    response.wants_updates = False
    response.resume_token_hash = None
    response.request_fingerprint = None
    erased_answers = []
    for answer in response.answers:
        if answer.text is None and answer.redacted_text is None:
            continue  # a closed answer: kept, anonymised by the rest of the erasure
        answer.text = marker
        answer.redacted_text = marker
        answer.flags = []
        answer.moderation = "hidden"
        answer.moderation_reason = marker
        erased_answers.append(answer.id)
    response.erased_at = utcnow()
    _scrub_themes(AnalysisRun.consultation_id == response.consultation_id, erased_answers, marker)
    db.session.flush()
    return "erased"


def _scrub_themes(run_filter: Any, item_ids: Iterable[int], marker: str) -> None:
    """Replace erased items' words in stored analysis (quotes, summary sentences that
    drew on them, duplicate groups' representative text) for the runs `run_filter`
    picks. Item ids are answer ids for a consultation's runs, contribution ids for a
    jury's."""
    ids = set(item_ids)
    if not ids:
        return
    run_ids = select(AnalysisRun.id).where(run_filter)
    for theme in db.session.scalars(select(Theme).where(Theme.run_id.in_(run_ids))):
        quotes = [
            {**quote, "text": marker} if int(quote.get("id", 0)) in ids else quote
            for quote in theme.quotes or []
        ]
        summary = [
            {**sentence, "sentence": marker}
            if ids & {int(i) for i in sentence.get("response_ids", [])}
            else sentence
            for sentence in theme.summary or []
        ]
        if quotes != theme.quotes:
            theme.quotes = quotes
        if summary != theme.summary:
            theme.summary = summary
    db.session.execute(
        update(DuplicateGroupRecord)
        .where(
            DuplicateGroupRecord.run_id.in_(run_ids),
            DuplicateGroupRecord.representative_answer_id.in_(ids),
        )
        .values(representative_text=marker)
        .execution_options(synchronize_session=False)
    )


# --- registrants ---------------------------------------------------------------------------


def erase_registrant(registrant: Registrant, *, now: datetime | None = None) -> None:
    """Blank a registrant's name and contact details. Kept: the row, its status, its
    features and household key (the lottery's published inputs are checked against them),
    the consent date. Someone still in the pool is withdrawn, so no later draw picks a
    person who can no longer be contacted. The caller checks `registrant_refusal`."""
    registrant.first_name = "Erased"
    registrant.last_name = ""
    registrant.email = None
    registrant.phone = None
    registrant.address_line = None
    registrant.postcode = None
    registrant.external_id = None
    registrant.availability = []
    if registrant.status in ("registered", "reserve"):
        registrant.status = "withdrawn"
    registrant.erased_at = now or utcnow()
    db.session.flush()


# --- jurors --------------------------------------------------------------------------------


def erase_member(member: PanelMember, *, marker: str = ON_REQUEST) -> None:
    """Erase a juror once their jury has finished (the caller checks `member_refusal`):
    their name, their join code (any open sign-in ends), their own words (chat messages,
    ideas, notes and reflections become `marker`, in the broadcast log and stored
    analysis too), the rationale of their amendments, and their registrant's contact
    details. Kept, without their name: their votes and ballots (the results must still
    add up), the features they were drawn for, and what the jury published together
    (recommendations, amendments' wording, poll statements, minority reports), which no
    longer say who wrote them."""
    now = utcnow()
    member.display_name = FORMER_JUROR
    member.join_code_hash = None
    member.join_code_expires_at = None
    member.session_version = (member.session_version or 0) + 1
    member.erased_at = now
    db.session.execute(
        update(SignInSession)
        .where(SignInSession.member_id == member.id, SignInSession.ended_at.is_(None))
        .values(ended_at=now)
        .execution_options(synchronize_session=False)
    )
    contributions = list(
        db.session.scalars(select(Contribution).where(Contribution.member_id == member.id))
    )
    for contribution in contributions:
        contribution.text = marker  # the validator redacts it again: the marker stays
        contribution.idea_group = None
    for amendment in db.session.scalars(select(Amendment).where(Amendment.member_id == member.id)):
        amendment.rationale = ""
        amendment.member_id = None
    for model in (PollStatement, Recommendation, MinorityReport):
        db.session.execute(
            update(model)
            .where(model.author_member_id == member.id)
            .values(author_member_id=None)
            .execution_options(synchronize_session=False)
        )
    contribution_ids = {c.id for c in contributions}
    _scrub_broadcasts(member, contribution_ids, marker)
    _scrub_themes(AnalysisRun.jury_id == member.jury_id, contribution_ids, marker)
    if member.registrant is not None and member.registrant.erased_at is None:
        erase_registrant(member.registrant, now=now)
    db.session.flush()


def _scrub_broadcasts(member: PanelMember, contribution_ids: set[int], marker: str) -> None:
    """The live event log keeps what each room was sent (for clients that reconnect):
    take the juror's name and words out of it too."""
    sessions = select(JurySession.id).where(JurySession.jury_id == member.jury_id)
    for event in db.session.scalars(select(LiveEvent).where(LiveEvent.session_id.in_(sessions))):
        payload = _scrub_payload(
            event.payload, member.id, contribution_ids, marker, "contribution" in event.event
        )
        if payload != event.payload:
            event.payload = payload


def _scrub_payload(
    value: Any, member_id: int, contribution_ids: set[int], marker: str, contribution: bool
) -> Any:
    if isinstance(value, list):
        return [_scrub_payload(v, member_id, contribution_ids, marker, contribution) for v in value]
    if not isinstance(value, dict):
        return value
    scrubbed = {
        key: _scrub_payload(v, member_id, contribution_ids, marker, contribution)
        for key, v in value.items()
    }
    theirs = scrubbed.get("member_id") == member_id or (
        scrubbed.get("kind") == "member" and scrubbed.get("id") == member_id
    )
    if theirs:
        for key in ("author", "name", "display_name"):
            if isinstance(scrubbed.get(key), str):
                scrubbed[key] = FORMER_JUROR
    said_by_them = contribution and scrubbed.get("id") in contribution_ids
    if (theirs or said_by_them) and isinstance(scrubbed.get("text"), str):
        scrubbed["text"] = marker
    return scrubbed
