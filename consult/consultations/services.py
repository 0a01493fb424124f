"""Consultation rules (the verbs): status by date, designing questions, checking answers,
moderation and duplication. Sending a response lives in `submission`, the "about you"
part in `about_you`.

Services take `actor=` where a person acts, change rows, record audit entries and flush;
the caller (a view, an API endpoint or a CLI command) commits."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consult.consultations.kinds import KINDS, AnswerError, question_kind
from consult.errors import Conflict, Invalid, NotPermitted
from consult.extensions import db
from consult.models import (
    Answer,
    Consultation,
    ConsultationDocument,
    Question,
    Response,
    User,
    audit,
    utcnow,
)

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U
PUBLIC_STATUSES = ("open", "closed", "analysed", "responded")


def _now() -> datetime:
    return utcnow()


def hash_token(token: str) -> str:
    """SHA-256 of a resume token (only the hash is stored)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_reference() -> str:
    """A short receipt reference such as RSP-7F3K-9QX2 (about 40 bits of randomness)."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"RSP-{chars[:4]}-{chars[4:]}"


# --- status -----------------------------------------------------------------------------


def refresh_status(consultation: Consultation, now: datetime | None = None) -> bool:
    """Open a published consultation whose opening time has passed and close one whose
    closing time has passed. Returns True when the status changed (the caller commits)."""
    now = now or _now()
    before = consultation.status
    closing_due = consultation.closes_at is not None and consultation.closes_at <= now
    if consultation.status == "draft" and consultation.published_at is not None:
        if closing_due:
            consultation.status = "closed"
        elif consultation.opens_at is None or consultation.opens_at <= now:
            consultation.status = "open"
    elif consultation.status == "open" and closing_due:
        consultation.status = "closed"
    if consultation.status == "closed" and before != "closed":
        consultation.closed_at = consultation.closed_at or consultation.closes_at or now
    return consultation.status != before


def refresh_all(consultations: Iterable[Consultation]) -> bool:
    changed = False
    for consultation in consultations:
        changed = refresh_status(consultation) or changed
    return changed


def public_consultations() -> list[Consultation]:
    """Published consultations (open first, then closed, newest closing first), with
    statuses brought up to date (the caller commits if anything changed)."""
    candidates = db.session.scalars(
        select(Consultation).where(
            (Consultation.status != "draft") | Consultation.published_at.is_not(None)
        )
    ).all()
    if refresh_all(candidates):
        db.session.flush()
    shown = [c for c in candidates if c.status in PUBLIC_STATUSES]
    return sorted(
        shown,
        key=lambda c: (c.status != "open", -(c.closes_at.timestamp() if c.closes_at else 0)),
    )


def consultation_by_slug(slug: str, *, with_questions: bool = True) -> Consultation | None:
    query = select(Consultation).where(Consultation.slug == slug)
    if with_questions:
        query = query.options(selectinload(Consultation.questions))
    return db.session.scalar(query)


def is_open(consultation: Consultation) -> bool:
    refresh_status(consultation)
    return consultation.status == "open"


def require_open(consultation: Consultation) -> None:
    if not is_open(consultation):
        raise Conflict(gettext("This consultation is not open for responses."))


# --- designing (officers) -----------------------------------------------------------------


def _require_officer(actor: User) -> None:
    if not (getattr(actor, "is_staff", False) and actor.has_role("officer")):
        raise NotPermitted("Only officers can change consultations.")


def _require_editable_questions(consultation: Consultation) -> None:
    if consultation.status != "draft" or consultation.published_at is not None:
        raise Conflict(
            "Questions can only be changed before the consultation is published. "
            "Duplicate it to make a changed version."
        )


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = ("manage",)


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:100] or "consultation"


def save_consultation(
    consultation: Consultation | None, data: Mapping[str, Any], *, actor: User
) -> Consultation:
    """Create (consultation None) or update a consultation's details and documents.
    Raises Invalid with `fields` for a taken slug or closing before opening."""
    _require_officer(actor)
    fields: dict[str, str] = {}
    slug = (data.get("slug") or "").strip().lower() or slugify(data["title"])
    if not SLUG.match(slug):
        fields["slug"] = "Use only lower-case letters, numbers and hyphens, like bus-routes-2026"
    elif slug in RESERVED_SLUGS:
        fields["slug"] = "This word is used by the system; choose another web address"
    taken = db.session.scalar(select(Consultation.id).where(Consultation.slug == slug))
    if taken is not None and (consultation is None or taken != consultation.id):
        fields["slug"] = "Another consultation already uses this web address; choose another"
    opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
    if opens_at and closes_at and closes_at <= opens_at:
        fields["closes_at"] = "The closing date must be after the opening date"
    if fields:
        raise Invalid("Check the consultation's details.", fields=fields)
    creating = consultation is None
    if consultation is None:
        consultation = Consultation(status="draft", created_by_id=actor.id)
        db.session.add(consultation)
    consultation.title = data["title"].strip()
    consultation.slug = slug
    consultation.summary = (data.get("summary") or "").strip()
    consultation.background = data.get("background") or ""
    for field in ("title_cy", "summary_cy", "background_cy"):  # Welsh versions, optional
        if field in data:
            setattr(consultation, field, (data.get(field) or "").strip() or None)
    consultation.opens_at = opens_at
    consultation.closes_at = closes_at
    if "documents" in data:
        consultation.documents.clear()
        db.session.flush()
        for position, (title, url) in enumerate(data["documents"]):
            consultation.documents.append(
                ConsultationDocument(position=position, title=title, url=url)
            )
    db.session.flush()
    audit(
        "consultation.created" if creating else "consultation.updated",
        actor=actor,
        subject=consultation,
    )
    return consultation


def parse_documents(text: str) -> list[tuple[str, str]]:
    """Documents from lines of "Title | https://address". Raises Invalid."""
    documents = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        title, _, url = line.rpartition("|")
        title, url = title.strip(), url.strip()
        if not title or not re.match(r"^https?://\S+$", url):
            raise Invalid(
                "Check the documents.",
                fields={
                    "documents": f"Line {number}: write a title, a | and a web address "
                    "starting https://"
                },
            )
        documents.append((title[:200], url[:500]))
    return documents


def parse_options(text: str) -> list[dict[str, str]]:
    """Options from one label per line (or "value | label")."""
    options: list[dict[str, str]] = []
    seen = set()
    for line in text.splitlines():
        if not line.strip():
            continue
        value, bar, label = line.partition("|")
        if bar:
            value, label = value.strip(), label.strip()
        else:
            label = line.strip()
            value = slugify(label).replace("-", "_")[:40]
        if value in seen:
            raise Invalid(
                "Check the options.", fields={"options": f"'{label}' is in the list twice"}
            )
        seen.add(value)
        options.append({"value": value, "label": label})
    return options


def save_question(
    consultation: Consultation,
    question: Question | None,
    data: Mapping[str, Any],
    *,
    actor: User,
) -> Question:
    """Add (question None) or change a question. Raises Invalid (with `fields`) for a kind
    that needs options without them, or a budget without a total; Conflict once published."""
    _require_officer(actor)
    _require_editable_questions(consultation)
    kind = KINDS.get(data["kind"])
    options = list(data.get("options") or [])
    if kind is None:
        raise Invalid("Check the question.", fields={"kind": "Select the type of question"})
    fields = kind.design_problems(data, options)
    welsh_options = [label for label in data.get("options_cy") or [] if label]
    if welsh_options and kind.has_options and len(welsh_options) != len(options):
        fields["options_cy"] = (
            f"Give one Welsh label for each of the {len(options)} options, in the same order"
        )
    if fields:
        raise Invalid("Check the question.", fields=fields)
    creating = question is None
    if question is None:
        position = len(consultation.questions)
        question = Question(position=position)
        consultation.questions.append(question)
    question.kind = kind.name
    question.prompt = data["prompt"].strip()
    question.hint = (data.get("hint") or "").strip()
    question.prompt_cy = (data.get("prompt_cy") or "").strip() or None
    question.hint_cy = (data.get("hint_cy") or "").strip() or None
    question.options_cy = welsh_options if welsh_options and kind.has_options else None
    question.required = bool(data.get("required"))
    question.key = (data.get("key") or "").strip() or slugify(question.prompt)[:40]
    kind.configure(question, data, options)
    db.session.flush()
    audit(
        "question.added" if creating else "question.changed",
        actor=actor,
        subject=question,
        consultation_id=consultation.id,
    )
    return question


def delete_question(question: Question, *, actor: User) -> None:
    _require_officer(actor)
    consultation = question.consultation
    _require_editable_questions(consultation)
    consultation.questions.remove(question)
    db.session.flush()
    for position, remaining in enumerate(consultation.questions):
        remaining.position = position
    audit("question.deleted", actor=actor, subject=consultation, prompt=question.prompt[:200])


def move_question(question: Question, direction: int, *, actor: User) -> None:
    """Swap a question with its neighbour (direction -1 up, +1 down)."""
    _require_officer(actor)
    consultation = question.consultation
    _require_editable_questions(consultation)
    ordered = list(consultation.questions)
    index = ordered.index(question)
    other = index + direction
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered):
        item.position = position
    consultation.questions.sort(key=lambda q: q.position)
    db.session.flush()


def publish(consultation: Consultation, *, actor: User) -> None:
    """Publish a draft: it opens at its opening time (now if none) and closes by itself."""
    _require_officer(actor)
    if consultation.published_at is not None or consultation.status != "draft":
        raise Conflict("This consultation is already published.")
    problems = {}
    if not consultation.questions:
        problems["questions"] = "Add at least one question before publishing"
    if consultation.closes_at is None:
        problems["closes_at"] = "Set a closing date before publishing"
    elif consultation.closes_at <= _now():
        problems["closes_at"] = "The closing date has passed; set a later one"
    if problems:
        raise Invalid("The consultation is not ready to publish.", fields=problems)
    consultation.published_at = _now()
    refresh_status(consultation)
    audit("consultation.published", actor=actor, subject=consultation)


def close_early(consultation: Consultation, *, actor: User) -> None:
    _require_officer(actor)
    refresh_status(consultation)
    if consultation.status != "open":
        raise Conflict("Only an open consultation can be closed.")
    now = _now()
    consultation.status = "closed"
    consultation.closed_at = now
    consultation.closes_at = now
    audit("consultation.closed_early", actor=actor, subject=consultation)


NEXT_STATUS = {"closed": "analysed", "analysed": "responded"}


def advance_status(consultation: Consultation, *, actor: User) -> str:
    """Closed → analysed → responded (officers mark the later stages by hand)."""
    _require_officer(actor)
    refresh_status(consultation)
    target = NEXT_STATUS.get(consultation.status)
    if target is None:
        raise Conflict("Only a closed or analysed consultation can move on.")
    consultation.status = target
    audit(f"consultation.{target}", actor=actor, subject=consultation)
    return target


#: What a copy of a question keeps (with a copy of its options): all its design.
COPIED_QUESTION_FIELDS = (
    "position",
    "key",
    "kind",
    "prompt",
    "hint",
    "required",
    "max_length",
    "budget_total",
)


def duplicate(consultation: Consultation, *, actor: User) -> Consultation:
    """A new draft with the same details, documents and questions (no responses, no dates)."""
    _require_officer(actor)
    base = f"{consultation.slug[:100]}-copy"
    slug, number = base, 1
    while db.session.scalar(select(Consultation.id).where(Consultation.slug == slug)):
        number += 1
        slug = f"{base}-{number}"
    copy = Consultation(
        slug=slug,
        title=f"{consultation.title} (copy)"[:200],
        summary=consultation.summary,
        background=consultation.background,
        title_cy=consultation.title_cy,
        summary_cy=consultation.summary_cy,
        background_cy=consultation.background_cy,
        status="draft",
        created_by_id=actor.id,
        copied_from_id=consultation.id,
    )
    for document in consultation.documents:
        copy.documents.append(
            ConsultationDocument(position=document.position, title=document.title, url=document.url)
        )
    for question in consultation.questions:
        copy.questions.append(
            Question(
                **{name: getattr(question, name) for name in COPIED_QUESTION_FIELDS},
                options=[dict(option) for option in question.options or []],
                prompt_cy=question.prompt_cy,
                hint_cy=question.hint_cy,
                options_cy=list(question.options_cy) if question.options_cy else None,
            )
        )
    db.session.add(copy)
    db.session.flush()
    audit("consultation.duplicated", actor=actor, subject=copy, copied_from=consultation.id)
    return copy


# --- answers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSpec:
    """What checking an answer needs from a question, detached from the session."""

    id: int
    position: int
    kind: str
    required: bool
    max_length: int | None
    budget_total: int | None
    choices: tuple[dict[str, str], ...]


_SPEC_CACHE: dict[tuple[int, datetime], tuple[QuestionSpec, ...]] = {}


def question_specs(consultation: Consultation) -> tuple[QuestionSpec, ...]:
    """The consultation's questions as specs. Questions cannot change once published (see
    `_require_editable_questions`), so a published consultation's specs are cached in the
    process: the hot submission path then reads one row, not the questions."""
    key = (consultation.id, consultation.published_at) if consultation.published_at else None
    if key is not None and key in _SPEC_CACHE:
        return _SPEC_CACHE[key]
    specs = tuple(
        QuestionSpec(
            id=q.id,
            position=q.position,
            kind=q.kind,
            required=q.required,
            max_length=q.max_length,
            budget_total=q.budget_total,
            choices=tuple(dict(c) for c in q.choices),
        )
        for q in db.session.scalars(
            select(Question)
            .where(Question.consultation_id == consultation.id)
            .order_by(Question.position)
        )
    )
    if key is not None:
        _SPEC_CACHE[key] = specs
    return specs


def clean_answer(question: Question | QuestionSpec, raw: Any) -> Any:
    """The stored form of a resident's answer, or None when nothing was given.
    Raises AnswerError with a message that says how to fix it.

    Value types (the API's): free_text string; single_choice string (an option value);
    likert integer 1-5; multiple_choice list of option values; ranking list of every
    option value, most important first; budget object {option value: whole number >= 0}
    adding up to the question's total. Each kind checks its own (see `kinds`)."""
    if raw is None or raw == "" or raw == [] or raw == {}:
        return None
    kind = KINDS.get(question.kind)
    if kind is None:
        raise AnswerError("This question cannot be answered")
    return kind.clean(question, raw)


def answer_from_form(question: Question, form: Any) -> Any:
    """Read one question's answer from an HTML form in the API's shape (see clean_answer).
    Raises AnswerError for a ranking with a place left out or used twice."""
    return question_kind(question.kind).from_form(question, form)


def store_answer(response: Response, question: Question, value: Any) -> Answer | None:
    """Upsert (or remove, for None) a response's answer row, redacting free text."""
    existing = next((a for a in response.answers if a.question_id == question.id), None)
    if value is None:
        if existing is not None:
            response.answers.remove(existing)
        return None
    answer = existing or Answer(question_id=question.id, moderation="visible", flags=[])
    if existing is None:
        response.answers.append(answer)
    for column, stored in question_kind(question.kind).columns(value).items():
        setattr(answer, column, stored)
    return answer


def clean_answers(
    question_list: Iterable[Any], raw_answers: Mapping[str, Any], *, require_all: bool = True
) -> tuple[dict[int, Any], dict[str, str]]:
    """Check a whole response's answers keyed by question id (as strings or ints) against
    a consultation's questions (models or QuestionSpecs).
    Returns (values by question id, errors by "answers.<id>")."""
    question_list = list(question_list)
    questions = {str(q.id): q for q in question_list}
    values: dict[int, Any] = {}
    errors: dict[str, str] = {}
    for key, raw in raw_answers.items():
        question = questions.get(str(key))
        if question is None:
            errors[f"answers.{key}"] = "There is no question with this id in this consultation"
            continue
        try:
            value = clean_answer(question, raw)
        except AnswerError as error:
            errors[f"answers.{key}"] = str(error)
            continue
        if value is not None:
            values[question.id] = value
    if require_all:
        for question in question_list:
            if question.required and question.id not in values:
                errors.setdefault(f"answers.{question.id}", "Answer this question; it is required")
    return values, errors


# --- moderation ---------------------------------------------------------------------------


def moderate_answer(answer: Answer, *, hide: bool, reason: str, actor: User) -> None:
    """Hide or restore an answer, with a reason recorded in the audit log."""
    _require_officer(actor)
    reason = reason.strip()
    if not reason:
        raise Invalid(
            "Give a reason.", fields={"reason": "Enter the reason, so colleagues can see why"}
        )
    answer.moderation = "hidden" if hide else "visible"
    answer.moderation_reason = reason
    audit(
        "answer.hidden" if hide else "answer.restored",
        actor=actor,
        subject=answer,
        reason=reason,
        response_reference=answer.response.reference,
    )


def shown_text(answer: Answer, *, originals: bool) -> str | None:
    """What a reader may see of a free-text answer: the original for those allowed,
    otherwise the redacted text, and nothing at all when moderation hid it."""
    if originals:
        return answer.text
    if answer.moderation == "hidden":
        return None
    return answer.redacted_text


def answers_as_text(response: Response) -> str:
    """The answers of a response as plain text, question by question (for the copy a
    resident is emailed): what they wrote, as they wrote it."""
    answers = {answer.question_id: answer for answer in response.answers}
    blocks = []
    for number, question in enumerate(response.consultation.questions, start=1):
        answer = answers.get(question.id)
        text = (
            "Not answered"
            if answer is None
            else question_kind(question.kind).answer_text(question, answer, originals=True)
        )
        blocks.append(f"{number}. {question.prompt}\n{text}")
    return "\n\n".join(blocks) + "\n"
