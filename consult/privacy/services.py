"""Requests about one person's data (privacy feature): finding what is held by a receipt
reference, an email address, a registrant's or a juror's id; erasing it on request; the
subject access export. Officers only, each audited with who and why; the resident's own
"delete my response" proves itself with the response's resume link instead.

Services flush; the caller (a view) commits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext, lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from consult.consultations.about_you import ABOUT_YOU_LABELS
from consult.consultations.kinds import question_kind
from consult.consultations.submission import draft_for_token
from consult.errors import Conflict, Invalid, NotFound, NotPermitted
from consult.extensions import db
from consult.models import (
    Amendment,
    Ballot,
    Consultation,
    Contribution,
    MinorityReport,
    MinorityReportSignature,
    PanelMember,
    Recommendation,
    RecommendationVote,
    Registrant,
    RespondentProfile,
    Response,
    audit,
    utcnow,
)
from consult.privacy import erasure

#: How an officer may look a person up, with the label the form shows.
KEYS = {
    "reference": lazy_gettext("Receipt reference (for a consultation response)"),
    "email": lazy_gettext("Email address (responses and jury registrations)"),
    "registrant": lazy_gettext("Registrant number (from the jury pool)"),
    "juror": lazy_gettext("Juror number (from the jury panel)"),
}
#: What the "nothing found" message calls each key ("We hold nothing found by that …").
NOTHING_FOUND_BY = {
    "reference": lambda: gettext("reference"),
    "email": lambda: gettext("email address"),
    "registrant": lambda: gettext("registrant number"),
    "juror": lambda: gettext("juror number"),
}
REFERENCE = re.compile(r"^RSP-[0-9A-Z]{4}-[0-9A-Z]{4}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
LARGEST_ID = 2**31 - 1  # id columns are 32-bit INTEGER


@dataclass
class Subject:
    """Everything held about one person, found by `by` = `key`."""

    by: str
    key: str
    responses: list[Response] = field(default_factory=list)
    registrants: list[Registrant] = field(default_factory=list)
    members: list[PanelMember] = field(default_factory=list)

    def audit_details(self) -> dict[str, Any]:
        """What the audit log names: ids and references, never the email searched for
        (the log outlives the erasure)."""
        return {
            "by": self.by,
            "responses": [r.reference for r in self.responses],
            "registrants": [r.id for r in self.registrants],
            "jurors": [m.id for m in self.members],
        }


@dataclass
class Erasure:
    """What an erasure request did: counts by kind, and what was kept with the reason."""

    responses: int = 0
    drafts_deleted: int = 0
    registrants: int = 0
    jurors: int = 0
    already_erased: int = 0
    kept: list[str] = field(default_factory=list)


def require_officer(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_staff", False) or not actor.has_role("officer"):
        raise NotPermitted("Only officers can deal with requests about personal data.")


def clean_key(by: str, key: str) -> str:
    """The key in its stored form; raises Invalid (field "key") saying what was wrong."""
    key = (key or "").strip()
    if by not in KEYS:
        raise Invalid(
            gettext("Choose how to find the person."),
            fields={"by": gettext("Choose how to find them")},
        )
    if not key:
        raise Invalid(
            gettext("Enter what to search for."),
            fields={"key": gettext("Enter what to search for")},
        )
    if by == "reference":
        key = key.upper()
        if not REFERENCE.match(key):
            raise Invalid(
                gettext("That is not a receipt reference."),
                fields={
                    "key": gettext(
                        "Enter the reference as it is on the receipt, like RSP-7F3K-9QX2"
                    )
                },
            )
    elif by == "email":
        if len(key) > 254 or not EMAIL.match(key):
            raise Invalid(
                gettext("That is not an email address."),
                fields={"key": gettext("Enter an email address, like name@example.com")},
            )
        key = key.lower()
    elif not key.isascii() or not key.isdigit() or not 0 < int(key) <= LARGEST_ID:
        raise Invalid(
            gettext("That is not a number from the jury pages."),
            fields={
                "key": gettext("Enter the number shown on the jury’s pool or panel page, like 42")
            },
        )
    return key


def find_subject(by: str, key: str, *, actor: Any) -> Subject:
    """Everything held about the person `by` = `key` names. Raises NotPermitted (not an
    officer), Invalid (a key that cannot be one), NotFound (nothing held)."""
    require_officer(actor)
    key = clean_key(by, key)
    subject = Subject(by=by, key=key)
    loading = (selectinload(Response.answers), selectinload(Response.profile))
    if by == "reference":
        subject.responses = list(
            db.session.scalars(select(Response).where(Response.reference == key).options(*loading))
        )
    elif by == "email":
        subject.responses = list(
            db.session.scalars(
                select(Response)
                .join(RespondentProfile, RespondentProfile.response_id == Response.id)
                .where(func.lower(RespondentProfile.email) == key)
                .order_by(Response.id)
                .options(*loading)
            )
        )
        subject.registrants = list(
            db.session.scalars(
                select(Registrant)
                .where(func.lower(Registrant.email) == key)
                .order_by(Registrant.id)
            )
        )
    elif by == "registrant":
        registrant = db.session.get(Registrant, int(key))
        subject.registrants = [registrant] if registrant is not None else []
    else:
        member = db.session.get(PanelMember, int(key))
        subject.members = [member] if member is not None else []
        if member is not None and member.registrant is not None:
            subject.registrants = [member.registrant]
    if by in ("email", "registrant") and subject.registrants:
        subject.members = list(
            db.session.scalars(
                select(PanelMember)
                .where(PanelMember.registrant_id.in_([r.id for r in subject.registrants]))
                .order_by(PanelMember.id)
            )
        )
    if not (subject.responses or subject.registrants or subject.members):
        raise NotFound(
            gettext(
                "We hold nothing found by that %(what)s. Check it against what the person "
                "sent; nothing has been changed.",
                what=NOTHING_FOUND_BY[by](),
            )
        )
    return subject


def erase_subject(subject: Subject, *, reason: str, actor: Any) -> Erasure:
    """Erase what is held about the person (see erasure.py for what goes and stays),
    except what the council may keep, which is listed with the reason in the result.
    Raises Invalid without a reason, Conflict when everything found must be kept (and
    then changes nothing). Records one audit entry naming the officer and the reason."""
    require_officer(actor)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            gettext("Give the reason for erasing."),
            fields={
                "reason": gettext("Enter why you are erasing this, such as the date of the request")
            },
        )
    if len(reason) > 2000:
        raise Invalid(
            gettext("Shorten the reason."),
            fields={"reason": gettext("Use 2,000 characters or fewer")},
        )
    result = Erasure()
    refused_members = {m.id: erasure.member_refusal(m) for m in subject.members}
    refused_registrants = {r.id: erasure.registrant_refusal(r) for r in subject.registrants}
    reasons = (*refused_members.values(), *refused_registrants.values())
    result.kept = sorted({why for why in reasons if why})
    erasable = [
        *subject.responses,
        *(r for r in subject.registrants if not refused_registrants[r.id]),
        *(m for m in subject.members if not refused_members[m.id]),
    ]
    if not erasable:
        raise Conflict(" ".join(result.kept))
    details = subject.audit_details()
    for response in subject.responses:
        if response.erased_at is not None:
            result.already_erased += 1
        elif erasure.erase_response(response) == "deleted":
            result.drafts_deleted += 1
        else:
            result.responses += 1
    via_member = set()
    for member in subject.members:
        if refused_members[member.id]:
            continue
        if member.erased_at is not None:
            result.already_erased += 1
            continue
        if member.registrant is not None and member.registrant.erased_at is None:
            via_member.add(member.registrant.id)
        erasure.erase_member(member)
        result.jurors += 1
    for registrant in subject.registrants:
        if refused_registrants[registrant.id]:
            continue
        if registrant.id in via_member:
            result.registrants += 1
        elif registrant.erased_at is not None:
            result.already_erased += 1
        else:
            erasure.erase_registrant(registrant)
            result.registrants += 1
    audit(
        "personal_data.erased",
        actor=actor,
        reason=reason,
        erased={
            "responses": result.responses,
            "drafts_deleted": result.drafts_deleted,
            "registrants": result.registrants,
            "jurors": result.jurors,
            "already_erased": result.already_erased,
        },
        kept=result.kept,
        **details,
    )
    return result


def erase_own_response(consultation: Consultation, token: str) -> Response | None:
    """A resident's own request, proved by their response's resume link (`token`).
    Returns the response erased (None for a draft, which is deleted). Raises NotFound,
    changing nothing, for a link that matches no response to this consultation."""
    response = response_for_link(consultation, token)
    outcome = erasure.erase_response(response)
    audit(
        "personal_data.erased",
        subject=response if outcome == "erased" else None,
        reason="Asked for by the resident, with their response's link",
        by="resident",
        responses=[response.reference],
        erased={"responses": 1 if outcome == "erased" else 0},
    )
    return response if outcome == "erased" else None


def response_for_link(consultation: Consultation, token: str) -> Response:
    """The response a resume link proves, or NotFound (an unknown, mistyped or already
    used link: erasure takes the link's hash off the response)."""
    response = draft_for_token(consultation, token)
    if response is None:
        raise NotFound(
            gettext(
                "This link does not match a response to this consultation. It may have been "
                "mistyped, or the response may already have been deleted. Nothing has been "
                "changed. Use the link from your receipt, or contact the council quoting "
                "your reference."
            )
        )
    return response


# --- subject access -------------------------------------------------------------------------


def subject_access(subject: Subject, *, actor: Any, form: str) -> dict[str, Any]:
    """Everything held about the person as JSON-able data (what the readable page and the
    download both show), recorded in the audit log with the officer and the `form`
    ("page" or "json")."""
    require_officer(actor)
    audit("personal_data.accessed", actor=actor, form=form, **subject.audit_details())
    return {
        "controller": current_app.config["COUNCIL_NAME"],
        "generated_at": _iso(utcnow()),
        "found_by": str(KEYS[subject.by]),
        "responses": [_response(r) for r in subject.responses],
        "jury_registrations": [_registrant(r) for r in subject.registrants],
        "jury_service": [_member(m) for m in subject.members],
        "retention": retention_periods(),
    }


def retention_periods() -> dict[str, int]:
    """The retention settings, in days (the /privacy page shows the same numbers)."""
    config = current_app.config
    return {
        "response_personal_days": int(config["RETAIN_RESPONSE_PERSONAL_DAYS"]),
        "about_you_days": int(config["RETAIN_ABOUT_YOU_DAYS"]),
        "registrants_not_selected_days": int(config["RETAIN_REGISTRANTS_NOT_SELECTED_DAYS"]),
        "jurors_after_jury_days": int(config["RETAIN_JURORS_AFTER_JURY_DAYS"]),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _response(response: Response) -> dict[str, Any]:
    consultation = response.consultation
    questions = {q.id: q for q in consultation.questions}
    answers = []
    for answer in sorted(response.answers, key=lambda a: questions[a.question_id].position):
        question = questions[answer.question_id]
        answers.append(
            {
                "question": question.prompt,
                "answer": question_kind(question.kind).answer_text(
                    question, answer, originals=True
                ),
                "published_form": answer.redacted_text if answer.text is not None else None,
                "hidden": answer.moderation == "hidden",
            }
        )
    profile = response.profile
    about = None
    if profile is not None:
        about = {
            "email": profile.email,
            **{
                ABOUT_YOU_LABELS[name]: getattr(profile, name)
                for name in ("age_band", "gender", "ethnicity", "disability", "postcode_district")
            },
            "consented_at": _iso(profile.consented_at),
            "to_be_erased_after": _iso(profile.erase_after),
        }
    return {
        "reference": response.reference,
        "consultation": consultation.title,
        "status": response.status,
        "channel": response.channel,
        "started_at": _iso(response.created_at),
        "submitted_at": _iso(response.submitted_at),
        "respondent_type": response.respondent_type,
        "organisation_name": response.organisation_name,
        "wants_updates": response.wants_updates,
        "erased_at": _iso(response.erased_at),
        "answers": answers,
        "about_you": about,
    }


def _registrant(registrant: Registrant) -> dict[str, Any]:
    return {
        "number": registrant.id,
        "jury": registrant.jury.title,
        "status": registrant.status,
        "first_name": registrant.first_name,
        "last_name": registrant.last_name,
        "email": registrant.email,
        "phone": registrant.phone,
        "address_line": registrant.address_line,
        "postcode": registrant.postcode,
        "answers_used_for_the_lottery": dict(registrant.features or {}),
        "availability": list(registrant.availability or []),
        "registered_at": _iso(registrant.created_at),
        "consented_at": _iso(registrant.consented_at),
        "external_id": registrant.external_id,
        "erased_at": _iso(registrant.erased_at),
    }


def _member(member: PanelMember) -> dict[str, Any]:
    said = db.session.scalars(
        select(Contribution).where(Contribution.member_id == member.id).order_by(Contribution.id)
    )
    votes = db.session.execute(
        select(Recommendation.title, RecommendationVote.choice)
        .join(Recommendation, Recommendation.id == RecommendationVote.recommendation_id)
        .where(RecommendationVote.member_id == member.id)
        .order_by(RecommendationVote.id)
    )
    written = db.session.scalars(
        select(MinorityReport).where(MinorityReport.author_member_id == member.id)
    )
    amendments = db.session.scalars(select(Amendment).where(Amendment.member_id == member.id))
    ballots = db.session.scalar(select(func.count(Ballot.id)).where(Ballot.member_id == member.id))
    signed = db.session.scalar(
        select(func.count(MinorityReportSignature.id)).where(
            MinorityReportSignature.member_id == member.id
        )
    )
    authored = db.session.scalars(
        select(Recommendation.title).where(Recommendation.author_member_id == member.id)
    )
    return {
        "number": member.id,
        "jury": member.jury.title,
        "jury_status": member.jury.status,
        "name_shown": member.display_name,
        "status": member.status,
        "answers_used_for_the_lottery": dict(member.features or {}),
        "invited_at": _iso(member.invited_at),
        "responded_at": _iso(member.responded_at),
        "erased_at": _iso(member.erased_at),
        "said": [
            {"kind": c.kind, "text": c.text, "at": _iso(c.created_at), "hidden": c.hidden}
            for c in said
        ],
        "recommendations_drafted": list(authored),
        "amendments": [
            {"text": a.text, "rationale": a.rationale, "status": a.status} for a in amendments
        ],
        "minority_reports_written": [r.text for r in written],
        "minority_reports_signed": signed or 0,
        "final_votes": [{"recommendation": title, "choice": choice} for title, choice in votes],
        "poll_ballots_cast": ballots or 0,
    }
