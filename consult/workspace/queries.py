"""Read-only questions the officer workspace's pages ask of the database: the run that is
current for a consultation or jury and its themes (views, exports, charts, the outcomes
pages and the demo read runs through here; starting and doing runs is `jobs.py`), a page
of a theme's answers, the council responses already recorded. Nothing here changes a row;
the verbs are in services.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select

from analysis.language import default_identifier
from consult.extensions import db
from consult.models import (
    AnalysisRun,
    Answer,
    Consultation,
    Contribution,
    CouncilResponse,
    DuplicateGroupRecord,
    Jury,
    Question,
    Recommendation,
    ReferenceShare,
    Response,
    Theme,
    ThemeAssignment,
    User,
)
from consult.workspace.analysis_store import latest_finished_run, publishable_text

#: Rows on a page of a theme's answers.
PER_PAGE = 20

Subject = Consultation | Jury


def current_run(
    *, consultation_id: int | None = None, jury_id: int | None = None
) -> AnalysisRun | None:
    """The latest finished run of a consultation or jury (a failed run never replaces it)."""
    return latest_finished_run(consultation_id=consultation_id, jury_id=jury_id)


def live_themes(run: AnalysisRun, question_id: int | None = None) -> list[Theme]:
    """A run's top-level themes that have not been merged away, largest first (the order
    every list, chart and export shows; no-comment last)."""
    query = select(Theme).where(
        Theme.run_id == run.id, Theme.merged_into_id.is_(None), Theme.parent_id.is_(None)
    )
    if question_id is not None:
        query = query.where(Theme.question_id == question_id)
    rows = db.session.scalars(query.order_by(Theme.position, Theme.id)).all()
    return sorted(rows, key=lambda t: (t.no_substantive_comment, -t.size, t.position, t.id))


def subthemes_of(themes: Sequence[Theme]) -> dict[int, list[Theme]]:
    """The live sub-themes of `themes`, by parent id, largest first (one query)."""
    out: dict[int, list[Theme]] = {theme.id: [] for theme in themes}
    if not out:
        return out
    for child in db.session.scalars(
        select(Theme)
        .where(Theme.parent_id.in_(list(out)), Theme.merged_into_id.is_(None))
        .order_by(Theme.position, Theme.id)
    ):
        out[child.parent_id].append(child)  # type: ignore[index]
    for children in out.values():
        children.sort(key=lambda t: (-t.size, t.position, t.id))
    return out


def members(theme: Theme) -> Any:
    """The condition on ThemeAssignment for the answers in `theme` (its sub-theme column
    for a sub-theme)."""
    if theme.parent_id is not None:
        return ThemeAssignment.subtheme_id == theme.id
    return ThemeAssignment.theme_id == theme.id


def open_consultations() -> Sequence[Consultation]:
    """Every consultation past its draft, latest closing first."""
    return db.session.scalars(
        select(Consultation)
        .where(Consultation.status != "draft")
        .order_by(Consultation.closes_at.desc())
    ).all()


def juries() -> Sequence[Jury]:
    """Every jury, newest first."""
    return db.session.scalars(select(Jury).order_by(Jury.id.desc())).all()


def submitted_count(consultation: Consultation) -> int:
    """How many responses to `consultation` were submitted."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Response)
            .where(Response.consultation_id == consultation.id, Response.status == "submitted")
        )
        or 0
    )


def subject_runs(subject: Subject) -> Sequence[AnalysisRun]:
    """Every analysis run of a consultation or a jury, newest first."""
    where = (
        AnalysisRun.consultation_id == subject.id
        if isinstance(subject, Consultation)
        else AnalysisRun.jury_id == subject.id
    )
    return db.session.scalars(
        select(AnalysisRun).where(where).order_by(AnalysisRun.id.desc())
    ).all()


def run_subject(run: AnalysisRun) -> Subject | None:
    """The consultation or jury a run analysed."""
    if run.consultation_id:
        return db.session.get(Consultation, run.consultation_id)
    return db.session.get(Jury, run.jury_id)


