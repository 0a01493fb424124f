"""Pages for requests about personal data: officers find a person's data, see or download
everything held (subject access) and erase it; a resident deletes their own response with
its link. Views parse, call a service, commit and render; the rules are in services.py."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, render_template, request, session
from flask_login import current_user

from consult.auth.access import public, staff_required
from consult.consultations.lookup import consultation_or_404
from consult.errors import Invalid, NotFound
from consult.extensions import db
from consult.privacy import bp, erasure, services
from consult.privacy.forms import ConfirmForm, EraseForm, FindForm, SubjectForm


def _actor() -> Any:
    return current_user._get_current_object()


def _subject_forms(subject: services.Subject) -> tuple[SubjectForm, EraseForm]:
    values = {"by": subject.by, "key": subject.key}
    return SubjectForm(formdata=None, **values), EraseForm(formdata=None, **values)


@bp.route("/data-requests", methods=["GET", "POST"])
@staff_required("officer")
def find() -> Any:
    """Find what is held about a person (POST, so an email never sits in a URL or a log)."""
    form = FindForm()
    problem = None
    status = 200
    if request.method == "POST":
        try:
            subject = services.find_subject(form.by.data or "", form.key.data or "", actor=_actor())
        except Invalid as refusal:
            for name, message in refusal.fields.items():
                getattr(form, name).errors = [message]
            status = 400
        except NotFound as refusal:
            problem, status = refusal.message, 404
        else:
            access_form, erase_form = _subject_forms(subject)
            return render_template(
                "privacy/found.html",
                subject=subject,
                access_form=access_form,
                erase_form=erase_form,
                kept=_kept(subject),
            )
    return render_template("privacy/find.html", form=form, problem=problem), status


def _kept(subject: services.Subject) -> list[str]:
    reasons = [erasure.member_refusal(m) for m in subject.members]
    return sorted({why for why in reasons if why})


def _subject_from(form: SubjectForm) -> services.Subject:
    return services.find_subject(form.by.data or "", form.key.data or "", actor=_actor())


def _subject_access(form: str) -> tuple[services.Subject, dict[str, Any]]:
    """The person the request names and everything held about them, as `form` ("page" or
    "json"); the access is audited and committed."""
    subject = _subject_from(SubjectForm())
    held = services.subject_access(subject, actor=_actor(), form=form)
    db.session.commit()
    return subject, held


@bp.route("/data-requests/access", methods=["POST"])
@staff_required("officer")
def access() -> Any:
    """Everything held about the person, as a page (audited)."""
    subject, held = _subject_access("page")
    access_form, _erase_form = _subject_forms(subject)
    return render_template("privacy/access.html", held=held, access_form=access_form)


@bp.route("/data-requests/access.json", methods=["POST"])
@staff_required("officer")
def access_json() -> Any:
    """Everything held about the person, as a JSON download (audited)."""
    _subject, held = _subject_access("json")
    return Response(
        json.dumps(held, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="subject-access.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/data-requests/erase", methods=["POST"])
@staff_required("officer")
def erase() -> Any:
    """Erase what is held about the person, with the reason (audited); refused with the
    reason where the council may keep it."""
    form = EraseForm()
    subject = _subject_from(form)
    try:
        result = services.erase_subject(subject, reason=form.reason.data or "", actor=_actor())
    except Invalid as refusal:
        db.session.rollback()
        form.reason.errors = [refusal.fields.get("reason", refusal.message)]
        access_form, _erase_form = _subject_forms(subject)
        return (
            render_template(
                "privacy/found.html",
                subject=subject,
                access_form=access_form,
                erase_form=form,
                kept=_kept(subject),
            ),
            400,
        )
    db.session.commit()
    return render_template("privacy/erased.html", result=result)


# --- a resident's own response ------------------------------------------------------------


@bp.route("/consultations/<slug>/delete/<token>", methods=["GET", "POST"])
@public
def delete_own_response(slug: str, token: str) -> Any:
    """ "Delete my response": the response's resume link is the proof; a confirm step, then
    the result. A link that matches nothing is a 404 saying so, and changes nothing."""
    consultation = consultation_or_404(slug, published=True)
    response = services.response_for_link(consultation, token)
    form = ConfirmForm()
    if form.validate_on_submit():
        reference = response.reference
        sent = response.status == "submitted"
        services.erase_own_response(consultation, token)
        db.session.commit()
        drafts = dict(session.get("drafts") or {})
        if drafts.get(str(consultation.id)) == token:
            drafts.pop(str(consultation.id))
            session["drafts"] = drafts
        session["receipts"] = [r for r in session.get("receipts") or [] if r != reference]
        return render_template(
            "privacy/response_deleted.html",
            consultation=consultation,
            reference=reference,
            sent=sent,
        )
    return render_template(
        "privacy/delete_response.html", consultation=consultation, response=response, form=form
    )
