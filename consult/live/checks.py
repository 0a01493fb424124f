"""Live deliberation: who may act in a session and what input is acceptable. Every live
service starts here: the permission checks take the acting person (`actor`, a staff
`User` or a juror `PanelMember`), the cleaners turn raw event or form values into clean
ones or raise `Invalid` naming the field, and `get_in_session` finds a row that belongs
to the session (anything else is NotFound)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from consult.errors import Conflict, ConsultError, Invalid, NotFound, NotPermitted
from consult.extensions import db
from consult.inputs import LARGEST_ID
from consult.models import Amendment, JurySession, MinorityReport, PanelMember

STAFF_ROLES = ("facilitator", "officer")  # admins always pass has_role
MAX_TEXT = 1000
MAX_LONG_TEXT = 5000
MAX_CLIENT_ID = 64
MAX_DIGITS = 20  # longer text is no number we keep (and int() of it is slow)


class RateLimited(ConsultError):
    """Someone is sending faster than their bucket allows (consult/live/ratelimit.py)."""

    code, status = "rate_limited", 429


# --------------------------------------------------------------------------- people


def is_staff(actor: Any) -> bool:
    return bool(getattr(actor, "is_staff", False)) and actor.has_role(*STAFF_ROLES)


def is_member_of(actor: Any, jury_session: JurySession) -> bool:
    return (
        getattr(actor, "kind", None) == "member"
        and actor.jury_id == jury_session.jury_id
        and actor.status not in ("declined", "dropped")
    )


def require_staff(actor: Any, message: str | None = None) -> None:
    if not is_staff(actor):
        raise NotPermitted(message or gettext("Only the facilitator can do that."))


def require_participant(actor: Any, jury_session: JurySession) -> None:
    """Staff or a juror of this session's jury."""
    if not (is_staff(actor) or is_member_of(actor, jury_session)):
        raise NotPermitted(gettext("You are not part of this session."))


def require_member(actor: Any, jury_session: JurySession, *, speaking: bool = False) -> None:
    """A juror of this session's jury; `speaking` also refuses a muted juror."""
    if not is_member_of(actor, jury_session):
        raise NotPermitted(gettext("Only jurors of this jury can do that."))
    if speaking and actor.muted:
        raise NotPermitted(gettext("The facilitator has muted you for now."))


def require_running(jury_session: JurySession) -> None:
    if jury_session.status not in ("live", "paused"):
        raise Conflict(gettext("The session is not running."))


def get_juror(jury_session: JurySession, member_id: Any) -> PanelMember:
    """The juror `member_id` (an event's or form's `member_id`) of this session's jury;
    raises Invalid for a bad id, NotFound for anyone else."""
    member = db.session.get(PanelMember, clean_int(member_id, field="member_id"))
    if member is None or not is_member_of(member, jury_session):
        raise NotFound(gettext("That juror is not part of this session."))
    return member


def member_names(ids: Iterable[int | None]) -> dict[int, str]:
    """Jurors' display names by id (one query; none for an empty set)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(
        db.session.execute(
            select(PanelMember.id, PanelMember.display_name).where(PanelMember.id.in_(wanted))
        ).all()
    )


def author_name(actor: Any) -> str:
    if getattr(actor, "kind", None) == "member":
        return actor.display_name
    return f"{actor.name} (facilitator)"


# --------------------------------------------------------------------------- input


def clean_text(
    value: Any, *, field: str = "text", limit: int = MAX_TEXT, required: bool = True
) -> str:
    """Trimmed text within `limit` characters; raises Invalid with the field named."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(gettext("Text must be a string."), fields={field: gettext("Enter some text")})
    text = value.strip()
    if required and not text:
        raise Invalid(gettext("Enter some text."), fields={field: gettext("Enter some text")})
    if len(text) > limit:
        raise Invalid(
            gettext("Keep it under %(limit)s characters.", limit=limit),
            fields={field: gettext("Keep it under %(limit)s characters", limit=limit)},
        )
    return text


def clean_client_id(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_CLIENT_ID:
        raise Invalid(
            gettext("Every contribution needs a client_id (up to 64 characters)."),
            fields={"client_id": gettext("Missing or too long")},
        )
    return value.strip()


def client_id_taken() -> Conflict:
    """The one answer to a client_id that is not the sender's to reuse, whoever used it
    and in whichever session (the answer must not tell a juror that another session
    exists or what was said there)."""
    return Conflict(
        gettext("That client_id is already taken."), fields={"client_id": gettext("Use a new one")}
    )


def clean_int(value: Any, *, field: str, low: int | None = None, high: int | None = None) -> int:
    """A whole number (an int, a float with no fractional part, or its digits as text)
    within `low`..`high`, and never beyond what a database id can hold (consult/inputs.py's
    LARGEST_ID, either sign): anything else, however large, infinite or not a number, is
    Invalid naming the field, so no value reaches the database driver to overflow it."""
    message = f"{field} must be a whole number."
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise Invalid(message, fields={field: gettext("Enter a whole number")})
    if isinstance(value, str) and len(value.strip()) > MAX_DIGITS:
        raise Invalid(message, fields={field: gettext("Enter a whole number")})
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise Invalid(message, fields={field: gettext("Enter a whole number")}) from None
    if (
        (low is not None and number < low)
        or (high is not None and number > high)
        or abs(number) > LARGEST_ID
    ):
        low_shown = low if low is not None else -LARGEST_ID
        high_shown = min(high, LARGEST_ID) if high is not None else LARGEST_ID
        raise Invalid(
            f"{field} must be between {low_shown} and {high_shown}.",
            fields={field: f"Enter a number from {low_shown} to {high_shown}"},
        )
    return number


def get_session(session_id: Any) -> JurySession:
    jury_session = db.session.get(JurySession, clean_int(session_id, field="session_id"))
    if jury_session is None:
        raise NotFound(gettext("There is no such session."))
    return jury_session


def get_in_session(model: type, object_id: Any, jury_session: JurySession, *, field: str) -> Any:
    """The `model` row with id `object_id` (from the `field` of an event or form), if it
    belongs to `jury_session`; raises Invalid for a bad id, NotFound otherwise."""
    row = db.session.get(model, clean_int(object_id, field=field))
    session_id = getattr(row, "session_id", None)
    if model is Amendment and row is not None:
        session_id = row.recommendation.session_id
    if model is MinorityReport and row is not None:
        session_id = row.recommendation.session_id
    if row is None or session_id != jury_session.id:
        raise NotFound(gettext("That is not part of this session."))
    return row