def duplicate_groups(run: AnalysisRun | None) -> dict[int | None, list[DuplicateGroupRecord]]:
    """A run's duplicate groups by question, largest first."""
    out: dict[int | None, list[DuplicateGroupRecord]] = {}
    if run is None:
        return out
    for group in db.session.scalars(
        select(DuplicateGroupRecord)
        .where(DuplicateGroupRecord.run_id == run.id)
        .order_by(DuplicateGroupRecord.count.desc())
    ):
        out.setdefault(group.question_id, []).append(group)
    return out


def responses_by_theme(themes: Sequence[Theme]) -> dict[int, CouncilResponse]:
    """The council responses recorded for `themes`, by theme id (one query)."""
    found = _responses(CouncilResponse.theme_id, [theme.id for theme in themes])
    return {r.theme_id: r for r in found if r.theme_id is not None}


def responses_by_recommendation(
    recommendations: Sequence[Recommendation],
) -> dict[int, CouncilResponse]:
    """The council responses recorded for `recommendations`, by recommendation id."""
    found = _responses(CouncilResponse.recommendation_id, [r.id for r in recommendations])
    return {r.recommendation_id: r for r in found if r.recommendation_id is not None}


def _responses(column: Any, ids: list[int]) -> Sequence[CouncilResponse]:
    if not ids:
        return []
    return db.session.scalars(select(CouncilResponse).where(column.in_(ids))).all()


def passed_recommendations(jury: Jury) -> Sequence[Recommendation]:
    """A jury's passed recommendations, in their order."""
    return db.session.scalars(
        select(Recommendation)
        .where(Recommendation.jury_id == jury.id, Recommendation.status == "passed")
        .order_by(Recommendation.position)
    ).all()


def council_response(
    *, theme: Theme | None = None, recommendation: Recommendation | None = None
) -> CouncilResponse | None:
    """The council response to a theme or a recommendation, if one is recorded."""
    if theme is not None:
        where = CouncilResponse.theme_id == theme.id
    elif recommendation is not None:
        where = CouncilResponse.recommendation_id == recommendation.id
    else:
        raise ValueError("give a theme or a recommendation")
    return db.session.scalar(select(CouncilResponse).where(where))


def reference_shares(consultation: Consultation) -> Sequence[ReferenceShare]:
    """The population shares an officer entered for `consultation`'s charts."""
    return db.session.scalars(
        select(ReferenceShare)
        .where(ReferenceShare.consultation_id == consultation.id)
        .order_by(ReferenceShare.field, ReferenceShare.value)
    ).all()


# --------------------------------------------------------------------------- a theme


@dataclass(frozen=True)
class ThemeContext:
    """Where a theme sits: its run, the consultation or jury, and its question (None for a
    jury's contributions)."""

    run: AnalysisRun
    subject: Subject
    question: Question | None


def theme_context(theme: Theme) -> ThemeContext:
    run = db.session.get(AnalysisRun, theme.run_id)
    if run is None:  # the foreign key cascades: a theme always has its run
        raise LookupError(f"theme {theme.id} has no run")
    subject = run_subject(run)
    if subject is None:
        raise LookupError(f"run {run.id} has no subject")
    question = db.session.get(Question, theme.question_id) if theme.question_id else None
    return ThemeContext(run, subject, question)


def move_targets(theme: Theme, run: AnalysisRun) -> list[tuple[Theme, list[Theme]]]:
    """Every live theme of the theme's question with its sub-themes: where an answer can
    go (two queries)."""
    tops = live_themes(run, theme.question_id)
    children = subthemes_of(tops)
    return [(top, children[top.id]) for top in tops]


def approver(theme: Theme) -> User | None:
    return db.session.get(User, theme.approved_by_id) if theme.approved_by_id else None


def assigned_items(
    rows: Sequence[ThemeAssignment],
) -> tuple[dict[int, Answer], dict[int, Contribution]]:
    """The answers and contributions of `rows`, by id: two queries at most, whatever the
    number of rows."""
    answer_ids = [row.answer_id for row in rows if row.answer_id is not None]
    contribution_ids = [row.contribution_id for row in rows if row.contribution_id is not None]
    answers = (
        {a.id: a for a in db.session.scalars(select(Answer).where(Answer.id.in_(answer_ids)))}
        if answer_ids
        else {}
    )
    contributions = (
        {
            c.id: c
            for c in db.session.scalars(
                select(Contribution).where(Contribution.id.in_(contribution_ids))
            )
        }
        if contribution_ids
        else {}
    )
    return answers, contributions


