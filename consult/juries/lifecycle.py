"""The end of a jury (juries feature): an officer marks it finished once its last session
is over. From then on its jurors may have their data erased on request, and the retention
period for jurors (RETAIN_JURORS_AFTER_JURY_DAYS, consult/privacy) counts from this date.

Services flush; the caller commits."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from consult.errors import Conflict, NotPermitted
from consult.extensions import db
from consult.models import Jury, JurySession, audit, utcnow


def finish_jury(jury: Jury, *, actor: Any) -> Jury:
    """Mark a jury finished (officers only). Raises Conflict before a panel is confirmed,
    while one of its sessions is live or paused, or when it has finished already."""
    if actor is None or not getattr(actor, "is_staff", False) or not actor.has_role("officer"):
        raise NotPermitted(gettext("Only the jury's officers can do that."))
    if jury.status == "finished":
        raise Conflict(gettext("This jury has already finished."))
    if jury.status == "recruiting":
        raise Conflict(gettext("This jury has no panel yet: confirm a draw before it can finish."))
    live = db.session.scalar(
        select(JurySession.title).where(
            JurySession.jury_id == jury.id, JurySession.status.in_(("live", "paused"))
        )
    )
    if live is not None:
        raise Conflict(
            gettext("The session “%(session)s” is still running: end it first.", session=live)
        )
    jury.status = "finished"
    jury.finished_at = utcnow()
    audit("jury.finished", actor=actor, subject=jury)
    return jury
