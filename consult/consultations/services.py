"""Consultation rules (the verbs): status by date, designing questions, checking answers,
drafts and resume tokens, submission with idempotency, moderation and duplication.

Services take `actor=` where a person acts, change rows, record audit entries and flush;
the caller (a view, an API endpoint or a CLI command) commits."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import selectinload

from consult.consultations.kinds import KINDS, AnswerError, question_kind
from consult.errors import Conflict, Invalid, NotPermitted
from consult.extensions import db
from consult.models import (
    Answer,
    AuditEntry,
    Consultation,
    ConsultationDocument,
    Question,
    RespondentProfile,
    Response,
    User,
    utcnow,
)

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U
PUBLIC_STATUSES = ("open", "closed", "analysed", "responded")
PROFILE_RETENTION = timedelta(days=365)  # personal data kept a year after closing

PREFER_NOT = ("prefer_not_to_say", "Prefer not to say")
ABOUT_YOU_CHOICES: dict[str, list[tuple[str, str]]] = {
    "age_band": [
        ("16-24", "16 to 24"),
        ("25-34", "25 to 34"),
        ("35-44", "35 to 44"),
        ("45-54", "45 to 54"),
        ("55-64", "55 to 64"),
        ("65-74", "65 to 74"),
        ("75+", "75 or over"),
        PREFER_NOT,
    ],
    "gender": [
        ("woman", "Woman"),
        ("man", "Man"),
        ("non_binary", "Non-binary"),
        ("self_describe", "I describe myself another way"),
        PREFER_NOT,
    ],
    "ethnicity": [
        ("asian", "Asian or Asian British"),
        ("black", "Black, Black British, Caribbean or African"),
        ("mixed", "Mixed or multiple ethnic groups"),
        ("white", "White"),
        ("other", "Another ethnic group"),
        PREFER_NOT,
    ],
    "disability": [("yes", "Yes"), ("no", "No"), PREFER_NOT],
}
ABOUT_YOU_LABELS = {
    "age_band": "Your age",
    "gender": "Your gender",
    "ethnicity": "Your ethnic group",
    "disability": "Do you have a disability or long-term health condition?",
    "postcode_district": "The first part of your postcode",
}
POSTCODE_DISTRICT = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")
ABOUT_YOU_FIELDS = (
    "respondent_type",
    "organisation_name",
    "email",
    "age_band",
    "gender",
    "ethnicity",
    "disability",
    "postcode_district",
    "wants_updates",
    "consent",
)


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
        raise Conflict("This consultation is not open for responses.")


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
    AuditEntry.record(
        "consultation.created" if creating else "consultation.updated",
        actor=actor,
        subject=consultation,
    )
    db.session.flush()
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
    question.required = bool(data.get("required"))
    question.key = (data.get("key") or "").strip() or slugify(question.prompt)[:40]
    kind.configure(question, data, options)
    db.session.flush()
    AuditEntry.record(
        "question.added" if creating else "question.changed",
        actor=actor,
        subject=question,
        consultation_id=consultation.id,
    )
    db.session.flush()
    return question


def delete_question(question: Question, *, actor: User) -> None:
    _require_officer(actor)
    consultation = question.consultation
    _require_editable_questions(consultation)
    consultation.questions.remove(question)
    db.session.flush()
    for position, remaining in enumerate(consultation.questions):
        remaining.position = position
    AuditEntry.record(
        "question.deleted", actor=actor, subject=consultation, prompt=question.prompt[:200]
    )
    db.session.flush()


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
    AuditEntry.record("consultation.published", actor=actor, subject=consultation)
    db.session.flush()


def close_early(consultation: Consultation, *, actor: User) -> None:
    _require_officer(actor)
    refresh_status(consultation)
    if consultation.status != "open":
        raise Conflict("Only an open consultation can be closed.")
    now = _now()
    consultation.status = "closed"
    consultation.closed_at = now
    consultation.closes_at = now
    AuditEntry.record("consultation.closed_early", actor=actor, subject=consultation)
    db.session.flush()


NEXT_STATUS = {"closed": "analysed", "analysed": "responded"}


def advance_status(consultation: Consultation, *, actor: User) -> str:
    """Closed → analysed → responded (officers mark the later stages by hand)."""
    _require_officer(actor)
    refresh_status(consultation)
    target = NEXT_STATUS.get(consultation.status)
    if target is None:
        raise Conflict("Only a closed or analysed consultation can move on.")
    consultation.status = target
    AuditEntry.record(f"consultation.{target}", actor=actor, subject=consultation)
    db.session.flush()
    return target


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
                position=question.position,
                key=question.key,
                kind=question.kind,
                prompt=question.prompt,
                hint=question.hint,
                required=question.required,
                max_length=question.max_length,
                budget_total=question.budget_total,
                options=[dict(option) for option in question.options or []],
            )
        )
    db.session.add(copy)
    db.session.flush()
    AuditEntry.record(
        "consultation.duplicated", actor=actor, subject=copy, copied_from=consultation.id
    )
    db.session.flush()
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


def _store_answer(response: Response, question: Question, value: Any) -> Answer | None:
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


def clean_about_you(
    data: Mapping[str, Any] | None, *, consent_required: bool, strict: bool = False
) -> dict[str, Any]:
    """Check "about you" data. Returns cleaned values; raises Invalid with fields keyed by
    name. `consent` must be true when any personal data is given and consent_required.
    `strict` (the API): values must already be tidy (no spaces to trim, real booleans)."""
    data = dict(data or {})
    fields: dict[str, str] = {}
    if strict:
        for name, value in data.items():
            if name in ("wants_updates", "consent") and not isinstance(value, bool):
                fields[name] = "Send true or false"
            elif isinstance(value, str) and value != value.strip():
                fields[name] = "Remove the spaces at the start or end"
    cleaned: dict[str, Any] = {}
    unknown = set(data) - set(ABOUT_YOU_FIELDS)
    for name in sorted(unknown):
        fields[name] = "This is not one of the 'about you' questions"
    respondent_type = data.get("respondent_type") or "individual"
    if respondent_type not in ("individual", "organisation"):
        fields["respondent_type"] = (
            "Select whether you are responding as an individual or for an organisation"
        )
    cleaned["respondent_type"] = respondent_type
    organisation = data.get("organisation_name")
    if organisation is not None and not isinstance(organisation, str):
        fields["organisation_name"] = "Enter the organisation's name as text"
        organisation = None
    organisation = (organisation or "").strip()
    if respondent_type == "organisation" and not organisation:
        fields["organisation_name"] = "Enter the name of the organisation you are responding for"
    elif len(organisation) > 200:
        fields["organisation_name"] = "The organisation's name must be 200 characters or fewer"
    cleaned["organisation_name"] = (
        (organisation or None) if respondent_type == "organisation" else None
    )
    email = data.get("email")
    if email is not None and not isinstance(email, str):
        fields["email"] = "Enter an email address like name@example.com"
        email = None
    email = (email or "").strip()
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            fields["email"] = "Enter an email address in the correct format, like name@example.com"
    cleaned["email"] = email or None
    for name, choices in ABOUT_YOU_CHOICES.items():
        value = data.get(name)
        if value in (None, ""):
            cleaned[name] = None
        elif value not in [v for v, _ in choices]:
            fields[name] = f"Select one of the options for '{ABOUT_YOU_LABELS[name].lower()}'"
        else:
            cleaned[name] = value
    district = data.get("postcode_district")
    if district is not None and not isinstance(district, str):
        district = "?"
    district = (district or "").strip().upper()
    if strict and district and data.get("postcode_district") not in (district, "prefer_not_to_say"):
        fields["postcode_district"] = "Use capital letters, like RV2"
    elif district and district != "PREFER_NOT_TO_SAY" and not POSTCODE_DISTRICT.match(district):
        fields["postcode_district"] = (
            "Enter only the first part of your postcode, like RV2 (not the whole postcode)"
        )
    cleaned["postcode_district"] = (
        "prefer_not_to_say" if district == "PREFER_NOT_TO_SAY" else (district or None)
    )
    wants_updates = data.get("wants_updates", False)
    cleaned["wants_updates"] = wants_updates in (True, "yes", "true", "on", "1")
    consent = data.get("consent", False)
    cleaned["consent"] = consent in (True, "yes", "true", "on", "1")
    gives_personal_data = any(
        cleaned.get(name) not in (None, "prefer_not_to_say")
        for name in ("email", *ABOUT_YOU_CHOICES, "postcode_district")
    )
    if consent_required and gives_personal_data and not cleaned["consent"]:
        fields["consent"] = (
            "Confirm that you agree to us keeping the information about you, or leave those "
            "questions blank"
        )
    if fields:
        raise Invalid("Check the information about you.", fields=fields)
    if strict and data.get("email") and len(data["email"]) > 254:
        raise Invalid("Check the information about you.", fields={"email": "Too long"})
    return cleaned


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


def check_updates_have_an_email(data: Mapping[str, Any]) -> None:
    """A resident who asks to hear when the council publishes its response must give an
    email address to hear it at (the form checks this on "Save and continue"; drafts saved
    as they type may be incomplete). Raises Invalid on the email field."""
    wants = data.get("wants_updates") in (True, "yes", "true", "on", "1")
    email = data.get("email")
    if wants and not (isinstance(email, str) and email.strip()):
        raise Invalid(
            "Check the information about you.",
            fields={
                "email": "Enter your email address, so that we can tell you when the council "
                "publishes its response"
            },
        )


def _apply_about_you(response: Response, about: Mapping[str, Any], consultation: Consultation):
    response.respondent_type = about.get("respondent_type") or "individual"
    response.organisation_name = about.get("organisation_name")
    response.wants_updates = bool(about.get("wants_updates")) and bool(about.get("email"))
    personal = {
        name: about.get(name)
        for name in ("email", "age_band", "gender", "ethnicity", "disability", "postcode_district")
    }
    if not any(personal.values()):
        if response.profile is not None:
            response.profile = None
        return
    profile = response.profile or RespondentProfile()
    for name, value in personal.items():
        setattr(profile, name, value)
    if about.get("consent"):
        profile.consented_at = profile.consented_at or _now()
    closes = consultation.closes_at or _now()
    profile.erase_after = closes + PROFILE_RETENTION
    response.profile = profile


def about_you_of(response: Response) -> dict[str, Any]:
    """The draft's "about you" values as the form and the check page show them."""
    profile = response.profile
    about: dict[str, Any] = {
        "respondent_type": response.respondent_type,
        "organisation_name": response.organisation_name or "",
        "wants_updates": response.wants_updates,
        "consent": bool(profile and profile.consented_at),
    }
    for name in ("email", "age_band", "gender", "ethnicity", "disability", "postcode_district"):
        about[name] = getattr(profile, name) if profile else None
    return about


