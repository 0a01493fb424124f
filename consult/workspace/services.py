"""The officer's verbs on themes and on the council response register. Services check the
actor, change rows, write the audit entry and flush; views commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app, url_for
from sqlalchemy import func, select

from consult.errors import Conflict, Invalid, NotFound, NotPermitted
from consult.extensions import db
from consult.mail import send_mail
from consult.models import (
    AnalysisRun,
    AuditEntry,
    Consultation,
    CouncilResponse,
    Jury,
    ProgressUpdate,
    Recommendation,
    RespondentProfile,
    Response,
    Theme,
    ThemeAssignment,
    utcnow,
)
from consult.models.outcomes import RESPONSE_STATUSES
from consult.workspace import queries
from consult.workspace.analysis_store import NO_COMMENT, publishable_text

STATUS_LABELS = {
    "accepted": "Accepted",
    "accepted_in_part": "Accepted in part",
    "not_accepted": "Not accepted",
    "under_consideration": "Under consideration",
}


def _officer(actor: Any) -> None:
    if not getattr(actor, "is_staff", False) or not actor.has_role("officer"):
        raise NotPermitted("Only officers can do this.")


# --------------------------------------------------------------------------- themes


def _field(theme: Theme) -> str:
    return "answer_id" if theme.question_id is not None else "contribution_id"


def recount(theme: Theme) -> None:
    """Size = primary, relevant items; share of all items of the question in the run."""
    theme.size = (
        db.session.scalar(
            select(func.count())
            .select_from(ThemeAssignment)
            .where(
                ThemeAssignment.theme_id == theme.id,
                ThemeAssignment.primary.is_(True),
                ThemeAssignment.not_relevant.is_(False),
            )
        )
        or 0
    )
    same_question = (
        Theme.question_id.is_(None)
        if theme.question_id is None
        else Theme.question_id == theme.question_id
    )
    total = (
        db.session.scalar(
            select(func.count())
            .select_from(ThemeAssignment)
            .join(Theme, ThemeAssignment.theme_id == Theme.id)
            .where(Theme.run_id == theme.run_id, same_question, ThemeAssignment.primary.is_(True))
        )
        or 0
    )
    theme.share = round(theme.size / total, 4) if total else 0.0


def _editable(theme: Theme) -> None:
    if theme.merged_into_id is not None:
        raise Conflict("That theme was merged into another one.")


def rename_theme(theme: Theme, label: str, *, actor: Any) -> Theme:
    _officer(actor)
    _editable(theme)
    label = (label or "").strip()
    if not label:
        raise Invalid("Enter a name for the theme.", fields={"label": "Enter a name for the theme"})
    if len(label) > 200:
        raise Invalid(
            "Names are 200 characters at most.", fields={"label": "Use 200 characters or fewer"}
        )
    old, theme.label = theme.label, label
    AuditEntry.record("theme.renamed", actor=actor, subject=theme, old=old, new=label)
    db.session.flush()
    return theme


def merge_themes(target: Theme, sources: Iterable[Theme], *, actor: Any) -> Theme:
    """Move every answer of `sources` into `target`; the sources are marked merged."""
    _officer(actor)
    _editable(target)
    sources = [s for s in sources if s.id != target.id]
    if not sources:
        raise Invalid(
            "Choose at least one theme to merge into this one.",
            fields={"sources": "Choose at least one theme"},
        )
    for source in sources:
        _editable(source)
        if source.run_id != target.run_id or source.question_id != target.question_id:
            raise Invalid("Only themes of the same question and run can be merged.")
    field_name = _field(target)
    existing = {
        getattr(a, field_name): a
        for a in db.session.scalars(
            select(ThemeAssignment).where(ThemeAssignment.theme_id == target.id)
        )
    }
    for source in sources:
        for row in db.session.scalars(
            select(ThemeAssignment).where(ThemeAssignment.theme_id == source.id)
        ).all():
            key = getattr(row, field_name)
            already = existing.get(key)
            if already is not None:
                already.primary = already.primary or row.primary
                already.not_relevant = already.not_relevant and row.not_relevant
                db.session.delete(row)
            else:
                row.theme_id = target.id
                existing[key] = row
        source.merged_into_id = target.id
        source.size, source.share = 0, 0.0
        target.quotes = list(target.quotes or []) + [
            q for q in (source.quotes or []) if len(target.quotes or []) < 6
        ]
        target.summary = list(target.summary or []) + list(source.summary or [])
    db.session.flush()
    recount(target)
    AuditEntry.record("theme.merged", actor=actor, subject=target, merged=[s.id for s in sources])
    db.session.flush()
    return target


def theme_items(theme: Theme, *, primary_only: bool = True) -> list[tuple[ThemeAssignment, str]]:
    """The theme's assignments with the shown (redacted) text of each answer/contribution."""
    query = select(ThemeAssignment).where(ThemeAssignment.theme_id == theme.id)
    if primary_only:
        query = query.where(ThemeAssignment.primary.is_(True))
    rows = db.session.scalars(query.order_by(ThemeAssignment.id)).all()
    answers, contributions = queries.assigned_items(rows)
    out = []
    for row in rows:
        if row.answer_id is not None:
            answer = answers.get(row.answer_id)
            out.append((row, publishable_text(answer) if answer else ""))
        else:
            contribution = contributions.get(row.contribution_id or 0)
            out.append((row, contribution.redacted if contribution else ""))
    return out


