"""The officer's verbs on the council response register (the theme verbs are in
`theme_edits`, re-exported here). Services check the
actor, change rows, write the audit entry and flush; views commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale, gettext
from sqlalchemy import select

from consult.errors import Conflict, Invalid
from consult.extensions import db
from consult.mail import send_mail
from consult.models import (
    AnalysisRun,
    Consultation,
    CouncilResponse,
    Jury,
    ProgressUpdate,
    Recommendation,
    RespondentProfile,
    Response,
    Theme,
    audit,
    utcnow,
)
from consult.models.outcomes import RESPONSE_STATUSES
from consult.wording import N_
from consult.workspace.theme_edits import (  # noqa: F401  (the theme verbs, re-exported)
    approve_theme,
    describe_theme,
    mark_not_relevant,
    merge_themes,
    move_item,
    not_yet_publishable,
    publish_themes,
    recount,
    refresh,
    rename_theme,
    require_officer,
    split_theme,
    theme_items,
)

#: Kept in English (the open data and the API use them as they are); pages and exports
#: show them through gettext in the officer's language.
STATUS_LABELS = {
    "accepted": N_("Accepted"),
    "accepted_in_part": N_("Accepted in part"),
    "not_accepted": N_("Not accepted"),
    "under_consideration": N_("Under consideration"),
}


_officer = require_officer


# --------------------------------------------------------------------------- council responses


@dataclass
class ResponseInput:
    status: str
    text: str = ""
    reasons: str | None = None
    owner: str = ""
    due_date: date | None = None
    text_cy: str = ""  # the Welsh versions, optional (issue 19)
    reasons_cy: str = ""


def check_response(data: ResponseInput) -> dict[str, str]:
    """The fields in error ({} when it can be saved). Reasons are required unless accepted."""
    errors = {}
    if data.status not in RESPONSE_STATUSES:
        errors["status"] = gettext("Choose the council's response")
    if not (data.text or "").strip():
        errors["text"] = gettext("Enter the council's response")
    needs_reasons = data.status in RESPONSE_STATUSES and data.status != "accepted"
    if needs_reasons and not (data.reasons or "").strip():
        errors["reasons"] = gettext(
            "Enter the reasons: they are required when the response is %(status)s",
            status=gettext(STATUS_LABELS[data.status]).lower(),
        )
    if len(data.owner or "") > 200:
        errors["owner"] = gettext("Use 200 characters or fewer")
    return errors


def record_response(
    data: ResponseInput,
    *,
    recommendation: Recommendation | None = None,
    theme: Theme | None = None,
    actor: Any,
) -> CouncilResponse:
    """Create or update the council's response to a recommendation or a theme."""
    _officer(actor)
    if (recommendation is None) == (theme is None):
        raise ValueError("Give a recommendation or a theme.")
    errors = check_response(data)
    if errors:
        raise Invalid(next(iter(errors.values())), fields=errors)
    if recommendation is not None and recommendation.status != "passed":
        raise Conflict(gettext("Only recommendations the jury passed get a council response."))
    if theme is not None and (theme.no_substantive_comment or theme.merged_into_id):
        raise Conflict(gettext("This theme cannot get a council response."))
    where = (
        CouncilResponse.recommendation_id == recommendation.id
        if recommendation is not None
        else CouncilResponse.theme_id == theme.id  # type: ignore[union-attr]
    )
    response = db.session.scalar(select(CouncilResponse).where(where))
    if response is None:
        response = CouncilResponse(
            recommendation_id=recommendation.id if recommendation else None,
            theme_id=theme.id if theme else None,
            created_by_id=actor.id,
        )
        db.session.add(response)
    response.status = data.status
    response.text = data.text.strip()
    response.reasons = (data.reasons or "").strip() or None
    response.text_cy = (data.text_cy or "").strip() or None
    response.reasons_cy = (data.reasons_cy or "").strip() or None
    response.owner = (data.owner or "").strip()
    response.due_date = data.due_date
    db.session.flush()
    audit("council_response.recorded", actor=actor, subject=response, status=data.status)
    return response


def add_progress(
    response: CouncilResponse, percent: Any, note: str, *, actor: Any, note_cy: str = ""
) -> ProgressUpdate:
    _officer(actor)
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        percent = -1
    if not 0 <= percent <= 100:
        raise Invalid(
            gettext("Progress is a percentage from 0 to 100."),
            fields={"percent": gettext("Enter a whole number from 0 to 100")},
        )
    if not (note or "").strip():
        raise Invalid(
            gettext("Say what has happened."), fields={"note": gettext("Enter a progress note")}
        )
    update = ProgressUpdate(
        council_response_id=response.id,
        percent=percent,
        note=note.strip(),
        note_cy=(note_cy or "").strip() or None,
        created_by_id=actor.id,
    )
    db.session.add(update)
    response.updated_at = utcnow()
    db.session.flush()
    db.session.refresh(response)
    audit("council_response.progress", actor=actor, subject=response, percent=percent)
    return update