# --- drafts (the HTML journey) ------------------------------------------------------------


def start_draft(consultation: Consultation) -> tuple[Response, str]:
    """A new draft response and its resume token (only the token's hash is stored)."""
    require_open(consultation)
    token = secrets.token_urlsafe(24)
    response = Response(
        consultation=consultation,
        reference=new_reference(),
        status="draft",
        channel="online",
        respondent_type="individual",
        resume_token_hash=hash_token(token),
    )
    db.session.add(response)
    db.session.flush()
    return response, token


def draft_for_token(consultation: Consultation, token: str | None) -> Response | None:
    """The response (draft or submitted) a resume token belongs to, for this consultation."""
    if not token:
        return None
    return db.session.scalar(
        select(Response)
        .where(
            Response.resume_token_hash == hash_token(token),
            Response.consultation_id == consultation.id,
        )
        .options(selectinload(Response.answers), selectinload(Response.profile))
    )


def save_draft_answer(response: Response, question: Question, raw: Any) -> None:
    """Save one answer to a draft (required questions may still be blank).
    Raises AnswerError (nothing saved) or Conflict once submitted or closed."""
    if response.status != "draft":
        raise Conflict("This response has already been sent.")
    require_open(response.consultation)
    value = clean_answer(question, raw)
    _store_answer(response, question, value)
    response.updated_at = _now()
    db.session.flush()


