"""Representativeness: the area's population margins, each consultation's weighting choice,
and a jury's before/after questionnaire with its answers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.extensions import db
from consult.models.base import TimestampMixin
from consult.models.columns import cascade_fk, set_null_fk


class PopulationMargins(TimestampMixin, db.Model):
    """Population shares for the about-you dimensions of the council's whole area
    (`area` empty) or of one consultation area (a ward or some postcode districts).

    `shares` is ``{dimension: {category: share}}`` with shares of each dimension summing to
    1; dimensions and categories are the about-you questions' own values (checked by
    `representation.margins.check_shares` before anything is saved)."""

    __tablename__ = "population_margins"
    __table_args__ = (UniqueConstraint("area"),)

    area: Mapped[str] = mapped_column(String(120), default="")
    source: Mapped[str] = mapped_column(String(300))
    year: Mapped[int] = mapped_column(Integer)
    shares: Mapped[dict[str, dict[str, float]]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = set_null_fk("users.id")

    @property
    def name(self) -> str:
        return self.area or "Whole council area"


class ConsultationWeighting(TimestampMixin, db.Model):
    """What a consultation is compared with and weighted on: its margins (None: the whole
    council's), the dimensions the officer chose to weight on, and the trim range."""

    __tablename__ = "consultation_weightings"

    consultation_id: Mapped[int] = cascade_fk("consultations.id", unique=True)
    margins_id: Mapped[int | None] = set_null_fk("population_margins.id")
    dimensions: Mapped[list[str]] = mapped_column(JSON, default=list)
    trim_low: Mapped[float] = mapped_column(Float, default=0.2)
    trim_high: Mapped[float] = mapped_column(Float, default=5.0)

    margins: Mapped[PopulationMargins | None] = relationship()


class JuryQuestion(db.Model):
    """One question of a jury's before/after questionnaire: an agreement scale (`kind`
    "agreement", the five fixed points) or choices the officer lists in order."""

    __tablename__ = "jury_questions"
    __table_args__ = (CheckConstraint("kind IN ('agreement', 'choice')", name="kind"),)

    jury_id: Mapped[int] = cascade_fk("juries.id", index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(12), default="agreement")
    prompt: Mapped[str] = mapped_column(Text)
    options: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    #: Welsh versions (issue 19): the prompt, and a choice question's labels in the
    #: options' order (as a consultation question's `options_cy`); empty: English shows
    prompt_cy: Mapped[str | None] = mapped_column(Text)
    options_cy: Mapped[list[str] | None] = mapped_column(JSON)

    answers: Mapped[list[JuryQuestionAnswer]] = relationship(
        back_populates="question", cascade="all, delete-orphan"
    )


class JuryQuestionAnswer(TimestampMixin, db.Model):
    """A juror's answer to one question, before the first session or after the last;
    `entered_by_id` is set when a facilitator typed it in from paper."""

    __tablename__ = "jury_question_answers"
    __table_args__ = (
        UniqueConstraint("question_id", "member_id", "stage"),
        CheckConstraint("stage IN ('before', 'after')", name="stage"),
    )

    question_id: Mapped[int] = cascade_fk("jury_questions.id", index=True)
    member_id: Mapped[int] = cascade_fk("panel_members.id", index=True)
    stage: Mapped[str] = mapped_column(String(8))
    value: Mapped[str] = mapped_column(String(60))
    entered_by_id: Mapped[int | None] = set_null_fk("users.id")

    question: Mapped[JuryQuestion] = relationship(back_populates="answers")

    def as_dict(self) -> dict[str, Any]:
        return {"member": self.member_id, "stage": self.stage, "value": self.value}