def response_source(response: CouncilResponse) -> tuple[str, Any]:
    """("jury", Jury), ("consultation", Consultation) or ("participatory_budgeting",
    PBRound) the response answers."""
    if response.pb_proposal is not None:
        return "participatory_budgeting", response.pb_proposal.pb_round
    if response.recommendation_id is not None:
        return "jury", db.session.get(Jury, response.recommendation.jury_id)  # type: ignore[union-attr]
    theme = response.theme
    run = db.session.get(AnalysisRun, theme.run_id)  # type: ignore[union-attr]
    if run.consultation_id is not None:  # type: ignore[union-attr]
        return "consultation", db.session.get(Consultation, run.consultation_id)  # type: ignore[union-attr]
    return "jury", db.session.get(Jury, run.jury_id)  # type: ignore[union-attr]


def response_title(response: CouncilResponse) -> str:
    if response.recommendation is not None:
        return response.recommendation.title
    if response.pb_proposal is not None:
        return response.pb_proposal.title
    return response.theme.label if response.theme else ""


def publish_response(response: CouncilResponse, *, actor: Any) -> int:
    """Publish a response (and its theme); e-mail the residents who asked to be told, the
    first time a response of their consultation is published. Returns e-mails sent."""
    _officer(actor)
    kind, source = response_source(response)
    refusal = not_yet_publishable(source if kind == "consultation" else None)
    if refusal:
        raise Conflict(refusal)
    first_time = response.published_at is None
    response.published_at = utcnow()
    if response.theme is not None:
        response.theme.published = True
    audit("council_response.published", actor=actor, subject=response)
    if not first_time:
        return 0
    if kind != "consultation":
        return 0
    return notify_participants(source, [response])


def notify_participants(consultation: Consultation, responses: list[CouncilResponse]) -> int:
    """E-mail each resident of the consultation who asked for updates and gave an e-mail,
    in the language they answered in (`Response.language`; the consultation's Welsh title
    where it has one). The council's own words (its response, the themes' titles) are
    sent as the officers wrote them."""
    rows = db.session.execute(
        select(RespondentProfile.email, Response.language)
        .join(Response, RespondentProfile.response_id == Response.id)
        .where(
            Response.consultation_id == consultation.id,
            Response.wants_updates.is_(True),
            Response.status == "submitted",
            RespondentProfile.email.is_not(None),
        )
        .distinct()
    ).all()
    languages: dict[str, str] = {}
    for email, language in rows:  # one e-mail per address, in the language it last chose
        languages[email] = language or "en"
    if not languages:
        return 0
    try:
        link = url_for("outcomes.consultation", slug=consultation.slug, _external=True)
    except RuntimeError:
        link = f"/you-said-we-did/consultations/{consultation.slug}"
    for email, language in languages.items():
        with force_locale(language):
            subject, body = _update_email(consultation, responses, language, link)
        send_mail(email, subject, body)
    return len(languages)


def _update_email(
    consultation: Consultation, responses: list[CouncilResponse], language: str, link: str
) -> tuple[str, str]:
    """The subject and body of the e-mail saying the council has responded."""
    title = (consultation.title_cy if language == "cy" else None) or consultation.title
    lines = []
    for response in responses:
        line = gettext(
            "%(item)s: %(status)s. %(text)s",
            item=response_title(response),
            status=gettext(STATUS_LABELS[response.status]),
            text=response.text,
        )
        if response.reasons:
            line += " " + gettext("Why: %(reasons)s", reasons=response.reasons)
        lines.append(line)
    council = current_app.config.get("COUNCIL_NAME", "The council")
    body = (
        gettext('You asked to hear what happened after the consultation "%(title)s".', title=title)
        + "\n\n"
        + gettext("%(council)s has published its response:", council=council)
        + "\n\n"
        + "\n\n".join(lines)
        + "\n\n"
        + gettext("Read it all, and follow progress, at %(link)s", link=link)
        + "\n"
    )
    return gettext("You said, we did: %(title)s", title=title), body


def bulk_record(
    entries: list[
        tuple[CouncilResponse | None, Recommendation | None, Theme | None, ResponseInput]
    ],
    *,
    actor: Any,
) -> tuple[list[CouncilResponse], dict[str, str]]:
    """Record many responses at once; every row is checked before anything is saved.
    Returns (saved, errors keyed "row-N-field")."""
    _officer(actor)
    errors: dict[str, str] = {}
    for number, (_, _, _, data) in enumerate(entries):
        for name, message in check_response(data).items():
            errors[f"row-{number}-{name}"] = message
    if errors:
        return [], errors
    saved = [
        record_response(data, recommendation=rec, theme=theme, actor=actor)
        for _, rec, theme, data in entries
    ]
    return saved, {}


def overdue_responses(today: date | None = None) -> list[CouncilResponse]:
    """Responses past their due date whose delivery has not reached 100 %."""
    today = today or date.today()
    rows = db.session.scalars(
        select(CouncilResponse)
        .where(
            CouncilResponse.due_date.is_not(None),
            CouncilResponse.due_date < today,
            CouncilResponse.status != "not_accepted",
        )
        .order_by(CouncilResponse.due_date)
    ).all()
    return [r for r in rows if r.progress < 100]
