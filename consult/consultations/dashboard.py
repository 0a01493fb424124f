"""A consultation's one dashboard for officers: responses over time (a real time axis: every
day, or every week of a long consultation, those with none as 0), completion per question,
each question's answers (closed questions' counts, free-text questions' themes), and who
responded against the population. Plain dicts for the template and Chart.js; every bar chart
is largest first except where the options have an order of their own (a scale, age bands)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consult.consultations.kinds import question_kind
from consult.extensions import db
from consult.models import Answer, Consultation, Response
from consult.workspace import charts

CHANNELS = ("online", "api", "email", "paper", "import", "demo")
GAP = 0.05  # a group's share of respondents this far from the population's is flagged
WEEKLY_AFTER_DAYS = 92  # a longer consultation is charted per week (Monday to Sunday)


def bar(label: str, labels: list[str], values: list[Any], **options: Any) -> dict[str, Any]:
    """A chart spec of one series; `options` (stacked, percent, time_axis) pass to the
    page's script."""
    return {"type": "bar", "label": label, "labels": labels, "values": values, **options}


def series(labels: list[str], datasets: list[tuple[str, list[Any]]], **options: Any) -> dict:
    """A chart spec of several series over the same labels."""
    return {
        "type": "bar",
        "labels": labels,
        "datasets": [{"label": label, "values": values} for label, values in datasets],
        **options,
    }


def over_time(consultation: Consultation) -> dict[str, Any]:
    """Responses per day from the first to the last, the empty days as 0; per week (named
    by its Monday) when that is more than WEEKLY_AFTER_DAYS days."""
    days = charts.responses_over_time(consultation)
    period = "week" if len(days) > WEEKLY_AFTER_DAYS else "day"
    counts: Counter[date] = Counter()
    for day in days:
        moment = date.fromisoformat(day["date"])
        if period == "week":
            moment -= timedelta(days=moment.weekday())
        counts[moment] += day["count"]
    moments = sorted(counts)
    return {
        **bar(
            "Responses",
            [f"{m.day} {m:%b}" for m in moments],
            [counts[m] for m in moments],
            time_axis=True,
        ),
        "period": period,
        "rows": [
            {
                "date": m.isoformat(),
                "label": ("Week of " if period == "week" else "") + f"{m.day} {m:%B %Y}",
                "count": counts[m],
            }
            for m in moments
        ],
    }


def _themes(question: dict[str, Any]) -> dict[str, Any]:
    """A free-text question's themes (largest first) as two charts: by size, split by
    respondent type, and the feeling of each theme's answers."""
    themes = question["themes"]
    felt = [t for t in themes if not t["no_comment"]]
    return {
        "themes": themes,
        "by_size": series(
            [t["label"] for t in themes],
            [
                ("Individuals", [t["groups"]["individual"] for t in themes]),
                ("Organisations", [t["groups"]["organisation"] for t in themes]),
            ],
            stacked=True,
        ),
        "sentiment": series(
            [t["label"] for t in felt],
            [
                (name.capitalize(), [round(100 * t["sentiment"][name]) for t in felt])
                for name in ("positive", "neutral", "negative")
            ],
            stacked=True,
            percent=True,
        ),
    }


def _profile(field: dict[str, Any]) -> dict[str, Any]:
    values = field["values"]
    datasets = [("Respondents (%)", [round(100 * v["share"]) for v in values])]
    if any(v["reference"] is not None for v in values):
        datasets.append(
            (
                "Population (%)",
                [None if v["reference"] is None else round(100 * v["reference"]) for v in values],
            )
        )
    return {
        **field,
        "flagged": [v for v in values if v["gap"] is not None and abs(v["gap"]) > GAP],
        "chart": series([v["label"] for v in values], datasets, percent=True),
    }


def _mix(title: str, field: str, counts: Counter[str], choices: list[tuple[str, str]]) -> dict:
    shown = charts.by_size([c for c in choices if counts.get(c[0])], lambda c: counts[c[0]])
    return {
        "field": field,
        "title": title,
        "chart": bar(
            "Responses", [label for _, label in shown], [counts[value] for value, _ in shown]
        ),
    }


def figures(consultation: Consultation) -> dict[str, Any]:
    submitted = db.session.execute(
        select(Response.id, Response.respondent_type, Response.channel).where(
            Response.consultation_id == consultation.id, Response.status == "submitted"
        )
    ).all()
    total = len(submitted)
    drafts = db.session.scalar(
        select(db.func.count(Response.id)).where(
            Response.consultation_id == consultation.id, Response.status == "draft"
        )
    )
    answers = db.session.scalars(
        select(Answer)
        .join(Answer.response)
        .where(Response.consultation_id == consultation.id, Response.status == "submitted")
        .options(selectinload(Answer.question))
    ).all()
    by_question: dict[int, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_question[answer.question_id].append(answer)
    themes = {q["question_id"]: q for q in charts.theme_figures(consultation)}
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
            "text": question_kind(question.kind).is_text,
        }
        if question.id in themes:
            item.update(_themes(themes[question.id]))
        questions.append(item)
    return {
        "total": total,
        "drafts": drafts or 0,
        "over_time": over_time(consultation),
        "questions": questions,
        "analysed": bool(themes),
        "mix": [
            _mix(
                "Individuals and organisations",
                "respondent_type",
                Counter(row.respondent_type for row in submitted),
                [("individual", "Individuals"), ("organisation", "Organisations")],
            ),
            _mix(
                "How responses arrived",
                "channel",
                Counter(row.channel for row in submitted),
                [(c, c.capitalize()) for c in CHANNELS],
            ),
        ],
        "profile": [_profile(field) for field in charts.profile(consultation)],
    }
