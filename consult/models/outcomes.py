"""The council's response to each jury recommendation, consultation theme and funded PB
project, and the progress updates that follow it ("You said, we did")."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.extensions import db
from consult.models.base import CreatedMixin, TimestampMixin, UTCDateTime
from consult.models.columns import cascade_fk, set_null_fk
from consult.models.insights import Theme
from consult.models.live import Recommendation
from consult.models.pb import PBProposal

RESPONSE_STATUSES = ("accepted", "accepted_in_part", "not_accepted", "under_consideration")


class CouncilResponse(TimestampMixin, db.Model):
    """The council's answer to one recommendation, theme or funded participatory budgeting
    project (exactly one of the three). Reasons are required unless
    it is accepted; the database holds that rule too, so no path can skip it."""

    __tablename__ = "council_responses"
    __table_args__ = (
        CheckConstraint(
            "status IN ('accepted', 'accepted_in_part', 'not_accepted', 'under_consideration')",
            name="status",
        ),
        CheckConstraint(
            "status = 'accepted' OR (reasons IS NOT NULL AND length(trim(reasons)) > 0)",
            name="reasons_required",
        ),
        CheckConstraint(
            "(CASE WHEN recommendation_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN theme_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN pb_proposal_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_subject",
        ),
    )

    recommendation_id: Mapped[int | None] = cascade_fk("recommendations.id", unique=True)
    theme_id: Mapped[int | None] = cascade_fk("themes.id", unique=True)
    pb_proposal_id: Mapped[int | None] = cascade_fk("pb_proposals.id", unique=True)
    status: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    reasons: Mapped[str | None] = mapped_column(Text)
    # the Welsh versions of what is published (issue 19): empty means "English only"
    text_cy: Mapped[str | None] = mapped_column(Text)
    reasons_cy: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = set_null_fk("users.id")

    recommendation: Mapped[Recommendation | None] = relationship()
    theme: Mapped[Theme | None] = relationship()
    pb_proposal: Mapped[PBProposal | None] = relationship()
    updates: Mapped[list[ProgressUpdate]] = relationship(
        back_populates="council_response",
        cascade="all, delete-orphan",
        order_by="ProgressUpdate.created_at",
    )

    @property
    def progress(self) -> int:
        return self.updates[-1].percent if self.updates else 0

    @property
    def missing_welsh(self) -> list[str]:
        """What is published in English with no Welsh version ("text", "reasons",
        "progress notes"), for the officer's page before publishing."""
        missing = [
            field
            for field in ("text", "reasons")
            if (getattr(self, field) or "").strip()
            and not (getattr(self, f"{field}_cy") or "").strip()
        ]
        if any(u.note.strip() and not (u.note_cy or "").strip() for u in self.updates):
            missing.append("notes")
        return missing


class ProgressUpdate(CreatedMixin, db.Model):
    """Delivery progress on a council response."""

    __tablename__ = "progress_updates"
    __table_args__ = (CheckConstraint("percent >= 0 AND percent <= 100", name="percent"),)

    council_response_id: Mapped[int] = cascade_fk("council_responses.id", index=True)
    percent: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    note_cy: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = set_null_fk("users.id")

    council_response: Mapped[CouncilResponse] = relationship(back_populates="updates")
