"""A consultation's figures for its officer dashboard: responses over time, completion per
question, closed-question results and the respondent mix (plain dicts for the template and
Chart.js)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consult.consultations.about_you import ABOUT_YOU_CHOICES, ABOUT_YOU_LABELS
from consult.consultations.forms import LONDON
from consult.consultations.kinds import question_kind
from consult.extensions import db
from consult.models import Answer, Consultation, RespondentProfile, Response

CHANNELS = ("online", "api", "email", "paper", "import", "demo")


def figures(consultation: Consultation) -> dict[str, Any]:
    submitted = db.session.execute(
        select(Response.id, Response.submitted_at, Response.respondent_type, Response.channel)
        .where(Response.consultation_id == consultation.id, Response.status == "submitted")
        .order_by(Response.submitted_at)
    ).all()
    total = len(submitted)
    drafts = db.session.scalar(
        select(db.func.count(Response.id)).where(
            Response.consultation_id == consultation.id, Response.status == "draft"
        )
    )
    per_day = Counter(
        row.submitted_at.astimezone(LONDON).date().isoformat()
        for row in submitted
        if row.submitted_at
    )
    days = sorted(per_day)
    answers = db.session.scalars(
        select(Answer)
        .join(Answer.response)
        .where(Response.consultation_id == consultation.id, Response.status == "submitted")
        .options(selectinload(Answer.question))
    ).all()
    by_question: dict[int, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_question[answer.question_id].append(answer)
    questions = []
    for question in consultation.questions:
        given = by_question.get(question.id, [])
        item: dict[str, Any] = {
            "id": question.id,
            "number": question.position + 1,
            "prompt": question.prompt,
            "kind": question.kind,
            "answered": len(given),
            "rate": round(100 * len(given) / total) if total else 0,
            "chart": question_kind(question.kind).chart(question, [a.value for a in given]),
        }
        questions.append(item)
    profiles = db.session.scalars(
        select(RespondentProfile)
        .join(RespondentProfile.response)
        .where(Response.consultation_id == consultation.id, Response.status == "submitted")
    ).all()
    mix = [
        {
            "field": "respondent_type",
            "title": "Individuals and organisations",
            "chart": _chart(
                Counter(row.respondent_type for row in submitted),
                [("individual", "Individuals"), ("organisation", "Organisations")],
            ),
        },
        {
            "field": "channel",
            "title": "How responses arrived",
            "chart": _chart(
                Counter(row.channel for row in submitted),
                [(c, c.capitalize()) for c in CHANNELS],
            ),
        },
    ]
    for field, choices in ABOUT_YOU_CHOICES.items():
        counts = Counter(getattr(p, field) or "not_given" for p in profiles)
        counts["not_given"] += total - len(profiles)
        mix.append(
            {
                "field": field,
                "title": ABOUT_YOU_LABELS[field],
                "chart": _chart(counts, [*choices, ("not_given", "Not given")]),
            }
        )
    return {
        "total": total,
        "drafts": drafts or 0,
        "over_time": {
            "type": "line",
            "label": "Responses per day",
            "labels": days,
            "values": [per_day[d] for d in days],
        },
        "questions": questions,
        "mix": mix,
    }


def _chart(counts: Counter[str], choices: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "type": "bar",
        "label": "Responses",
        "labels": [label for _, label in choices],
        "values": [counts.get(value, 0) for value, _ in choices],
    }