def split_theme(theme: Theme, n_parts: int | str, *, actor: Any) -> list[Theme]:
    """Re-cluster the theme's answers into `n_parts` (or "auto") themes: the theme keeps the
    first part (and any council response), new themes take the others."""
    _officer(actor)
    _editable(theme)
    if theme.no_substantive_comment:
        raise Invalid("The no-comment group cannot be split.")
    if n_parts != "auto":
        try:
            n_parts = int(n_parts)
        except (TypeError, ValueError):
            n_parts = 0
        if not 2 <= n_parts <= 10:
            raise Invalid(
                "Split into between 2 and 10 themes.",
                fields={"parts": "Enter a number between 2 and 10"},
            )
    items = [(row, text) for row, text in theme_items(theme) if not row.not_relevant]
    if len(items) < 4:
        raise Invalid(
            "A theme needs at least 4 answers to split.",
            fields={"parts": "This theme is too small to split"},
        )
    ids = [str(row.id) for row, _ in items]
    from analysis import themes as find_themes

    result = find_themes(
        [text for _, text in items], ids, n_themes=n_parts, detect_duplicates=False
    )
    parts = [t for t in result.themes]
    if len(parts) < 2:
        raise Conflict("The answers in this theme do not fall into separate groups.")
    by_row = {str(row.id): row for row, _ in items}
    texts = {str(row.id): text for row, text in items}
    field_name = _field(theme)
    siblings = db.session.scalars(
        select(Theme).where(Theme.run_id == theme.run_id, Theme.position > theme.position)
    ).all()
    for sibling in siblings:
        sibling.position += len(parts) - 1
    created = [theme]
    theme_of = result.theme_of()
    no_comment_rows = [by_row[i] for i, t in theme_of.items() if t == NO_COMMENT]
    first, rest = parts[0], parts[1:]
    old_label = theme.label

    def _details(target: Theme, part: Any) -> None:
        target.keyphrases = list(part.keyphrases)
        target.sentiment = dict(part.sentiment)
        target.summary = [
            {
                "sentence": s.sentence,
                "response_ids": [getattr(by_row[i], field_name) for i in s.response_ids],
            }
            for s in part.summary
        ]
        target.quotes = [
            {"id": getattr(by_row[q.id], field_name), "text": texts[q.id]} for q in part.quotes
        ]

    theme.label = first.label if theme.approved_at is None else theme.label
    _details(theme, first)
    for offset, part in enumerate(rest, start=1):
        new = Theme(
            run_id=theme.run_id,
            question_id=theme.question_id,
            position=theme.position + offset,
            engine_key=f"split:{theme.id}:{part.id}",
            label=part.label,
        )
        _details(new, part)
        db.session.add(new)
        db.session.flush()
        for row_id in part.response_ids:
            row = by_row[row_id]
            row.theme_id = new.id
            row.manual = True
        created.append(new)
    for row in no_comment_rows:
        row.manual = True  # stays with the original theme
    db.session.flush()
    for target in created:
        recount(target)
    AuditEntry.record(
        "theme.split",
        actor=actor,
        subject=theme,
        old_label=old_label,
        into=[t.id for t in created],
    )
    db.session.flush()
    return created


