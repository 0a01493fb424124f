"""Turn rows into plain lists for `analysis`, have it computed, and store what it found as
Theme, ThemeAssignment and DuplicateGroupRecord rows. Approved themes of the previous run
are kept: a coding frame trained on their answers codes the new answers into them, and only
what it cannot place confidently is clustered afresh.

A run is read, computed and stored in three steps. Reading (`prepare_items`) and storing
(`store_plan`) use the database; computing is `analysis.job.analyse` on a JSON-able request,
done by a `Compute` the caller chooses: `compute_here` in this process (tests, an RQ
worker) or `consult.workspace.jobs.ANALYSIS` in a child process (the web
server's default), with the same result for the same request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from analysis.job import analyse
from consult.consultations.kinds import question_kind
from consult.consultations.redaction import moderate
from consult.errors import Invalid
from consult.extensions import db
from consult.models import (
    AnalysisRun,
    Answer,
    Consultation,
    Contribution,
    CouncilResponse,
    DuplicateGroupRecord,
    JurySession,
    Response,
    Theme,
    ThemeAssignment,
)

Progress = Callable[[float, str], None]
#: Computes an `analysis.job` request, reporting progress: in this process or a child.
Compute = Callable[[dict[str, Any], Progress], dict[str, Any]]
NO_COMMENT_LABEL = "No substantive comment"
NO_COMMENT = 0  # analysis.NO_COMMENT_THEME, without importing the engine at start-up


def theme_count(value: int | str, most: int, *, refusal: str, field: str, hint: str) -> int | str:
    """How many themes to ask the engine for: "auto", or a whole number from 2 to `most`.
    Anything else raises Invalid (`refusal`, with `hint` on the form's `field`)."""
    if value == "auto":
        return value
    try:
        count = int(value)
    except (TypeError, ValueError):
        count = 0
    if not 2 <= count <= most:
        raise Invalid(refusal, fields={field: hint})
    return count


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
    subthemes: list[Theme] = field(default_factory=list)  # its live sub-themes
    subtheme_of: dict[int, int] = field(default_factory=dict)  # item -> old sub-theme id


@dataclass
class Task:
    """One question's answers (or a jury's ideas) as read for a run, before computing:
    the approved themes carried over with the officers' own decisions already placed,
    the items left to code or cluster, and what the coding frame learns from."""

    question_id: int | None
    label: str
    total: int
    carried: list[Carried]
    to_code: list[Item]
    frame: tuple[list[str], list[int]] | None

    def request(self) -> dict[str, Any]:
        """This task in an `analysis.job` request."""
        return {
            "label": self.label,
            "items": [[item.id, item.text] for item in self.to_code],
            "frame": (
                None if self.frame is None else {"texts": self.frame[0], "labels": self.frame[1]}
            ),
        }


@dataclass
class Plan:
    """What a run found for one question (or a jury's ideas), before it is stored."""

    question_id: int | None
    total: int
    carried: list[Carried]
    result: dict[str, Any] | None  # analysis.themes.ThemeResult.as_dict()
    needs_review: list[int]
    duplicates_detected: bool = True


def _scaled(progress: Progress, start: float, end: float, prefix: str) -> Progress:
    def report(fraction: float, message: str) -> None:
        progress(start + (end - start) * fraction, f"{prefix}: {message}" if prefix else message)

    return report


def publishable_text(answer: Answer) -> str:
    """An answer's redacted text: what is analysed, quoted, exported and published
    (redacted now if an older row lacks it). Never the original; whether one reader may
    see the original, or nothing at all once hidden, is
    `consult.consultations.services.shown_text`."""
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


def latest_finished_run(
    *,
    consultation_id: int | None = None,
    jury_id: int | None = None,
    other_than: int | None = None,
) -> AnalysisRun | None:
    """The latest finished run of a consultation or jury (a failed run never replaces it),
    leaving out the run `other_than` when given. `queries.current_run` reads it."""
    where = (
        AnalysisRun.consultation_id == consultation_id
        if consultation_id is not None
        else AnalysisRun.jury_id == jury_id
    )
    return db.session.scalar(
        select(AnalysisRun)
        .where(where, AnalysisRun.status == "done", AnalysisRun.id != (other_than or 0))
        .order_by(AnalysisRun.finished_at.desc(), AnalysisRun.id.desc())
        .limit(1)
    )


def _previous_run(run: AnalysisRun) -> AnalysisRun | None:
    return latest_finished_run(
        consultation_id=run.consultation_id, jury_id=run.jury_id, other_than=run.id
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
                Theme.parent_id.is_(None),
                Theme.merged_into_id.is_(None),
                Theme.approved_at.is_not(None),
                Theme.no_substantive_comment.is_(False),
            )
            .order_by(Theme.position)
        )
    )


