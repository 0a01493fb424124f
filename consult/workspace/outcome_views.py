"""Public accountability pages and the open-data feed: "You said, we did".

The pages are bilingual (issue 19): a Welsh visitor sees the Welsh versions of the council's
response, reasons and progress notes, and of the consultation's, question's and jury's
texts, where the officers wrote them; anything else shows in English inside lang="en-GB",
with the note at the top of the page."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask import Response, abort, jsonify, render_template
from flask.typing import ResponseReturnValue
from markupsafe import Markup, escape
from sqlalchemy import select

from consult.auth.access import public
from consult.cells import csv_text
from consult.consultations.kinds import question_kind
from consult.dates import local_strftime
from consult.extensions import db
from consult.i18n import HTML_LANG, LANGUAGES, current_language, localised
from consult.models import (
    AnalysisRun,
    Consultation,
    CouncilResponse,
    Jury,
    MinorityReport,
    PBRound,
    Recommendation,
    Theme,
)
from consult.representation import questionnaire
from consult.representation import report as representation_report
from consult.workspace import outcomes_bp as bp
from consult.workspace import payloads, queries

CSV_COLUMNS = [
    "kind",
    "title",
    "source_kind",
    "source_slug",
    "source_title",
    "status",
    "response",
    "reasons",
    "owner",
    "due_date",
    "progress",
    "published_at",
    "updated_at",
]


@bp.app_template_filter("day_in_language")
def day_in_language(value: date | None) -> str:
    """A date (a response's due date) as "31 March 2027", the month in the page's language."""
    return local_strftime(value, "%-d %B %Y", current_language()) if value else ""


@bp.app_template_global("theme_text")
def theme_text(theme: Theme, field: str) -> Markup:
    """A theme's label or description, in the language of its answers (analysis gives the
    answers written in Welsh themes of their own, `language` "cy"), inside a `lang` span
    when that is not the page's language."""
    text = getattr(theme, field) or ""
    language = theme.language if theme.language in HTML_LANG else LANGUAGES[0]
    if language == current_language():
        return escape(text)
    return Markup('<span lang="{}">{}</span>').format(HTML_LANG[language], text)


def _falls_back(shown: Iterable[tuple[Any, str]]) -> bool:
    """On a page not in English: whether any (row, field) shown has English text and no
    Welsh version (`<field>_cy`, where the row has one), so the page needs the note."""
    if current_language() == LANGUAGES[0]:
        return False
    return any(
        (getattr(row, field, None) or "").strip()
        and not (getattr(row, f"{field}_cy", None) or "").strip()
        for row, field in shown
    )


def _response_fields(response: CouncilResponse | None) -> list[tuple[Any, str]]:
    if response is None:
        return []
    return [(response, "text"), (response, "reasons")] + [(u, "note") for u in response.updates]


def _published_theme_ids() -> set[int]:
    return set(
        db.session.scalars(
            select(CouncilResponse.theme_id).where(
                CouncilResponse.published_at.is_not(None), CouncilResponse.theme_id.is_not(None)
            )
        )
    )


def _sources() -> tuple[list[Consultation], list[Jury]]:
    """Consultations and juries with something published."""
    consultation_ids = set(
        db.session.scalars(
            select(AnalysisRun.consultation_id)
            .join(Theme, Theme.run_id == AnalysisRun.id)
            .where(Theme.published.is_(True), AnalysisRun.consultation_id.is_not(None))
        )
    )
    jury_ids = set(
        db.session.scalars(
            select(Recommendation.jury_id)
            .join(CouncilResponse, CouncilResponse.recommendation_id == Recommendation.id)
            .where(CouncilResponse.published_at.is_not(None))
        )
    )
    consultations = [db.session.get(Consultation, i) for i in sorted(consultation_ids)]
    juries = [db.session.get(Jury, i) for i in sorted(jury_ids)]
    return [c for c in consultations if c], [j for j in juries if j]