def _assignment(theme: Theme, item_id: int) -> ThemeAssignment:
    row = db.session.scalar(
        select(ThemeAssignment).where(
            ThemeAssignment.theme_id == theme.id,
            getattr(ThemeAssignment, _field(theme)) == item_id,
        )
    )
    if row is None:
        raise NotFound("That answer is not in this theme.")
    return row


def move_item(theme: Theme, item_id: int, target: Theme, *, actor: Any) -> ThemeAssignment:
    """Move an answer (or contribution) from one theme to another of the same question."""
    _officer(actor)
    _editable(theme)
    _editable(target)
    if target.run_id != theme.run_id or target.question_id != theme.question_id:
        raise Invalid(
            "Answers can only move between themes of the same question.",
            fields={"target": "Choose a theme of the same question"},
        )
    if target.id == theme.id:
        raise Invalid("Choose a different theme.", fields={"target": "Choose a different theme"})
    row = _assignment(theme, item_id)
    field_name = _field(theme)
    clash = db.session.scalar(
        select(ThemeAssignment).where(
            ThemeAssignment.theme_id == target.id,
            getattr(ThemeAssignment, field_name) == item_id,
        )
    )
    if clash is not None:
        db.session.delete(clash)
        db.session.flush()
    row.theme_id, row.primary, row.manual = target.id, True, True
    db.session.flush()
    recount(theme)
    recount(target)
    AuditEntry.record(
        "theme.item_moved", actor=actor, subject=target, item=item_id, from_theme=theme.id
    )
    db.session.flush()
    return row


def mark_not_relevant(theme: Theme, item_id: int, *, actor: Any, value: bool = True) -> None:
    """Mark an answer in a theme as not relevant (excluded from its count and quotes)."""
    _officer(actor)
    _editable(theme)
    row = _assignment(theme, item_id)
    row.not_relevant = value
    if value:
        theme.quotes = [q for q in (theme.quotes or []) if q.get("id") != item_id]
    db.session.flush()
    recount(theme)
    AuditEntry.record(
        "theme.not_relevant" if value else "theme.relevant",
        actor=actor,
        subject=theme,
        item=item_id,
    )
    db.session.flush()


def approve_theme(theme: Theme, *, actor: Any, approved: bool = True) -> Theme:
    _officer(actor)
    _editable(theme)
    if approved:
        theme.approved_by_id, theme.approved_at = actor.id, utcnow()
    else:
        theme.approved_by_id, theme.approved_at = None, None
    AuditEntry.record(
        "theme.approved" if approved else "theme.unapproved", actor=actor, subject=theme
    )
    db.session.flush()
    return theme


def publish_themes(run: AnalysisRun, *, actor: Any) -> int:
    """Publish every approved theme of a run; returns how many."""
    _officer(actor)
    count = 0
    for theme in db.session.scalars(
        select(Theme).where(
            Theme.run_id == run.id,
            Theme.approved_at.is_not(None),
            Theme.merged_into_id.is_(None),
        )
    ):
        if not theme.published:
            theme.published = True
            count += 1
    AuditEntry.record("themes.published", actor=actor, subject=run, count=count)
    db.session.flush()
    return count


