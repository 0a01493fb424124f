"""Analysis runs and their results: themes, assignments of answers or contributions to
themes, and duplicate or campaign groups. Officers edit themes; edits are kept across runs."""

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
from consult.models.base import CreatedMixin, UTCDateTime
from consult.models.columns import cascade_fk, set_null_fk


class AnalysisRun(CreatedMixin, db.Model):
    """One background analysis of a consultation or a jury's contributions, with its
    parameters, live progress (0..1) and, on failure, the cause."""

    __tablename__ = "analysis_runs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
    )

    consultation_id: Mapped[int | None] = cascade_fk("consultations.id", index=True)
    jury_id: Mapped[int | None] = cascade_fk("juries.id", index=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(String(300), default="")
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    started_by_id: Mapped[int | None] = set_null_fk("users.id")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    themes: Mapped[list[Theme]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="Theme.position"
    )


class Theme(CreatedMixin, db.Model):
    """A theme found in one question's answers (or a jury's ideas), or a sub-theme of one
    (`parent_id` set: the tree has two levels). `label` is its title (an officer may edit
    it), `description` one sentence saying what its answers say (`description_ids` are the
    answers it cites; empty once an officer rewrites it). `summary` is a list of
    {"sentence", "response_ids"}; `quotes` a list of {"id", "text"} (redacted text only)."""

    __tablename__ = "themes"

    run_id: Mapped[int] = cascade_fk("analysis_runs.id", index=True)
    question_id: Mapped[int | None] = cascade_fk("questions.id", index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    engine_key: Mapped[str] = mapped_column(String(40), default="")
    label: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    description_ids: Mapped[list[int] | None] = mapped_column(JSON, default=list)
    parent_id: Mapped[int | None] = cascade_fk("themes.id", index=True)
    keyphrases: Mapped[list[str]] = mapped_column(JSON, default=list)
    size: Mapped[int] = mapped_column(Integer, default=0)
    share: Mapped[float] = mapped_column(Float, default=0.0)
    sentiment: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    quotes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    no_substantive_comment: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_into_id: Mapped[int | None] = set_null_fk("themes.id")
    approved_by_id: Mapped[int | None] = set_null_fk("users.id")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    #: "cy" for a theme of answers written in Welsh (analysis.bilingual), else "en".
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")

    run: Mapped[AnalysisRun] = relationship(back_populates="themes")

    @property
    def title(self) -> str:
        """The heading officers and residents read (stored as `label`)."""
        return self.label

    @property
    def is_subtheme(self) -> bool:
        return self.parent_id is not None


class ThemeAssignment(db.Model):
    """An answer (or contribution) in a theme, with the engine's confidence. `manual` marks
    an officer's move; `not_relevant` an officer's exclusion. `subtheme_id` is the
    sub-theme of `theme_id` the answer sits in (None where the theme has none, or for a
    secondary theme)."""

    __tablename__ = "theme_assignments"
    __table_args__ = (
        UniqueConstraint("theme_id", "answer_id"),
        UniqueConstraint("theme_id", "contribution_id"),
    )

    theme_id: Mapped[int] = cascade_fk("themes.id", index=True)
    subtheme_id: Mapped[int | None] = set_null_fk("themes.id", index=True)
    answer_id: Mapped[int | None] = cascade_fk("answers.id", index=True)
    contribution_id: Mapped[int | None] = cascade_fk("contributions.id", index=True)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    primary: Mapped[bool] = mapped_column(Boolean, default=True)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    not_relevant: Mapped[bool] = mapped_column(Boolean, default=False)


class DuplicateGroupRecord(db.Model):
    """Exact duplicates, near-duplicates or an organised campaign found in a run."""

    __tablename__ = "duplicate_groups"
    __table_args__ = (CheckConstraint("kind IN ('exact', 'near', 'campaign')", name="kind"),)

    run_id: Mapped[int] = cascade_fk("analysis_runs.id", index=True)
    question_id: Mapped[int | None] = cascade_fk("questions.id")
    kind: Mapped[str] = mapped_column(String(10))
    count: Mapped[int] = mapped_column(Integer)
    answer_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    representative_answer_id: Mapped[int | None] = set_null_fk("answers.id")
    representative_text: Mapped[str] = mapped_column(Text, default="")
