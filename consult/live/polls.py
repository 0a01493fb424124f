"""Live deliberation: polls. Staff create a poll (a draft), open, close and reveal it;
jurors cast one ballot each, changeable while it is open. What a ballot may hold and how
ballots are tallied belong to the poll's kind (poll_kinds.py). Results stay with the
staff until revealed; revealing shows them to the room (and the public gallery when it
is open). Services check permission, publish and flush; callers commit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select

from consult.errors import Conflict, Invalid
from consult.extensions import db
from consult.live import payloads
from consult.live.checks import (
    MAX_TEXT,
    clean_client_id,
    clean_text,
    get_in_session,
    require_member,
    require_staff,
)
from consult.live.outbox import gallery_room, publish, session_room, signal, staff_room
from consult.live.poll_kinds import KINDS, kind_of
from consult.models import (
    Ballot,
    JurySession,
    Poll,
    PollStatement,
    Round,
    audit,
    utcnow,
)


def create_poll(
    jury_session: JurySession,
    *,
    actor: Any,
    kind: str,
    question: Any,
    options: Sequence[Any] = (),
    statements: Sequence[Any] = (),
    dots_per_member: Any = None,
    budget_total: Any = None,
    round_id: Any = None,
    question_cy: Any = None,
    options_cy: Sequence[Any] = (),
    statements_cy: Sequence[Any] = (),
) -> Poll:
    """A draft poll. Options are labels (their values are generated); statements are
    for agree/disagree polls. The `*_cy` are the Welsh versions (issue 19), optional:
    jurors reading in Welsh see them, else the English; a Welsh list, when given, has one
    line per option or statement, in the same order. Staff only. Flushes."""
    require_staff(actor, gettext("Only the facilitator can create polls."))
    if kind not in KINDS:
        message = gettext("Choose a kind of poll.")
        raise Invalid(message, fields={"kind": message})
    poll_kind = KINDS[kind]
    question = clean_text(question, field="question")
    labels = [clean_text(o, field="options", limit=200) for o in options if str(o or "").strip()]
    texts = [clean_text(s, field="statements") for s in statements if str(s or "").strip()]
    poll_kind.check_definition(labels, texts)
    if len(labels) > 30 or len(texts) > 100:
        raise Invalid(
            gettext("That is too many."),
            fields={"options": gettext("Up to 30 options, 100 statements")},
        )
    welsh_labels = _welsh_lines(options_cy, labels, field="options_cy", limit=200)
    welsh_texts = _welsh_lines(statements_cy, texts, field="statements_cy", limit=MAX_TEXT)
    poll = Poll(
        session_id=jury_session.id,
        round_id=(
            get_in_session(Round, round_id, jury_session, field="round_id").id
            if round_id not in (None, "")
            else jury_session.current_round_id
        ),
        kind=kind,
        question=question,
        question_cy=clean_text(question_cy, field="question_cy", required=False) or None,
        options=[
            {"value": f"o{i + 1}", "label": label, **({"label_cy": welsh} if welsh else {})}
            for i, (label, welsh) in enumerate(zip(labels, welsh_labels, strict=True))
        ],
        status="draft",
        revealed=False,
        **poll_kind.allowance(dots_per_member, budget_total),
    )
    for position, (text, welsh) in enumerate(zip(texts, welsh_texts, strict=True)):
        poll.statements.append(PollStatement(position=position, text=text, text_cy=welsh or None))
    db.session.add(poll)
    db.session.flush()
    publish(jury_session, staff_room(jury_session), "poll_changed", payloads.poll(poll, staff=True))
    return poll


def _welsh_lines(
    lines: Sequence[Any], english: Sequence[str], *, field: str, limit: int
) -> list[str]:
    """The Welsh versions of `english` (options or statements), one per line in the same
    order; none given, empty ones. A list of another length is refused: which Welsh goes
    with which English would be a guess."""
    welsh = [
        clean_text(line, field=field, limit=limit) for line in lines if str(line or "").strip()
    ]
    if not welsh:
        return [""] * len(english)
    if len(welsh) != len(english):
        message = gettext(
            "Give one Welsh line for each English line (%(english)s), or leave the Welsh empty.",
            english=len(english),
        )
        raise Invalid(message, fields={field: message})
    return welsh


def set_poll_status(jury_session: JurySession, poll_id: Any, action: str, *, actor: Any) -> Poll:
    """open, close or reveal a poll. Staff only. Revealing shows the results to everyone
    (and to the gallery when the session's gallery is open)."""
    require_staff(actor, gettext("Only the facilitator can run polls."))
    poll = get_in_session(Poll, poll_id, jury_session, field="poll_id")
    now = utcnow()
    if action == "open":
        if poll.status != "draft":
            raise Conflict(gettext("That poll has already been opened."))
        poll.status, poll.opened_at = "open", now
    elif action == "close":
        if poll.status != "open":
            raise Conflict(gettext("That poll is not open."))
        poll.status, poll.closed_at = "closed", now
    elif action == "reveal":
        if poll.status == "draft":
            raise Conflict(gettext("Open the poll first."))
        poll.revealed = True
    else:
        raise Invalid(gettext("Unknown action."), fields={"action": "open, close or reveal"})
    audit(f"poll.{action}", actor=actor, subject=poll)
    _announce(jury_session, poll)
    return poll


def translate_poll(
    jury_session: JurySession,
    poll_id: Any,
    *,
    actor: Any,
    question_cy: Any = None,
    options_cy: Sequence[Any] = (),
    statements_cy: Sequence[Any] = (),
) -> Poll:
    """Give a poll its Welsh version, or change it, at any time (a translation changes
    no one's ballot): the question, and one line per option or statement in their order,
    or none (empty: the English shows, with the note). Staff only. Flushes."""
    require_staff(actor, gettext("Only the facilitator can run polls."))
    poll = get_in_session(Poll, poll_id, jury_session, field="poll_id")
    poll.question_cy = clean_text(question_cy, field="question_cy", required=False) or None
    labels = [option["label"] for option in poll.options]
    welsh_labels = _welsh_lines(options_cy, labels, field="options_cy", limit=200)
    poll.options = [
        {key: value for key, value in option.items() if key != "label_cy"}
        | ({"label_cy": welsh} if welsh else {})
        for option, welsh in zip(poll.options, welsh_labels, strict=True)
    ]
    statements = list(poll.statements)
    welsh_texts = _welsh_lines(
        statements_cy, [s.text for s in statements], field="statements_cy", limit=MAX_TEXT
    )
    for statement, welsh in zip(statements, welsh_texts, strict=True):
        statement.text_cy = welsh or None
    audit("poll.translated", actor=actor, subject=poll)
    db.session.flush()
    if poll.status == "draft":  # only the staff see a draft
        publish(
            jury_session, staff_room(jury_session), "poll_changed", payloads.poll(poll, staff=True)
        )
    else:
        _announce(jury_session, poll)
    return poll


def _announce(jury_session: JurySession, poll: Poll) -> None:
    """Publish an opened poll as it now is: to the room (with its results once revealed),
    its full results to the staff, and to the gallery once revealed while it is open."""
    results = poll_results(poll) if poll.revealed else None
    publish(
        jury_session,
        session_room(jury_session),
        "poll_changed",
        payloads.poll(poll, results=results),
    )
    publish(
        jury_session,
        staff_room(jury_session),
        "poll_results",
        {"poll_id": poll.id, "results": poll_results(poll)},
    )
    if poll.revealed and jury_session.gallery_open:
        publish(
            jury_session,
            gallery_room(jury_session),
            "poll_changed",
            payloads.public_poll(poll, results=results),
        )


def cast_ballot(
    jury_session: JurySession, poll_id: Any, value: Any, *, actor: Any, client_id: Any
) -> tuple[Ballot, bool]:
    """A juror's ballot: one per juror per poll, replaced by a later one while the poll is
    open. A retry with the same client_id changes nothing. Returns (ballot, replayed)."""
    client_id = clean_client_id(client_id)
    require_member(actor, jury_session)
    poll = get_in_session(Poll, poll_id, jury_session, field="poll_id")
    ballot = db.session.scalar(
        select(Ballot).where(Ballot.poll_id == poll.id, Ballot.member_id == actor.id)
    )
    if ballot is not None and ballot.client_id == client_id:
        return ballot, True
    if poll.status != "open":
        raise Conflict(gettext("This poll is not open for votes."))
    clean = kind_of(poll).clean(poll, value)
    if ballot is None:
        ballot = Ballot(poll_id=poll.id, member_id=actor.id, value=clean, client_id=client_id)
        db.session.add(ballot)
    else:
        ballot.value, ballot.client_id = clean, client_id
    db.session.flush()
    count = db.session.scalar(select(func.count(Ballot.id)).where(Ballot.poll_id == poll.id))
    signal(staff_room(jury_session), "poll_tally", {"poll_id": poll.id, "ballots": count})
    return ballot, False


def poll_results(poll: Poll, *, with_map: bool = True) -> dict[str, Any]:
    """The ballots counted as the poll's kind counts them (for agree/disagree, with the
    live opinion map unless `with_map` is false)."""
    ballots = db.session.scalars(select(Ballot).where(Ballot.poll_id == poll.id)).all()
    return {
        "ballots": len(ballots),
        "kind": poll.kind,
        **kind_of(poll).tally(poll, ballots, with_map=with_map),
    }
