"""Consultations, their questions, residents' responses and answers, and (kept apart)
the personal data residents choose to give about themselves."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.extensions import db
from consult.models.base import CreatedMixin, TimestampMixin, UTCDateTime, utcnow
from consult.models.columns import cascade_fk, set_null_fk
from consult.wording import N_

CONSULTATION_STATUSES = ("draft", "open", "closed", "analysed", "responded")
QUESTION_KINDS = (
    "free_text",
    "single_choice",
    "multiple_choice",
    "likert",
    "ranking",
    "budget",
)
LIKERT_OPTIONS = (
    {"value": "1", "label": N_("Strongly disagree")},
    {"value": "2", "label": N_("Disagree")},
    {"value": "3", "label": N_("Neither agree nor disagree")},
    {"value": "4", "label": N_("Agree")},
    {"value": "5", "label": N_("Strongly agree")},
)
FIXED_CHOICES = {"likert": LIKERT_OPTIONS}  # kinds whose options are not the officer's


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Consultation(TimestampMixin, db.Model):
    """A public consultation. Its `status` is stored, but opening and closing by date is
    applied by `consultations.services.refresh_status` whenever it is read."""

    __tablename__ = "consultations"
    __table_args__ = (CheckConstraint(_in("status", CONSULTATION_STATUSES), name="status"),)

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    background: Mapped[str] = mapped_column(Text, default="")
    # Welsh versions (blank: residents reading in Welsh see the English, with a note)
    title_cy: Mapped[str | None] = mapped_column(String(200))
    summary_cy: Mapped[str | None] = mapped_column(Text)
    background_cy: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = set_null_fk("users.id")
    copied_from_id: Mapped[int | None] = set_null_fk("consultations.id")

    questions: Mapped[list[Question]] = relationship(
        back_populates="consultation",
        order_by="Question.position",
        cascade="all, delete-orphan",
    )
    documents: Mapped[list[ConsultationDocument]] = relationship(
        back_populates="consultation",
        order_by="ConsultationDocument.position",
        cascade="all, delete-orphan",
    )
    responses: Mapped[list[Response]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan", lazy="dynamic"
    )

    def __repr__(self) -> str:
        return f"<Consultation {self.slug} {self.status}>"


class ConsultationDocument(db.Model):
    """A document linked from a consultation's background page."""

    __tablename__ = "consultation_documents"

    consultation_id: Mapped[int] = cascade_fk("consultations.id", index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))

    consultation: Mapped[Consultation] = relationship(back_populates="documents")


class Question(db.Model):
    """One question. `options` is a list of {"value", "label"} for choice, ranking and budget
    questions; `max_length` limits free text; `budget_total` is what budget amounts add up to."""

    __tablename__ = "questions"
    __table_args__ = (CheckConstraint(_in("kind", QUESTION_KINDS), name="kind"),)

    consultation_id: Mapped[int] = cascade_fk("consultations.id", index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    key: Mapped[str] = mapped_column(String(60), default="")
    kind: Mapped[str] = mapped_column(String(20))
    prompt: Mapped[str] = mapped_column(Text)
    hint: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    max_length: Mapped[int | None] = mapped_column(Integer)
    budget_total: Mapped[int | None] = mapped_column(Integer)
    options: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    # Welsh versions: the prompt, the hint, and the options' labels in the options' order
    prompt_cy: Mapped[str | None] = mapped_column(Text)
    hint_cy: Mapped[str | None] = mapped_column(Text)
    options_cy: Mapped[list[str] | None] = mapped_column(JSON)

    consultation: Mapped[Consultation] = relationship(back_populates="questions")

    @property
    def choices(self) -> list[dict[str, str]]:
        """The options a resident picks from (the fixed five for a Likert question)."""
        return list(FIXED_CHOICES.get(self.kind) or self.options or [])


class Response(TimestampMixin, db.Model):
    """One resident's (or organisation's) response. A draft until submitted; the `reference`
    is the receipt; the resume token's hash lets a resident come back to a draft."""

    __tablename__ = "responses"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'submitted')", name="status"),
        CheckConstraint(
            "respondent_type IN ('individual', 'organisation')", name="respondent_type"
        ),
        CheckConstraint(
            "channel IN ('online', 'api', 'email', 'paper', 'import', 'demo')", name="channel"
        ),
    )

    consultation_id: Mapped[int] = cascade_fk("consultations.id", index=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    channel: Mapped[str] = mapped_column(String(12), default="online")
    respondent_type: Mapped[str] = mapped_column(String(14), default="individual")
    organisation_name: Mapped[str | None] = mapped_column(String(200))
    resume_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    # SHA-256 of an API body sent with an Idempotency-Key: a retry must send the same body
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    wants_updates: Mapped[bool] = mapped_column(Boolean, default=False)
    # the interface language the resident answered in ("en" or "cy"; imports: "en")
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")
    #: when its personal data was erased (on request or by retention, consult/privacy):
    #: the row stays, so counts and anonymised closed answers stay true
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    consultation: Mapped[Consultation] = relationship(back_populates="responses")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )
    profile: Mapped[RespondentProfile | None] = relationship(
        back_populates="response", cascade="all, delete-orphan", uselist=False
    )


