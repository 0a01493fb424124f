"""Consultation pages for residents: the public list, a consultation's page, the response
journey (one question per page, saved as the resident goes, resumable), and the receipt.
Officer pages live in `manage.py` and command-line verbs in `commands.py`, on the same
blueprint."""

from __future__ import annotations

import secrets
from typing import Any

from flask import (
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext

from consult.auth.access import public
from consult.consultations import about_you as about_you_rules
from consult.consultations import bp, services, submission
from consult.consultations.kinds import question_kind
from consult.consultations.limits import submit_rate_limit
from consult.consultations.lookup import consultation_or_404
from consult.consultations.markup import render_markdown
from consult.dates import local_strftime
from consult.errors import ConsultError, Invalid
from consult.extensions import db, limiter
from consult.i18n import current_language, localised
from consult.mail import send_mail
from consult.models import Consultation, Response


@bp.app_template_filter("markdown")
def markdown_filter(text: str) -> Any:
    return render_markdown(text)


@bp.app_template_filter("london")
def london_time(value: Any, pattern: str = "%-d %B %Y, %-I:%M%p") -> str:
    """A UTC datetime as UK local time, in GOV.UK style (10 December 2026, 5:00pm), with the
    month's name and am/pm in the page's language (10 Rhagfyr 2026, 5:00yh)."""
    from zoneinfo import ZoneInfo

    if value is None:
        return ""
    return local_strftime(value.astimezone(ZoneInfo("Europe/London")), pattern, current_language())


# Templates draw and read answers through the question's kind (see kinds.py).
bp.add_app_template_global(question_kind, "question_kind")


def _published_or_404(slug: str) -> Consultation:
    return consultation_or_404(slug, published=True)


def _draft_tokens() -> dict[str, str]:
    return dict(session.get("drafts") or {})


def _remember_draft(consultation: Consultation, token: str) -> None:
    tokens = _draft_tokens()
    tokens[str(consultation.id)] = token
    session["drafts"] = dict(list(tokens.items())[-10:])
    session.permanent = True


def _remember_receipt(reference: str) -> None:
    receipts = [r for r in session.get("receipts") or [] if r != reference]
    session["receipts"] = [*receipts, reference][-10:]


def _current_draft(consultation: Consultation) -> tuple[Response | None, str | None]:
    token = _draft_tokens().get(str(consultation.id))
    return submission.draft_for_token(consultation, token), token


def _resume_url(consultation: Consultation, token: str) -> str:
    return url_for("consultations.resume", slug=consultation.slug, token=token, _external=True)


def _journey_or_redirect(slug: str) -> tuple[Consultation, Response, str] | Any:
    consultation = _published_or_404(slug)
    response, token = _current_draft(consultation)
    if response is None or token is None:
        return redirect(url_for("consultations.show", slug=slug))
    if response.status == "submitted":
        _remember_receipt(response.reference)
        return redirect(url_for("consultations.receipt", slug=slug, reference=response.reference))
    if consultation.status != "open":
        return redirect(url_for("consultations.show", slug=slug))
    return consultation, response, token


@bp.route("/")
@public
def index() -> Any:
    consultations = services.public_consultations()
    db.session.commit()
    return render_template("consultations/index.html", consultations=consultations)


@bp.route("/<slug>")
@public
def show(slug: str) -> Any:
    consultation = _published_or_404(slug)
    response, _token = _current_draft(consultation)
    return render_template(
        "consultations/show.html",
        consultation=localised(consultation),
        draft=response if response is not None and response.status == "draft" else None,
        count=submission.count_submitted(consultation),
    )


@bp.route("/<slug>/start", methods=["POST"])
@limiter.limit(submit_rate_limit, methods=["POST"])
@public
def start(slug: str) -> Any:
    consultation = _published_or_404(slug)
    response, _token = _current_draft(consultation)
    if response is None or response.status != "draft" or request.form.get("fresh"):
        response, token = submission.start_draft(consultation)
        db.session.commit()
        _remember_draft(consultation, token)
    return redirect(url_for("consultations.question", slug=slug, step=1))


@bp.route("/<slug>/resume/<token>")
@public
def resume(slug: str, token: str) -> Any:
    consultation = _published_or_404(slug)
    response = submission.draft_for_token(consultation, token)
    if response is None:
        abort(404)
    _remember_draft(consultation, token)
    if response.status == "submitted":
        _remember_receipt(response.reference)
        return redirect(url_for("consultations.receipt", slug=slug, reference=response.reference))
    answered = {answer.question_id for answer in response.answers}
    for step, question in enumerate(consultation.questions, start=1):
        if question.id not in answered:
            return redirect(url_for("consultations.question", slug=slug, step=step))
    return redirect(url_for("consultations.check", slug=slug))


def _answer_value(response: Response, question_id: int) -> Any:
    for answer in response.answers:
        if answer.question_id == question_id:
            return answer.text if answer.text is not None else answer.value
    return None


@bp.route("/<slug>/respond/<int:step>", methods=["GET", "POST"])
@public
def question(slug: str, step: int) -> Any:
    found = _journey_or_redirect(slug)
    if not isinstance(found, tuple):
        return found
    consultation, response, token = found
    questions = consultation.questions
    if not 1 <= step <= len(questions):
        abort(404)
    question = questions[step - 1]
    error = None
    value = _answer_value(response, question.id)
    status = 200
    if request.method == "POST":
        autosave = request.headers.get("X-Autosave") == "1"
        try:
            raw = services.answer_from_form(question, request.form)
            value = raw
            submission.save_draft_answer(response, question, raw)
        except services.AnswerError as problem:
            db.session.rollback()
            error = str(problem)
            status = 400
        else:
            db.session.commit()
        if autosave:
            return jsonify(saved=error is None, error=error), (200 if error is None else 422)
        if error is None:
            if request.form.get("then") == "check":
                return redirect(url_for("consultations.check", slug=slug))
            if step < len(questions):
                return redirect(url_for("consultations.question", slug=slug, step=step + 1))
            return redirect(url_for("consultations.about_you", slug=slug))
    back = (
        url_for("consultations.question", slug=slug, step=step - 1)
        if step > 1
        else url_for("consultations.show", slug=slug)
    )
    return (
        render_template(
            "consultations/question.html",
            consultation=localised(consultation),
            question=localised(question),
            step=step,
            total=len(questions),
            value=value,
            error=error,
            back=back,
            resume_url=_resume_url(consultation, token),
            from_check=request.values.get("from") == "check",
        ),
        status,
    )


@bp.route("/<slug>/respond/about-you", methods=["GET", "POST"])
@public
def about_you(slug: str) -> Any:
    found = _journey_or_redirect(slug)
    if not isinstance(found, tuple):
        return found
    consultation, response, token = found
    about = about_you_rules.about_you_of(response)
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = {
            name: request.form.get(name)
            for name in about_you_rules.ABOUT_YOU_FIELDS
            if name not in ("consent",)
        }
        had_email = bool(about.get("email"))
        try:
            if request.headers.get("X-Autosave") != "1":
                about_you_rules.check_updates_have_an_email(data)
            submission.save_draft_about_you(response, data)
        except Invalid as problem:
            db.session.rollback()
            errors = problem.fields
            about = {**about, **{k: v for k, v in data.items() if v is not None}}
        else:
            db.session.commit()
            email = response.profile.email if response.profile else None
            if email and not had_email:
                send_mail(
                    email,
                    gettext("Your saved response: %(title)s", title=localised(consultation).title),
                    gettext(
                        "You can come back to your response at any time before the "
                        "consultation closes, using this link:\n\n%(url)s\n\n"
                        "Keep this link private: anyone with it can see and change your answers.",
                        url=_resume_url(consultation, token),
                    ),
                )
            if request.headers.get("X-Autosave") == "1":
                return jsonify(saved=True)
            return redirect(url_for("consultations.check", slug=slug))
        if request.headers.get("X-Autosave") == "1":
            return jsonify(saved=False, errors=errors), 422
    return (
        render_template(
            "consultations/about_you.html",
            consultation=localised(consultation),
            about=about,
            errors=errors,
            choices=about_you_rules.ABOUT_YOU_CHOICES,
            labels=about_you_rules.ABOUT_YOU_LABELS,
            back=url_for("consultations.question", slug=slug, step=len(consultation.questions)),
            resume_url=_resume_url(consultation, token),
        ),
        400 if errors else 200,
    )


@bp.route("/<slug>/respond/check", methods=["GET", "POST"])
@limiter.limit(submit_rate_limit, methods=["POST"])
@public
def check(slug: str) -> Any:
    if request.method == "POST":
        form_token = request.form.get("submit_token", "")
        if form_token:
            earlier = submission.response_for_key(f"web:{form_token[:90]}")
            if earlier is not None and earlier.consultation.slug == slug:
                _remember_receipt(earlier.reference)
                return redirect(
                    url_for("consultations.receipt", slug=slug, reference=earlier.reference)
                )
    found = _journey_or_redirect(slug)
    if not isinstance(found, tuple):
        return found
    consultation, response, token = found
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            sent = submission.submit_draft(
                response,
                form_token=request.form.get("submit_token", ""),
                consent=request.form.get("consent") == "yes",
                language=current_language(),
            )
        except ConsultError as problem:
            db.session.rollback()
            if not isinstance(problem, Invalid):
                raise
            errors = problem.fields
        else:
            db.session.commit()
            if sent and response.profile is not None and response.profile.email:
                title = localised(consultation).title
                send_mail(
                    response.profile.email,
                    gettext(
                        "Your response to %(title)s: %(reference)s",
                        title=title,
                        reference=response.reference,
                    ),
                    gettext(
                        "Thank you for responding to %(title)s.\n\n"
                        "Your reference is %(reference)s. Quote it if you contact us "
                        "about your response.\n\nA copy of your answers:\n\n",
                        title=title,
                        reference=response.reference,
                    )
                    + services.answers_as_text(response),
                )
            _remember_receipt(response.reference)
            return redirect(
                url_for("consultations.receipt", slug=slug, reference=response.reference)
            )
    answers = {answer.question_id: answer for answer in response.answers}
    return (
        render_template(
            "consultations/check.html",
            consultation=localised(consultation),
            response=response,
            answers=answers,
            about=about_you_rules.about_you_of(response),
            choices=about_you_rules.ABOUT_YOU_CHOICES,
            labels=about_you_rules.ABOUT_YOU_LABELS,
            errors=errors,
            submit_token=secrets.token_urlsafe(16),
            resume_url=_resume_url(consultation, token),
        ),
        400 if errors else 200,
    )


def _own_submitted(slug: str, reference: str) -> tuple[Consultation, Response]:
    """The consultation and the response this browser sent (its receipt is remembered in
    the session); 404 for anyone else's reference."""
    if reference not in (session.get("receipts") or []):
        abort(404)
    consultation = _published_or_404(slug)
    response = db.session.scalar(
        db.select(Response).where(
            Response.reference == reference, Response.consultation_id == consultation.id
        )
    )
    if response is None or response.status != "submitted":
        abort(404)
    return consultation, response


@bp.route("/<slug>/receipt/<reference>")
@public
def receipt(slug: str, reference: str) -> Any:
    consultation, response = _own_submitted(slug, reference)
    token = _draft_tokens().get(str(consultation.id))
    own_link = token if submission.draft_for_token(consultation, token) is response else None
    return render_template(
        "consultations/receipt.html",
        consultation=localised(consultation),
        response=response,
        emailed=bool(response.profile and response.profile.email),
        delete_url=url_for("privacy.delete_own_response", slug=consultation.slug, token=own_link)
        if own_link
        else None,
    )


@bp.route("/<slug>/receipt/<reference>/answers")
@public
def receipt_answers(slug: str, reference: str) -> Any:
    """A copy of the answers sent, to keep or print (as Citizen Space offers)."""
    consultation, response = _own_submitted(slug, reference)
    return render_template(
        "consultations/answers_copy.html",
        consultation=localised(consultation),
        response=response,
        answers={answer.question_id: answer for answer in response.answers},
        emailed=bool(response.profile and response.profile.email),
    )
