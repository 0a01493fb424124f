"""Consultations as JSON-able dicts for the API (model -> dict, nothing else)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for

from consult.consultations.kinds import question_kind
from consult.consultations.services import shown_text
from consult.models import Answer, Consultation, Question, Response, values_of


def _time(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def consultation_summary(consultation: Consultation) -> dict[str, Any]:
    return {
        **values_of(consultation, "slug", "title", "summary", "status"),
        "opens_at": _time(consultation.opens_at),
        "closes_at": _time(consultation.closes_at),
        "url": url_for("consultations.show", slug=consultation.slug, _external=True),
    }


def question(item: Question) -> dict[str, Any]:
    return {
        **values_of(item, "id", "key", "position", "kind", "prompt", "hint", "required"),
        "options": [{"value": str(o["value"]), "label": o["label"]} for o in item.choices],
        **values_of(item, "max_length", "budget_total"),
        "value_type": question_kind(item.kind).value_type,
    }


def consultation_detail(consultation: Consultation) -> dict[str, Any]:
    return {
        **consultation_summary(consultation),
        "background": consultation.background,
        "documents": [{"title": d.title, "url": d.url} for d in consultation.documents],
        "questions": [question(q) for q in consultation.questions],
    }


def receipt(response: Any) -> dict[str, Any]:
    """A Response or a services.Receipt."""
    return {
        "reference": response.reference,
        "status": response.status,
        "submitted_at": _time(response.submitted_at),
    }


def answer(item: Answer, *, originals: bool) -> dict[str, Any]:
    text = question_kind(item.question.kind).is_text
    return {
        "question_id": item.question_id,
        "value": shown_text(item, originals=originals) if text else item.value,
        "flags": list(item.flags or []),
        "moderation": item.moderation,
    }


def response(item: Response, *, originals: bool) -> dict[str, Any]:
    return {
        "reference": item.reference,
        "channel": item.channel,
        "submitted_at": _time(item.submitted_at),
        "respondent_type": item.respondent_type,
        "organisation_name": item.organisation_name,
        "answers": [answer(a, originals=originals) for a in item.answers],
    }
