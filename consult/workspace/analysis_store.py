"""Turn rows into plain lists for `analysis`, call it, and store what it found as Theme,
ThemeAssignment and DuplicateGroupRecord rows. Approved themes of the previous run are
kept: a coding frame trained on their answers codes the new answers into them, and only
what it cannot place confidently is clustered afresh."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from consult.consultations.redaction import moderate
from consult.extensions import db
from consult.models import (
    AnalysisRun,
    Answer,
    Consultation,
    Contribution,
    CouncilResponse,
    DuplicateGroupRecord,
    JurySession,
    Question,
    Response,
    Theme,
    ThemeAssignment,
)

Progress = Callable[[float, str], None]
NO_COMMENT_LABEL = "No substantive comment"
NO_COMMENT = 0  # analysis.NO_COMMENT_THEME, without importing the engine at start-up


@dataclass
class Item:
    """One answer or contribution: its row id and the (redacted) text the engine reads."""

    id: int
    text: str


@dataclass
class Carried:
    """An approved theme of the previous run and the items it keeps in this run."""

    old: Theme
    items: list[int] = field(default_factory=list)
    manual: set[int] = field(default_factory=set)
    not_relevant: set[int] = field(default_factory=set)
    confidence: dict[int, float] = field(default_factory=dict)


@dataclass
class Plan:
    """What a run found for one question (or a jury's ideas), before it is stored."""

    question_id: int | None
    total: int
    carried: list[Carried]
    result: Any  # analysis.themes.ThemeResult | None
    needs_review: list[int]
    duplicates_detected: bool = True


def _scaled(progress: Progress, start: float, end: float, prefix: str) -> Progress:
    def report(fraction: float, message: str) -> None:
        progress(start + (end - start) * fraction, f"{prefix}: {message}" if prefix else message)

    return report


def shown_text(answer: Answer) -> str:
    """The text that may be shown or published: the redacted text (redacted now if an
    older row lacks it)."""
    if answer.redacted_text is not None:
        return answer.redacted_text
    return moderate(answer.text or "")[0]


def question_answers(question_id: int) -> list[Answer]:
    """Visible free-text answers to a question from submitted responses."""
    return list(
        db.session.scalars(
            select(Answer)
            .join(Response, Answer.response_id == Response.id)
            .where(
                Answer.question_id == question_id,
                Response.status == "submitted",
                Answer.moderation == "visible",
                Answer.text.is_not(None),
            )
            .order_by(Answer.id)
        )
    )


def jury_contributions(jury_id: int) -> list[Contribution]:
    """A jury's ideas and discussion points that were not hidden by moderation."""
    return list(
        db.session.scalars(
            select(Contribution)
            .join(JurySession, Contribution.session_id == JurySession.id)
            .where(
                JurySession.jury_id == jury_id,
                Contribution.hidden.is_(False),
                Contribution.kind.in_(("idea", "message", "note")),
            )
            .order_by(Contribution.id)
        )
    )


def _previous_run(run: AnalysisRun) -> AnalysisRun | None:
    where = (
        AnalysisRun.consultation_id == run.consultation_id
        if run.consultation_id is not None
        else AnalysisRun.jury_id == run.jury_id
    )
    return db.session.scalar(
        select(AnalysisRun)
        .where(where, AnalysisRun.status == "done", AnalysisRun.id != run.id)
        .order_by(AnalysisRun.finished_at.desc(), AnalysisRun.id.desc())
        .limit(1)
    )


def _approved(previous: AnalysisRun | None, question_id: int | None) -> list[Theme]:
    if previous is None:
        return []
    return list(
        db.session.scalars(
            select(Theme)
            .where(
                Theme.run_id == previous.id,
                Theme.question_id.is_(None)
                if question_id is None
                else (Theme.question_id == question_id),
                Theme.merged_into_id.is_(None),
                Theme.approved_at.is_not(None),
                Theme.no_substantive_comment.is_(False),
            )
            .order_by(Theme.position)
        )
    )


def find_themes(*args: Any, **kwargs: Any) -> Any:
    """`analysis.themes`, imported on first use: scikit-learn and NLTK load inside the job,
    not in every web process at start-up."""
    from analysis import themes

    return themes(*args, **kwargs)


def _run_themes(texts: list[str], ids: list[str], parameters: dict[str, Any], progress: Progress):
    """`analysis.themes` with the run's parameters; returns (result, duplicates detected)."""
    n_themes = parameters.get("n_themes", "auto")
    if n_themes != "auto" and len(texts) < 2 * int(n_themes):
        n_themes = "auto"
    kwargs = {"n_themes": n_themes, "random_state": int(parameters.get("random_state", 0))}
    return find_themes(texts, ids, progress=progress, **kwargs), True


def plan_items(
    items: list[Item],
    *,
    question_id: int | None,
    approved: list[Theme],
    parameters: dict[str, Any],
    field_name: str,
    progress: Progress,
) -> Plan:
    """Code items into approved themes where the coding frame is confident, cluster the
    rest. `field_name` is "answer_id" or "contribution_id"."""
    by_id = {item.id: item for item in items}
    carried = [Carried(old=theme) for theme in approved]
    placed: set[int] = set()
    needs_review: list[int] = []
    if carried:
        progress(0.0, "Coding answers into the approved themes")
        train_texts: list[str] = []
        train_labels: list[int] = []
        index = {c.old.id: c for c in carried}
        rows = db.session.scalars(
            select(ThemeAssignment).where(
                ThemeAssignment.theme_id.in_(list(index)), ThemeAssignment.primary.is_(True)
            )
        ).all()
        for row in rows:
            item_id = getattr(row, field_name)
            if item_id not in by_id:
                continue
            target = index[row.theme_id]
            if row.not_relevant:
                target.not_relevant.add(item_id)
            if row.manual or row.not_relevant:
                # An officer's decision is kept as it was.
                target.items.append(item_id)
                target.confidence[item_id] = row.confidence
                if row.manual:
                    target.manual.add(item_id)
                placed.add(item_id)
                continue
            if not row.not_relevant:
                train_texts.append(by_id[item_id].text)
                train_labels.append(row.theme_id)
        to_code = [item for item in items if item.id not in placed]
        if train_texts and to_code:
            from analysis import CodingFrame

            frame = CodingFrame(threshold=float(parameters.get("coding_threshold", 0.5)))
            try:
                frame.fit(train_texts, train_labels)
                coded = frame.code([item.text for item in to_code])
            except ValueError:
                coded = []
            for item, code in zip(to_code, coded, strict=False):
                if code.theme is None:
                    continue  # nothing to code: the engine puts it with "no comment"
                if code.needs_review:
                    needs_review.append(item.id)
                    continue
                target = index[int(code.theme)]
                target.items.append(item.id)
                target.confidence[item.id] = code.confidence
                placed.add(item.id)
        progress(0.2, "Clustering the answers left over")
        progress = _scaled(progress, 0.2, 1.0, "")
    rest = [item for item in items if item.id not in placed]
    result, detected = None, True
    if rest:
        result, detected = _run_themes(
            [item.text for item in rest], [str(item.id) for item in rest], parameters, progress
        )
    return Plan(question_id, len(items), carried, result, needs_review, detected)


def store_plan(run: AnalysisRun, plan: Plan, *, field_name: str, texts: dict[int, str]) -> int:
    """Write a plan's themes, assignments and duplicate groups; returns the theme count."""
    position = 0
    total = max(1, plan.total)
    count = 0
    for carried in plan.carried:
        old = carried.old
        theme = Theme(
            run_id=run.id,
            question_id=plan.question_id,
            position=position,
            engine_key=f"kept:{old.id}",
            label=old.label,
            keyphrases=list(old.keyphrases or []),
            summary=list(old.summary or []),
            quotes=[q for q in (old.quotes or []) if int(q.get("id", 0)) in set(carried.items)],
            sentiment=dict(old.sentiment or {}),
            approved_by_id=old.approved_by_id,
            approved_at=old.approved_at,
            published=old.published,
        )
        db.session.add(theme)
        db.session.flush()
        for item_id in carried.items:
            db.session.add(
                ThemeAssignment(
                    theme_id=theme.id,
                    confidence=carried.confidence.get(item_id, 1.0),
                    primary=True,
                    manual=item_id in carried.manual,
                    not_relevant=item_id in carried.not_relevant,
                    **{field_name: item_id},
                )
            )
        size = len(set(carried.items) - carried.not_relevant)
        theme.size, theme.share = size, round(size / total, 4)
        response = db.session.scalar(
            select(CouncilResponse).where(CouncilResponse.theme_id == old.id)
        )
        if response is not None:
            response.theme_id = theme.id
        position += 1
        count += 1
    result = plan.result
    if result is None:
        db.session.flush()
        return count
    engine_to_row: dict[int, Theme] = {}
    for found in result.themes:
        theme = Theme(
            run_id=run.id,
            question_id=plan.question_id,
            position=position,
            engine_key=str(found.id),
            label=found.label,
            keyphrases=list(found.keyphrases),
            size=found.size,
            share=round(found.size / total, 4),
            sentiment=dict(found.sentiment),
            summary=[
                {"sentence": s.sentence, "response_ids": [int(i) for i in s.response_ids]}
                for s in found.summary
            ],
            quotes=[{"id": int(q.id), "text": texts.get(int(q.id), q.text)} for q in found.quotes],
        )
        db.session.add(theme)
        engine_to_row[found.id] = theme
        position += 1
        count += 1
    if result.no_comment_ids:
        size = len(result.no_comment_ids)
        engine_to_row[NO_COMMENT] = theme = Theme(
            run_id=run.id,
            question_id=plan.question_id,
            position=position,
            engine_key=str(NO_COMMENT),
            label=NO_COMMENT_LABEL,
            size=size,
            share=round(size / total, 4),
            no_substantive_comment=True,
        )
        db.session.add(theme)
    db.session.flush()
    rows = []
    for assignment in result.assignments:
        item_id = int(assignment.id)
        main = engine_to_row.get(assignment.theme)
        if main is None:
            continue
        rows.append(
            {
                "theme_id": main.id,
                field_name: item_id,
                "confidence": float(assignment.confidence),
                "primary": True,
                "manual": False,
                "not_relevant": False,
            }
        )
        for other, confidence in assignment.other_themes:
            secondary = engine_to_row.get(other)
            if secondary is None or secondary is main:
                continue
            rows.append(
                {
                    "theme_id": secondary.id,
                    field_name: item_id,
                    "confidence": float(confidence),
                    "primary": False,
                    "manual": False,
                    "not_relevant": False,
                }
            )
    if rows:
        db.session.execute(ThemeAssignment.__table__.insert(), rows)
    if field_name == "answer_id":
        for group in result.duplicates:
            data = group.as_dict() if hasattr(group, "as_dict") else dict(group)
            ids = [int(i) for i in data["ids"]]
            representative = data.get("representative_id")
            representative = int(representative) if representative is not None else ids[0]
            db.session.add(
                DuplicateGroupRecord(
                    run_id=run.id,
                    question_id=plan.question_id,
                    kind=data["kind"],
                    count=int(data["count"]),
                    answer_ids=ids,
                    representative_answer_id=representative,
                    representative_text=texts.get(representative, ""),
                )
            )
    db.session.flush()
    return count


def analyse_consultation(run: AnalysisRun, progress: Progress) -> dict[str, Any]:
    """Analyse every free-text question of the run's consultation; returns the summary."""
    consultation = db.session.get(Consultation, run.consultation_id)
    assert consultation is not None
    questions: list[Question] = [q for q in consultation.questions if q.kind == "free_text"]
    previous = _previous_run(run)
    plans: list[tuple[Plan, dict[int, str]]] = []
    for index, question in enumerate(questions):
        start, end = index / max(1, len(questions)), (index + 1) / max(1, len(questions))
        step = _scaled(
            progress, start * 0.95, end * 0.95, f"Question {index + 1} of {len(questions)}"
        )
        answers = question_answers(question.id)
        texts = {answer.id: shown_text(answer) for answer in answers}
        items = [Item(answer_id, text) for answer_id, text in texts.items()]
        plan = plan_items(
            items,
            question_id=question.id,
            approved=_approved(previous, question.id),
            parameters=run.parameters or {},
            field_name="answer_id",
            progress=step,
        )
        plans.append((plan, texts))
    progress(0.96, "Saving themes")
    questions_summary = []
    for plan, texts in plans:
        count = store_plan(run, plan, field_name="answer_id", texts=texts)
        questions_summary.append(
            {
                "question_id": plan.question_id,
                "answers": plan.total,
                "themes": count,
                "kept_themes": len(plan.carried),
                "needs_review": len(plan.needs_review),
                "duplicate_groups": len(plan.result.duplicates) if plan.result else 0,
                "duplicates_detected": plan.duplicates_detected,
            }
        )
    return {
        "questions": questions_summary,
        "answers": sum(p.total for p, _ in plans),
        "themes": sum(q["themes"] for q in questions_summary),
        "previous_run_id": previous.id if previous else None,
    }


def analyse_jury(run: AnalysisRun, progress: Progress) -> dict[str, Any]:
    """Analyse a jury's contributions (ideas and discussion points)."""
    previous = _previous_run(run)
    contributions = jury_contributions(run.jury_id)  # type: ignore[arg-type]
    texts = {c.id: moderate(c.text)[0] for c in contributions}
    plan = plan_items(
        [Item(i, t) for i, t in texts.items()],
        question_id=None,
        approved=_approved(previous, None),
        parameters=run.parameters or {},
        field_name="contribution_id",
        progress=_scaled(progress, 0.0, 0.95, ""),
    )
    progress(0.96, "Saving themes")
    count = store_plan(run, plan, field_name="contribution_id", texts=texts)
    return {
        "contributions": plan.total,
        "themes": count,
        "kept_themes": len(plan.carried),
        "needs_review": len(plan.needs_review),
        "previous_run_id": previous.id if previous else None,
    }