# --------------------------------------------------------------------------- council responses


@dataclass
class ResponseInput:
    status: str
    text: str = ""
    reasons: str | None = None
    owner: str = ""
    due_date: date | None = None


def check_response(data: ResponseInput) -> dict[str, str]:
    """The fields in error ({} when it can be saved). Reasons are required unless accepted."""
    errors = {}
    if data.status not in RESPONSE_STATUSES:
        errors["status"] = "Choose the council's response"
    if not (data.text or "").strip():
        errors["text"] = "Enter the council's response"
    needs_reasons = data.status in RESPONSE_STATUSES and data.status != "accepted"
    if needs_reasons and not (data.reasons or "").strip():
        errors["reasons"] = (
            f"Enter the reasons: they are required when the response is "
            f"{STATUS_LABELS[data.status].lower()}"
        )
    if len(data.owner or "") > 200:
        errors["owner"] = "Use 200 characters or fewer"
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
        raise Conflict("Only recommendations the jury passed get a council response.")
    if theme is not None and (theme.no_substantive_comment or theme.merged_into_id):
        raise Conflict("This theme cannot get a council response.")
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
    response.owner = (data.owner or "").strip()
    response.due_date = data.due_date
    db.session.flush()
    AuditEntry.record(
        "council_response.recorded", actor=actor, subject=response, status=data.status
    )
    db.session.flush()
    return response


def add_progress(
    response: CouncilResponse, percent: Any, note: str, *, actor: Any
) -> ProgressUpdate:
    _officer(actor)
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        percent = -1
    if not 0 <= percent <= 100:
        raise Invalid(
            "Progress is a percentage from 0 to 100.",
            fields={"percent": "Enter a whole number from 0 to 100"},
        )
    if not (note or "").strip():
        raise Invalid("Say what has happened.", fields={"note": "Enter a progress note"})
    update = ProgressUpdate(
        council_response_id=response.id, percent=percent, note=note.strip(), created_by_id=actor.id
    )
    db.session.add(update)
    response.updated_at = utcnow()
    db.session.flush()
    db.session.refresh(response)
    AuditEntry.record("council_response.progress", actor=actor, subject=response, percent=percent)
    db.session.flush()
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
    first_time = response.published_at is None
    response.published_at = utcnow()
    if response.theme is not None:
        response.theme.published = True
    AuditEntry.record("council_response.published", actor=actor, subject=response)
    db.session.flush()
    if not first_time:
        return 0
    kind, source = response_source(response)
    if kind != "consultation":
        return 0
    return notify_participants(source, [response])


def notify_participants(consultation: Consultation, responses: list[CouncilResponse]) -> int:
    """E-mail each resident of the consultation who asked for updates and gave an e-mail."""
    emails = db.session.scalars(
        select(RespondentProfile.email)
        .join(Response, RespondentProfile.response_id == Response.id)
        .where(
            Response.consultation_id == consultation.id,
            Response.wants_updates.is_(True),
            Response.status == "submitted",
            RespondentProfile.email.is_not(None),
        )
        .distinct()
    ).all()
    if not emails:
        return 0
    try:
        link = url_for("outcomes.consultation", slug=consultation.slug, _external=True)
    except RuntimeError:
        link = f"/you-said-we-did/consultations/{consultation.slug}"
    lines = [
        f"{response_title(r)}: {STATUS_LABELS[r.status]}. {r.text}"
        + (f" Why: {r.reasons}" if r.reasons else "")
        for r in responses
    ]
    council = current_app.config.get("COUNCIL_NAME", "The council")
    body = (
        f'You asked to hear what happened after the consultation "{consultation.title}".\n\n'
        f"{council} has published its response:\n\n"
        + "\n\n".join(lines)
        + f"\n\nRead it all, and follow progress, at {link}\n"
    )
    for email in emails:
        send_mail(email, f"You said, we did: {consultation.title}", body)
    return len(emails)


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