@bp.route("/you-said-we-did/")
@public
def index() -> ResponseReturnValue:
    consultations, juries = _sources()
    budgets = db.session.scalars(
        select(PBRound).where(PBRound.status == "results").order_by(PBRound.counted_at.desc())
    ).all()
    return render_template(
        "outcomes/index.html", consultations=consultations, juries=juries, budgets=budgets
    )


def _published_response(where: Any) -> CouncilResponse | None:
    return db.session.scalar(
        select(CouncilResponse).where(where, CouncilResponse.published_at.is_not(None))
    )


@bp.route("/you-said-we-did/consultations/<slug>")
@public
def consultation(slug: str) -> ResponseReturnValue:
    item = db.first_or_404(select(Consultation).where(Consultation.slug == slug))
    run = queries.current_run(consultation_id=item.id)
    sections = []
    if run is not None:
        for question in item.questions:
            if not question_kind(question.kind).is_text:
                continue
            themes = [
                t
                for t in queries.live_themes(run, question.id)
                if t.published and not t.no_substantive_comment
            ]
            if themes:
                sections.append(
                    {
                        "question": question,
                        "themes": [
                            (t, _published_response(CouncilResponse.theme_id == t.id))
                            for t in sorted(themes, key=lambda t: -t.size)
                        ],
                        # a published theme shows its sub-themes: approving it approves its tree
                        "subthemes": queries.subthemes_of(themes),
                    }
                )
    if not sections:
        abort(404)
    submitted = item.responses.filter_by(status="submitted").count()
    shown: list[tuple[Any, str]] = [(item, "title")]
    for section in sections:
        shown.append((section["question"], "prompt"))
        for theme, response in section["themes"]:
            subthemes = section["subthemes"].get(theme.id, [])
            shown += [
                (t, f)
                for t in [theme, *subthemes]
                if t.language != current_language()  # a theme of Welsh answers is Welsh
                for f in ("label", "description")
            ]
            shown += _response_fields(response)
    return render_template(
        "outcomes/consultation.html",
        consultation=localised(item),
        fallback=_falls_back(shown),
        sections=sections,
        submitted=submitted,
        representation=representation_report.consultation_representation(item),
    )


@bp.route("/you-said-we-did/juries/<slug>")
@public
def jury(slug: str) -> ResponseReturnValue:
    item = db.first_or_404(select(Jury).where(Jury.slug == slug))
    recommendations = db.session.scalars(
        select(Recommendation)
        .where(Recommendation.jury_id == item.id, Recommendation.status == "passed")
        .order_by(Recommendation.position)
    ).all()
    rows = [
        (
            rec,
            _published_response(CouncilResponse.recommendation_id == rec.id),
            db.session.scalars(
                select(MinorityReport).where(MinorityReport.recommendation_id == rec.id)
            ).all(),
        )
        for rec in recommendations
    ]
    if not any(response for _, response, _ in rows):
        abort(404)
    shown: list[tuple[Any, str]] = [(item, "title"), (item, "question")]
    for rec, response, minority in rows:
        shown += [(rec, "title"), (rec, "text")] + [(m, "text") for m in minority]
        shown += _response_fields(response)
    return render_template(
        "outcomes/jury.html",
        jury=localised(item),
        rows=rows,
        changes=questionnaire.report(item),
        fallback=_falls_back(shown),
    )


@bp.route("/api/v1/outcomes")
@public
def feed() -> ResponseReturnValue:
    return jsonify(payloads.published_outcomes())


@bp.route("/api/v1/outcomes.csv")
@public
def feed_csv() -> ResponseReturnValue:
    rows: list[list[Any]] = [list(CSV_COLUMNS)]
    for item in payloads.published_outcomes():
        rows.append(
            [
                item["kind"],
                item["title"],
                item["source"]["kind"],
                item["source"]["slug"],
                item["source"]["title"],
                item["response"]["status"],
                item["response"]["text"],
                item["response"]["reasons"] or "",
                item["owner"],
                item["due_date"] or "",
                item["progress"],
                item["published_at"],
                item["updated_at"],
            ]
        )
    return Response(
        csv_text(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'inline; filename="outcomes.csv"'},
    )
