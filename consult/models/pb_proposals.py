"""Participatory budgeting, around a proposal: its optional picture (kept in the database,
already cleaned of metadata) and merges of near-duplicate proposals, which need every
proposer's consent (`PBMerge` with one `PBMergeAnswer` per proposal)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from consult.extensions import db
from consult.models.base import CreatedMixin, UTCDateTime
from consult.models.columns import cascade_fk, set_null_fk
from consult.models.pb import PBProposal, PBRound
from consult.models.users import User

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
MERGE_STATUSES = ("asking", "merged", "declined", "withdrawn")
MERGE_ANSWERS = ("agreed", "declined")


class PBProposalImage(CreatedMixin, db.Model):
    """A proposal's picture, re-encoded on upload (so no EXIF, GPS or other metadata is
    kept) and stored here rather than on disk, so every server process sees it and it
    goes with the database's backups. `alt_text` is the proposer's description, required.
    A moderator can hide it (`hidden`), which takes it off every public page."""

    __tablename__ = "pb_proposal_images"
    __table_args__ = (
        CheckConstraint(
            "content_type IN ('image/jpeg', 'image/png', 'image/webp')", name="content_type"
        ),
        CheckConstraint("length(trim(alt_text)) > 0", name="alt_text_required"),
    )

    proposal_id: Mapped[int] = cascade_fk("pb_proposals.id", unique=True)
    content_type: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    byte_size: Mapped[int] = mapped_column(Integer)
    alt_text: Mapped[str] = mapped_column(String(250))
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str | None] = mapped_column(Text)

    proposal: Mapped[PBProposal] = relationship(back_populates="image")


class PBMerge(CreatedMixin, db.Model):
    """Officers' suggestion to merge proposals into one (`survivor`, with the merged title,
    description and cost). It happens only when every proposer has agreed ("merged");
    one "no" keeps them apart ("declined"); officers may withdraw it while it is asking."""

    __tablename__ = "pb_merges"
    __table_args__ = (
        CheckConstraint("status IN ('asking', 'merged', 'declined', 'withdrawn')", name="status"),
        CheckConstraint("estimated_cost > 0", name="cost_positive"),
    )

    round_id: Mapped[int] = cascade_fk("pb_rounds.id", index=True)
    survivor_id: Mapped[int] = cascade_fk("pb_proposals.id")
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    estimated_cost: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="asking")
    created_by_id: Mapped[int | None] = set_null_fk("users.id")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    pb_round: Mapped[PBRound] = relationship()
    survivor: Mapped[PBProposal] = relationship()
    created_by: Mapped[User | None] = relationship()
    answers: Mapped[list[PBMergeAnswer]] = relationship(
        back_populates="merge", cascade="all, delete-orphan", order_by="PBMergeAnswer.id"
    )

    @property
    def proposals(self) -> list[PBProposal]:
        """The proposals it would merge, the survivor first."""
        others = [a.proposal for a in self.answers if a.proposal_id != self.survivor_id]
        return [self.survivor, *others]

    @property
    def waiting_for(self) -> list[PBMergeAnswer]:
        return [answer for answer in self.answers if answer.answer is None]


class PBMergeAnswer(db.Model):
    """One proposer's answer to a merge: none yet, "agreed" or "declined"; `via` says how
    it came ("link": the proposer's signed link; "officer": recorded by an officer who
    heard it by phone or in person, who is named in `recorded_by`)."""

    __tablename__ = "pb_merge_answers"
    __table_args__ = (
        UniqueConstraint("merge_id", "proposal_id", name="one_per_proposal"),
        CheckConstraint("answer IS NULL OR answer IN ('agreed', 'declined')", name="answer"),
    )

    merge_id: Mapped[int] = cascade_fk("pb_merges.id", index=True)
    proposal_id: Mapped[int] = cascade_fk("pb_proposals.id")
    answer: Mapped[str | None] = mapped_column(String(20))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    via: Mapped[str | None] = mapped_column(String(20))
    recorded_by_id: Mapped[int | None] = set_null_fk("users.id")

    merge: Mapped[PBMerge] = relationship(back_populates="answers")
    proposal: Mapped[PBProposal] = relationship()