class Answer(TimestampMixin, db.Model):
    """A response's answer to one question. `value` holds the structured answer; free text
    is kept as written (`text`, officers only) and redacted (`redacted_text`, for everything
    shown or published). Moderation hides an answer with a reason; nothing is deleted."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("response_id", "question_id"),
        CheckConstraint("moderation IN ('visible', 'hidden')", name="moderation"),
    )

    response_id: Mapped[int] = cascade_fk("responses.id", index=True)
    question_id: Mapped[int] = cascade_fk("questions.id", index=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    text: Mapped[str | None] = mapped_column(Text)
    redacted_text: Mapped[str | None] = mapped_column(Text)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    moderation: Mapped[str] = mapped_column(String(10), default="visible")
    moderation_reason: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()


class RespondentProfile(CreatedMixin, db.Model):
    """Personal data a resident chose to give ("about you" and contact), kept apart from
    answers so that it can be reported on in aggregate, retained for less time, and erased."""

    __tablename__ = "respondent_profiles"

    response_id: Mapped[int] = cascade_fk("responses.id", unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    age_band: Mapped[str | None] = mapped_column(String(30))
    gender: Mapped[str | None] = mapped_column(String(30))
    ethnicity: Mapped[str | None] = mapped_column(String(40))
    disability: Mapped[str | None] = mapped_column(String(30))
    postcode_district: Mapped[str | None] = mapped_column(String(30))
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    erase_after: Mapped[datetime | None] = mapped_column(UTCDateTime())

    response: Mapped[Response] = relationship(back_populates="profile")


class ReferenceShare(db.Model):
    """A reference population share (e.g. census) an officer enters for one profile field,
    so charts can show who the council did not hear from."""

    __tablename__ = "reference_shares"
    __table_args__ = (UniqueConstraint("consultation_id", "field", "value"),)

    consultation_id: Mapped[int] = cascade_fk("consultations.id", index=True)
    field: Mapped[str] = mapped_column(String(30))
    value: Mapped[str] = mapped_column(String(40))
    share: Mapped[float] = mapped_column(Float)


class ResponseImport(CreatedMixin, db.Model):
    """A CSV/XLSX import of email or paper responses: its mapping and its row report."""

    __tablename__ = "response_imports"

    consultation_id: Mapped[int] = cascade_fk("consultations.id", index=True)
    filename: Mapped[str] = mapped_column(String(255))
    created_by_id: Mapped[int | None] = set_null_fk("users.id")
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    imported_count: Mapped[int] = mapped_column(Integer, default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=utcnow)
