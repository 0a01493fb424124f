"""Retention that runs (privacy feature): `purge` erases what has been kept for as long as
the settings allow (consult/config.py, docs/privacy.md), one kind of data at a time:

- a response's personal data (its contact email, resume link and the unredacted original
  of its free text, which keeps its redacted copy), RETAIN_RESPONSE_PERSONAL_DAYS after the
  consultation closed; drafts never sent are deleted then too;
- the "about you" profile, on its `erase_after` date (set from RETAIN_ABOUT_YOU_DAYS when
  it was given) or RETAIN_ABOUT_YOU_DAYS after the close, whichever is first;
- registrants not selected, RETAIN_REGISTRANTS_NOT_SELECTED_DAYS after the panel was
  confirmed;
- jurors, RETAIN_JURORS_AFTER_JURY_DAYS after their jury was marked finished.

`flask --app wsgi data purge [--dry-run]` runs it (cli.py), and so does the daily job
(`daily_purge`, on the job runner's daily clock). Flushes; the caller commits."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import selectinload

from consult.extensions import db
from consult.models import (
    Answer,
    AuditEntry,
    Consultation,
    Jury,
    PanelMember,
    Registrant,
    RespondentProfile,
    Response,
    SelectionDraw,
    utcnow,
)
from consult.privacy import erasure

PURGED = "personal_data.purged"
#: The daily job runs when the last purge is at least this old (a little under a day, so
#: a purge at 03:00 today does not slip to 04:00 tomorrow).
DAILY = timedelta(hours=23)


@dataclass
class Purge:
    """How many of each kind were (or, in a dry run, would be) erased."""

    response_personal_data: int = 0
    drafts_deleted: int = 0
    about_you_profiles: int = 0
    registrants_not_selected: int = 0
    jurors_after_jury: int = 0

    def lines(self) -> list[str]:
        return [
            gettext("responses' personal data: %(num)s", num=self.response_personal_data),
            gettext("drafts never sent, deleted: %(num)s", num=self.drafts_deleted),
            gettext("about-you profiles: %(num)s", num=self.about_you_profiles),
            gettext("registrants not selected: %(num)s", num=self.registrants_not_selected),
            gettext("jurors after their jury: %(num)s", num=self.jurors_after_jury),
        ]

    @property
    def total(self) -> int:
        return sum(asdict(self).values())


def _days(name: str) -> timedelta:
    return timedelta(days=int(current_app.config[name]))


def _closed_before(moment: datetime) -> Any:
    """Consultations that closed (early or on their date) before `moment`."""
    closed = func.coalesce(Consultation.closed_at, Consultation.closes_at)
    return select(Consultation.id).where(closed.is_not(None), closed <= moment)


def purge(*, dry_run: bool = False, now: datetime | None = None) -> Purge:
    """Erase (or with `dry_run`, only count) everything due. Records one audit entry with
    the counts when anything was erased, or when run for real (the daily job reads it)."""
    now = now or utcnow()
    done = Purge()
    response_cutoff = _closed_before(now - _days("RETAIN_RESPONSE_PERSONAL_DAYS"))

    # drafts never sent, for consultations closed long enough ago
    drafts = select(Response.id).where(
        Response.status == "draft", Response.consultation_id.in_(response_cutoff)
    )
    draft_ids = list(db.session.scalars(drafts))
    done.drafts_deleted = len(draft_ids)
    if not dry_run:
        _delete(Response, draft_ids)

    # a response's personal data: email, resume link, the unredacted original text
    emailed = select(RespondentProfile.response_id).where(RespondentProfile.email.is_not(None))
    unredacted = select(Answer.response_id).where(
        Answer.text.is_not(None),
        Answer.redacted_text.is_not(None),
        Answer.text != Answer.redacted_text,
    )
    due_responses = list(
        db.session.scalars(
            select(Response)
            .where(
                Response.status == "submitted",
                Response.consultation_id.in_(response_cutoff),
                or_(
                    Response.id.in_(emailed),
                    Response.id.in_(unredacted),
                    Response.resume_token_hash.is_not(None),
                    Response.wants_updates.is_(True),
                ),
            )
            .options(selectinload(Response.answers), selectinload(Response.profile))
        )
    )
    done.response_personal_data = len(due_responses)
    if not dry_run:
        for response in due_responses:
            _drop_response_personal_data(response)

    # "about you" profiles: their erase_after date, or the setting after the close
    about_cutoff = _closed_before(now - _days("RETAIN_ABOUT_YOU_DAYS"))
    profiles = select(RespondentProfile.id).where(
        or_(
            RespondentProfile.erase_after <= now,
            RespondentProfile.response_id.in_(
                select(Response.id).where(Response.consultation_id.in_(about_cutoff))
            ),
        )
    )
    if draft_ids:  # deleted with their drafts above (counted there, even in a dry run)
        profiles = profiles.where(RespondentProfile.response_id.not_in(draft_ids))
    profile_ids = list(db.session.scalars(profiles))
    done.about_you_profiles = len(profile_ids)
    if not dry_run:
        _delete(RespondentProfile, profile_ids)

    # registrants not selected, once the panel has been confirmed long enough ago
    drawn = select(SelectionDraw.jury_id).where(
        SelectionDraw.confirmed.is_(True),
        SelectionDraw.created_at <= now - _days("RETAIN_REGISTRANTS_NOT_SELECTED_DAYS"),
    )
    registrants = list(
        db.session.scalars(
            select(Registrant).where(
                Registrant.erased_at.is_(None),
                Registrant.status != "selected",
                Registrant.jury_id.in_(drawn),
            )
        )
    )
    registrants = [r for r in registrants if erasure.registrant_refusal(r) is None]
    done.registrants_not_selected = len(registrants)
    if not dry_run:
        for registrant in registrants:
            erasure.erase_registrant(registrant, now=now)

    # jurors, once their jury finished long enough ago
    finished = select(Jury.id).where(
        Jury.status == "finished",
        func.coalesce(Jury.finished_at, Jury.updated_at)
        <= now - _days("RETAIN_JURORS_AFTER_JURY_DAYS"),
    )
    members = list(
        db.session.scalars(
            select(PanelMember).where(
                PanelMember.erased_at.is_(None), PanelMember.jury_id.in_(finished)
            )
        )
    )
    done.jurors_after_jury = len(members)
    if not dry_run:
        for member in members:
            erasure.erase_member(member, marker=erasure.BY_RETENTION)
        AuditEntry.record(PURGED, **asdict(done))
    db.session.flush()
    return done


def _delete(model: Any, ids: list[int]) -> None:
    if ids:
        db.session.execute(
            delete(model).where(model.id.in_(ids)).execution_options(synchronize_session=False)
        )


def _drop_response_personal_data(response: Response) -> None:
    """The response's contact details and resume link go; each free-text answer keeps
    only its redacted copy (what analysis and publication already use)."""
    if response.profile is not None:
        response.profile.email = None
    response.wants_updates = False
    response.resume_token_hash = None
    response.request_fingerprint = None
    for answer in response.answers:
        if answer.text is not None and answer.redacted_text is not None:
            answer.text = answer.redacted_text


# --- the daily job ----------------------------------------------------------------------------


def last_purge() -> datetime | None:
    return db.session.scalar(
        select(func.max(AuditEntry.created_at)).where(AuditEntry.action == PURGED)
    )


def daily_purge(_run_id: int = 0) -> None:
    """The daily job (consult.jobs.daily): purge when the last purge, by any process, is
    about a day old or there has been none. Runs in an app context; commits."""
    done = purge_if_due()
    if done is not None:
        current_app.logger.info("daily purge: %s", "; ".join(done.lines()))


def purge_if_due(now: datetime | None = None) -> Purge | None:
    """Purge and commit if due (see `daily_purge`); None when not due."""
    now = now or utcnow()
    last = last_purge()
    if last is not None and now - last < DAILY:
        return None
    done = purge(now=now)
    db.session.commit()
    return done