def save_draft_about_you(response: Response, data: Mapping[str, Any]) -> None:
    """Save the "about you" part of a draft. Raises Invalid (fields keyed by name)."""
    if response.status != "draft":
        raise Conflict("This response has already been sent.")
    about = clean_about_you(data, consent_required=False)
    _apply_about_you(response, about, response.consultation)
    db.session.flush()


def missing_required(response: Response) -> list[Question]:
    answered = {a.question_id for a in response.answers}
    return [q for q in response.consultation.questions if q.required and q.id not in answered]


def submit_draft(response: Response, *, form_token: str, consent: bool) -> bool:
    """Send a draft. Returns True if this call submitted it, False if it was already sent
    (a double click or a retried POST: the caller shows the same receipt).
    Raises Invalid listing required questions left blank or missing consent."""
    if response.status == "submitted":
        return False
    require_open(response.consultation)
    problems: dict[str, str] = {}
    for question in missing_required(response):
        problems[f"q{question.id}"] = f"Answer question {question.position + 1}: it is required"
    profile = response.profile
    if profile is not None and not consent:
        problems["consent"] = (
            "Confirm that you agree to us keeping the information about you, or remove it"
        )
    if problems:
        raise Invalid("Your response is not ready to send.", fields=problems)
    if profile is not None:
        profile.consented_at = profile.consented_at or _now()
    key = f"web:{form_token[:90]}" if form_token else None
    result = db.session.execute(
        update(Response)
        .where(Response.id == response.id, Response.status == "draft")
        .values(status="submitted", submitted_at=_now(), idempotency_key=key)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    db.session.refresh(response)
    return result.rowcount == 1


# --- whole responses (the API, imports) ----------------------------------------------------


def build_response(
    consultation: Consultation,
    values: Mapping[int, Any],
    about: Mapping[str, Any],
    *,
    channel: str,
    idempotency_key: str | None = None,
    submitted_at: datetime | None = None,
) -> Response:
    """A submitted response with its answers and profile, added to the session (no flush)."""
    questions = {q.id: q for q in consultation.questions}
    response = Response(
        consultation_id=consultation.id,
        reference=new_reference(),
        status="submitted",
        channel=channel,
        idempotency_key=idempotency_key,
        submitted_at=submitted_at or _now(),
        respondent_type="individual",
        answers=[],
    )
    for question_id, value in values.items():
        _store_answer(response, questions[question_id], value)
    _apply_about_you(response, about, consultation)
    db.session.add(response)
    return response


def api_idempotency_key(consultation: Consultation, key: str) -> str:
    return f"api:{consultation.id}:{key}"


def response_for_key(key: str) -> Response | None:
    return db.session.scalar(select(Response).where(Response.idempotency_key == key))


def body_fingerprint(body: Any) -> str:
    """SHA-256 of a JSON body, independent of key order and spacing."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def replay(existing: Response, fingerprint: str | None) -> Receipt:
    """The first response's receipt for a retried Idempotency-Key, provided the retry
    sent the same body; a different body under a used key is a client error (IETF
    idempotency-key draft: 422), and nothing is stored."""
    if fingerprint and existing.request_fingerprint not in (None, fingerprint):
        raise Invalid(
            "This Idempotency-Key was already used with a different response. "
            "Use a new key for a new response.",
            fields={"Idempotency-Key": "Already used with a different body"},
        )
    return _receipt(existing)


@dataclass(frozen=True)
class Receipt:
    reference: str
    status: str
    submitted_at: datetime | None


def _receipt(response: Response) -> Receipt:
    return Receipt(response.reference, response.status, response.submitted_at)


def submit_via_api(
    consultation: Consultation, body: Any, *, idempotency_key: str | None
) -> tuple[Receipt, bool]:
    """Store a submitted response from an API body. Returns (receipt, created); with an
    Idempotency-Key seen before, returns the first response's receipt and created False.
    Raises Invalid (fields per answer), Conflict (not open). A unique-key race raises
    IntegrityError: the caller rolls back and looks the first up with `response_for_key`.

    This is the hot path of the load bench, so it checks against cached question specs and
    writes with three bulk INSERTs rather than through the unit of work. Flushes only."""
    key = api_idempotency_key(consultation, idempotency_key) if idempotency_key else None
    fingerprint = body_fingerprint(body) if key else None
    if key:
        existing = response_for_key(key)
        if existing is not None:
            return replay(existing, fingerprint), False
    require_open(consultation)
    if not isinstance(body, dict):
        raise Invalid("Send a JSON object with 'answers'.", fields={"body": "Send a JSON object"})
    fields: dict[str, str] = {}
    unknown = set(body) - {"answers", "about_you"}
    for name in sorted(unknown):
        fields[name] = "Unexpected field; send only 'answers' and 'about_you'"
    answers = body.get("answers")
    if not isinstance(answers, dict):
        fields["answers"] = "Send 'answers' as an object keyed by question id"
        answers = {}
    specs = question_specs(consultation)
    values, answer_errors = clean_answers(specs, answers)
    fields.update(answer_errors)
    about_raw = body.get("about_you") or {}
    about: dict[str, Any] = {}
    if not isinstance(about_raw, dict):
        fields["about_you"] = "Send 'about_you' as an object"
    else:
        try:
            about = clean_about_you(about_raw, consent_required=True, strict=True)
        except Invalid as error:
            fields.update({f"about_you.{k}": v for k, v in error.fields.items()})
    if fields:
        raise Invalid("Some answers need to be fixed.", fields=fields)
    now = _now()
    reference = new_reference()
    response_id = db.session.execute(
        insert(Response).returning(Response.id),
        [
            {
                "consultation_id": consultation.id,
                "reference": reference,
                "status": "submitted",
                "channel": "api",
                "idempotency_key": key,
                "request_fingerprint": fingerprint,
                "submitted_at": now,
                "respondent_type": about.get("respondent_type") or "individual",
                "organisation_name": about.get("organisation_name"),
                "wants_updates": bool(about.get("wants_updates")) and bool(about.get("email")),
            }
        ],
    ).scalar_one()
    kinds = {spec.id: question_kind(spec.kind) for spec in specs}
    rows = [
        {
            "response_id": response_id,
            "question_id": question_id,
            **kinds[question_id].columns(value),
            "moderation": "visible",
        }
        for question_id, value in values.items()
    ]
    if rows:
        db.session.execute(insert(Answer), rows)
    personal = {
        name: about.get(name)
        for name in ("email", "age_band", "gender", "ethnicity", "disability", "postcode_district")
    }
    if any(personal.values()):
        db.session.execute(
            insert(RespondentProfile),
            [
                {
                    "response_id": response_id,
                    **personal,
                    "consented_at": now,
                    "erase_after": (consultation.closes_at or now) + PROFILE_RETENTION,
                }
            ],
        )
    return Receipt(reference, "submitted", now), True


def count_submitted(consultation: Consultation) -> int:
    return (
        db.session.scalar(
            select(func.count(Response.id)).where(
                Response.consultation_id == consultation.id, Response.status == "submitted"
            )
        )
        or 0
    )


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
    AuditEntry.record(
        "answer.hidden" if hide else "answer.restored",
        actor=actor,
        subject=answer,
        reason=reason,
        response_reference=answer.response.reference,
    )
    db.session.flush()


def shown_text(answer: Answer, *, originals: bool) -> str | None:
    """What a reader may see of a free-text answer: the original for those allowed,
    otherwise the redacted text, and nothing at all when moderation hid it."""
    if originals:
        return answer.text
    if answer.moderation == "hidden":
        return None
    return answer.redacted_text