def compute_here(request: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Compute in this process: for tests and the RQ worker (a process of its own), where
    the sums hold up no one else."""
    return analyse(request, progress)


def request(tasks: list[Task], parameters: dict[str, Any]) -> dict[str, Any]:
    """The `analysis.job` request for a run's tasks."""
    return {
        "parameters": {
            "n_themes": parameters.get("n_themes", "auto"),
            "random_state": parameters.get("random_state", 0),
            "coding_threshold": parameters.get("coding_threshold", 0.5),
            "backend": parameters.get("backend", "light"),
        },
        "tasks": [task.request() for task in tasks],
    }


def prepare_items(
    items: list[Item],
    *,
    question_id: int | None,
    label: str,
    approved: list[Theme],
    field_name: str,
) -> Task:
    """Read what computing needs besides the items: the approved themes' assignments.
    An officer's own decisions (an answer placed by hand or marked not relevant) are kept
    as they were; the other answers of approved themes train the coding frame, which then
    codes every item not placed by an officer: into the approved theme's sub-themes where it
    has them (the frame learns sub-theme ids), so coded answers keep their place in the
    tree. `field_name` is "answer_id" or "contribution_id"."""
    by_id = {item.id: item for item in items}
    carried = [Carried(old=theme) for theme in approved]
    placed: set[int] = set()
    frame = None
    if carried:
        train_texts: list[str] = []
        train_labels: list[int] = []
        index = {c.old.id: c for c in carried}
        for child in db.session.scalars(
            select(Theme)
            .where(Theme.parent_id.in_(list(index)), Theme.merged_into_id.is_(None))
            .order_by(Theme.position, Theme.id)
        ):
            index[child.parent_id].subthemes.append(child)  # type: ignore[index]
        live_subthemes = {child.id for c in carried for child in c.subthemes}
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
            subtheme = row.subtheme_id if row.subtheme_id in live_subthemes else None
            if row.not_relevant:
                target.not_relevant.add(item_id)
            if row.manual or row.not_relevant:
                # An officer's decision is kept as it was.
                target.items.append(item_id)
                target.confidence[item_id] = row.confidence
                if subtheme is not None:
                    target.subtheme_of[item_id] = subtheme
                if row.manual:
                    target.manual.add(item_id)
                placed.add(item_id)
                continue
            train_texts.append(by_id[item_id].text)
            train_labels.append(row.theme_id if subtheme is None else subtheme)
        frame = (train_texts, train_labels)
    to_code = [item for item in items if item.id not in placed]
    return Task(question_id, label, len(items), carried, to_code, frame)


def finish_plan(task: Task, outcome: dict[str, Any]) -> Plan:
    """A task's plan from what `analysis.job` computed for it: the items the coding frame
    placed join their approved themes; the rest come as new themes."""
    index = {c.old.id: c for c in task.carried}
    parent_of = {child.id: c for c in task.carried for child in c.subthemes}
    for item_id, theme_id, confidence in outcome["coded"]:
        label = int(theme_id)
        target = index.get(label) or parent_of[label]
        target.items.append(int(item_id))
        target.confidence[int(item_id)] = float(confidence)
        if label in parent_of:
            target.subtheme_of[int(item_id)] = label
    needs_review = [int(item_id) for item_id in outcome["needs_review"]]
    return Plan(task.question_id, task.total, task.carried, outcome["themes"], needs_review)


def compute_plans(
    tasks: list[Task], parameters: dict[str, Any], compute: Compute, progress: Progress
) -> list[Plan]:
    """Compute every task in one go (one child process per run, not per question)."""
    outcome = compute(request(tasks, parameters), progress)
    results = outcome["tasks"]
    if len(results) != len(tasks):
        raise ValueError(f"the analysis returned {len(results)} results for {len(tasks)} tasks")
    return [finish_plan(task, result) for task, result in zip(tasks, results, strict=True)]


def _cited(ids: Any) -> list[int]:
    return [int(i) for i in ids or []]


def _found_theme(
    found: dict[str, Any], run: AnalysisRun, plan: Plan, texts: dict[int, str], **extra: Any
) -> Theme:
    """A Theme row for one theme or sub-theme of `ThemeResult.as_dict()`."""
    total = max(1, plan.total)
    return Theme(
        run_id=run.id,
        question_id=plan.question_id,
        engine_key=str(found["id"]),
        label=found.get("title") or found["label"],
        description=found.get("description") or None,
        description_ids=_cited(found.get("description_response_ids")),
        keyphrases=list(found["keyphrases"]),
        size=found["size"],
        share=round(found["size"] / total, 4),
        sentiment=dict(found["sentiment"]),
        summary=[
            {"sentence": s["sentence"], "response_ids": _cited(s["response_ids"])}
            for s in found["summary"]
        ],
        quotes=[
            {"id": int(q["id"]), "text": texts.get(int(q["id"]), q["text"])}
            for q in found["quotes"]
        ],
        language=found.get("language", "en"),
        **extra,
    )


def _store_carried(
    run: AnalysisRun, plan: Plan, carried: Carried, position: int, field_name: str
) -> None:
    """An approved theme of the previous run, its sub-themes and the items it keeps."""
    old = carried.old
    total = max(1, plan.total)
    kept = set(carried.items)

    def copy(source: Theme, **extra: Any) -> Theme:
        return Theme(
            run_id=run.id,
            question_id=plan.question_id,
            engine_key=f"kept:{source.id}",
            label=source.label,
            description=source.description,
            description_ids=[i for i in (source.description_ids or []) if i in kept],
            keyphrases=list(source.keyphrases or []),
            summary=list(source.summary or []),
            quotes=[q for q in (source.quotes or []) if int(q.get("id", 0)) in kept],
            sentiment=dict(source.sentiment or {}),
            approved_by_id=source.approved_by_id,
            approved_at=source.approved_at,
            published=source.published,
            language=source.language,
            **extra,
        )

    theme = copy(old, position=position)
    db.session.add(theme)
    db.session.flush()
    children = {}
    for number, child in enumerate(carried.subthemes):
        children[child.id] = copy(child, position=number, parent_id=theme.id)
        db.session.add(children[child.id])
    db.session.flush()
    rows = []
    for item_id in carried.items:
        sub = children.get(carried.subtheme_of.get(item_id, 0))
        rows.append(
            {
                "theme_id": theme.id,
                "subtheme_id": sub.id if sub is not None else None,
                "confidence": carried.confidence.get(item_id, 1.0),
                "primary": True,
                "manual": item_id in carried.manual,
                "not_relevant": item_id in carried.not_relevant,
                field_name: item_id,
            }
        )
    if rows:
        db.session.execute(ThemeAssignment.__table__.insert(), rows)
    relevant = kept - carried.not_relevant
    theme.size, theme.share = len(relevant), round(len(relevant) / total, 4)
    for child in carried.subthemes:
        members = {i for i in relevant if carried.subtheme_of.get(i) == child.id}
        new = children[child.id]
        new.size, new.share = len(members), round(len(members) / total, 4)
    response = db.session.scalar(select(CouncilResponse).where(CouncilResponse.theme_id == old.id))
    if response is not None:
        response.theme_id = theme.id


def store_plan(run: AnalysisRun, plan: Plan, *, field_name: str, texts: dict[int, str]) -> int:
    """Write a plan's themes (with their sub-themes), assignments and duplicate groups;
    returns the number of top-level themes."""
    position = 0
    total = max(1, plan.total)
    for carried in plan.carried:
        _store_carried(run, plan, carried, position, field_name)
        position += 1
    count = position
    result = plan.result
    if result is None:
        db.session.flush()
        return count
    engine_to_row: dict[int, Theme] = {}
    for found in result["themes"]:
        theme = _found_theme(found, run, plan, texts, position=position)
        db.session.add(theme)
        engine_to_row[int(found["id"])] = theme
        position += 1
        count += 1
    db.session.flush()
    for found in result["themes"]:
        parent = engine_to_row[int(found["id"])]
        for number, sub in enumerate(found.get("subthemes") or []):
            child = _found_theme(sub, run, plan, texts, position=number, parent_id=parent.id)
            db.session.add(child)
            engine_to_row[int(sub["id"])] = child
    no_comment_ids = result["no_comment"]["response_ids"]
    if no_comment_ids:
        size = len(no_comment_ids)
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
    for assignment in result["assignments"]:
        item_id = int(assignment["id"])
        main = engine_to_row.get(int(assignment["theme"]))
        if main is None:
            continue
        sub = engine_to_row.get(int(assignment.get("subtheme") or 0))
        rows.append(
            {
                "theme_id": main.id,
                "subtheme_id": sub.id if sub is not None and sub.parent_id == main.id else None,
                field_name: item_id,
                "confidence": float(assignment["confidence"]),
                "primary": True,
                "manual": False,
                "not_relevant": False,
            }
        )
        for other in assignment["other_themes"]:
            secondary = engine_to_row.get(int(other["theme"]))
            if secondary is None or secondary is main:
                continue
            rows.append(
                {
                    "theme_id": secondary.id,
                    "subtheme_id": None,
                    field_name: item_id,
                    "confidence": float(other["confidence"]),
                    "primary": False,
                    "manual": False,
                    "not_relevant": False,
                }
            )
    if rows:
        db.session.execute(ThemeAssignment.__table__.insert(), rows)
    if field_name == "answer_id":
        for group in result["duplicates"]:
            ids = [int(i) for i in group["ids"]]
            representative = group.get("representative_id")
            representative = int(representative) if representative is not None else ids[0]
            db.session.add(
                DuplicateGroupRecord(
                    run_id=run.id,
                    question_id=plan.question_id,
                    kind=group["kind"],
                    count=int(group["count"]),
                    answer_ids=ids,
                    representative_answer_id=representative,
                    representative_text=texts.get(representative, ""),
                )
            )
    db.session.flush()
    return count


def backend_used(run: AnalysisRun, plans: list[Plan]) -> str:
    """What represented the answers: "embeddings" only where the engine could use them
    (it falls back to "light" where they are not installed)."""
    used = {str(p.result.get("backend", "light")) for p in plans if p.result is not None}
    if used:
        return "embeddings" if used == {"embeddings"} else "light"
    return str((run.parameters or {}).get("backend", "light"))


def analyse_consultation(
    run: AnalysisRun, progress: Progress, compute: Compute = compute_here
) -> dict[str, Any]:
    """Analyse every free-text question of the run's consultation; returns the summary.
    Reads the answers, has `compute` do the sums (progress 0 to 95 %), stores the result."""
    consultation = db.session.get(Consultation, run.consultation_id)
    assert consultation is not None
    questions = [q for q in consultation.questions if question_kind(q.kind).is_text]
    previous = _previous_run(run)
    tasks: list[Task] = []
    all_texts: list[dict[int, str]] = []
    for index, question in enumerate(questions):
        answers = question_answers(question.id)
        texts = {answer.id: publishable_text(answer) for answer in answers}
        items = [Item(answer_id, text) for answer_id, text in texts.items()]
        tasks.append(
            prepare_items(
                items,
                question_id=question.id,
                label=f"Question {index + 1} of {len(questions)}",
                approved=_approved(previous, question.id),
                field_name="answer_id",
            )
        )
        all_texts.append(texts)
    plans = compute_plans(tasks, run.parameters or {}, compute, _scaled(progress, 0.0, 0.95, ""))
    progress(0.96, "Saving themes")
    questions_summary = []
    for plan, texts in zip(plans, all_texts, strict=True):
        count = store_plan(run, plan, field_name="answer_id", texts=texts)
        questions_summary.append(
            {
                "question_id": plan.question_id,
                "answers": plan.total,
                "themes": count,
                "kept_themes": len(plan.carried),
                "needs_review": len(plan.needs_review),
                "duplicate_groups": len(plan.result["duplicates"]) if plan.result else 0,
                "duplicates_detected": plan.duplicates_detected,
            }
        )
    return {
        "questions": questions_summary,
        "answers": sum(p.total for p in plans),
        "themes": sum(q["themes"] for q in questions_summary),
        "previous_run_id": previous.id if previous else None,
        "backend": backend_used(run, plans),
    }


def analyse_jury(
    run: AnalysisRun, progress: Progress, compute: Compute = compute_here
) -> dict[str, Any]:
    """Analyse a jury's contributions (ideas and discussion points), as
    `analyse_consultation` does a question's answers."""
    previous = _previous_run(run)
    contributions = jury_contributions(run.jury_id)  # type: ignore[arg-type]
    texts = {c.id: c.redacted for c in contributions}  # redacted when written
    task = prepare_items(
        [Item(i, t) for i, t in texts.items()],
        question_id=None,
        label="",
        approved=_approved(previous, None),
        field_name="contribution_id",
    )
    (plan,) = compute_plans([task], run.parameters or {}, compute, _scaled(progress, 0.0, 0.95, ""))
    progress(0.96, "Saving themes")
    count = store_plan(run, plan, field_name="contribution_id", texts=texts)
    return {
        "contributions": plan.total,
        "themes": count,
        "kept_themes": len(plan.carried),
        "needs_review": len(plan.needs_review),
        "previous_run_id": previous.id if previous else None,
        "backend": backend_used(run, [plan]),
    }