@dataclass(frozen=True)
class ThemeRow:
    """One answer or contribution on a theme's page, with the text the page shows."""

    row: ThemeAssignment
    item_id: int
    text: str
    flags: list[str] = field(default_factory=list)
    language: str = "en"  # the text's, as analysis.language detects it: "cy", "en", "unknown"


@dataclass(frozen=True)
class ThemePage:
    pagination: Pagination
    rows: list[ThemeRow]


def theme_page(
    theme: Theme, *, term: str = "", original: bool = False, cited: int | None = None, page: int = 1
) -> ThemePage:
    """A page of a theme's primary answers (or contributions), the officer's placings and
    exclusions last, most confident first. `term` searches the shown text (the original
    when `original`); `cited` keeps the items behind that summary sentence. The text is
    the stored redacted text unless `original`: nothing is redacted again here."""
    is_answer = theme.question_id is not None
    query = select(ThemeAssignment).where(members(theme), ThemeAssignment.primary.is_(True))
    needle = term.lower()
    if is_answer:
        query = query.join(Answer, ThemeAssignment.answer_id == Answer.id)
        if term:
            column = Answer.text if original else Answer.redacted_text
            query = query.where(func.lower(column).contains(needle))
    else:
        query = query.join(Contribution, ThemeAssignment.contribution_id == Contribution.id)
        if term:
            query = query.where(func.lower(Contribution.text).contains(needle))
    summary = theme.summary or []
    if cited is not None and 0 <= cited < len(summary):
        ids = [int(i) for i in summary[cited].get("response_ids", [])]
        item = ThemeAssignment.answer_id if is_answer else ThemeAssignment.contribution_id
        query = query.where(item.in_(ids or [0]))
    pagination = db.paginate(
        query.order_by(ThemeAssignment.not_relevant, ThemeAssignment.confidence.desc()),
        page=max(1, page),
        per_page=PER_PAGE,
        error_out=False,
    )
    answers, contributions = assigned_items(pagination.items)
    detect = default_identifier().detect  # as the analysis themed it (and the exports say)
    rows = []
    for row in pagination.items:
        if row.answer_id is not None:
            answer = answers[row.answer_id]
            text = (answer.text or "") if original else publishable_text(answer)
            flags = list(answer.flags or [])
            rows.append(ThemeRow(row, answer.id, text, flags, detect(text)))
        else:
            contribution = contributions[row.contribution_id or 0]
            text = contribution.text if original else contribution.redacted
            rows.append(ThemeRow(row, contribution.id, text, language=detect(text)))
    return ThemePage(pagination, rows)


# --------------------------------------------------------------------------- the register


class RegisterRow(NamedTuple):
    """An item of the council response register: a theme of a consultation or a jury's
    passed recommendation, and the response recorded for it (if any)."""

    label: str
    context: str
    recommendation: Recommendation | None
    theme: Theme | None
    response: CouncilResponse | None


def register_rows(subject: Subject) -> list[RegisterRow]:
    """Every item of a consultation (its current run's themes with something to say) or a
    jury (its passed recommendations) that needs a council response, with the response
    already recorded (one query for all of them)."""
    items: list[tuple[str, str, Recommendation | None, Theme | None]] = []
    if isinstance(subject, Consultation):
        run = current_run(consultation_id=subject.id)
        if run is not None:
            for question in subject.questions:
                if question.kind != "free_text":
                    continue
                for theme in live_themes(run, question.id):
                    if not theme.no_substantive_comment:
                        items.append((theme.label, question.prompt, None, theme))
    else:
        for recommendation in passed_recommendations(subject):
            items.append((recommendation.title, recommendation.text, recommendation, None))
    by_theme = responses_by_theme([theme for *_, theme in items if theme is not None])
    by_recommendation = responses_by_recommendation(
        [recommendation for _, _, recommendation, _ in items if recommendation is not None]
    )
    return [
        RegisterRow(
            label,
            context,
            recommendation,
            theme,
            by_recommendation.get(recommendation.id)
            if recommendation is not None
            else by_theme.get(theme.id)
            if theme is not None
            else None,
        )
        for label, context, recommendation, theme in items
    ]
