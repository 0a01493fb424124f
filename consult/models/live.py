"""Live deliberation: a jury's sessions, their agenda of rounds, tables, contributions,
the speaking queue, polls and ballots, recommendations, amendments, votes and minority
reports. Every row a juror causes carries the client id it was sent with, so a retry
returns the first row instead of writing a second."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from consult.consultations.redaction import moderate
from consult.extensions import db
from consult.models.base import CreatedMixin, TimestampMixin, UTCDateTime, utcnow
from consult.models.columns import cascade_fk, set_null_fk
from consult.models.juries import Jury, PanelMember

ROUND_KINDS = (
    "briefing",
    "open_discussion",
    "table_discussion",
    "ideas",
    "poll",
    "drafting",
    "final_vote",
    "reflection",
    "pb_vote",
)
POLL_KINDS = ("agree_disagree", "single_choice", "ranking", "dots", "budget")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class JurySession(TimestampMixin, db.Model):
    """One meeting of a jury. `last_seq` is the room's sequence number: every broadcast
    event gets the next one, so a reconnecting client asks for what came after its last."""

    __tablename__ = "jury_sessions"
    __table_args__ = (
        CheckConstraint("status IN ('planned', 'live', 'paused', 'ended')", name="status"),
    )

    jury_id: Mapped[int] = cascade_fk("juries.id", index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10), default="planned")
    current_round_id: Mapped[int | None] = mapped_column(
        ForeignKey("rounds.id", ondelete="SET NULL", use_alter=True)
    )
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    gallery_open: Mapped[bool] = mapped_column(Boolean, default=False)
    announcement: Mapped[str | None] = mapped_column(Text)
    facilitator_id: Mapped[int | None] = set_null_fk("users.id")

    jury: Mapped[Jury] = relationship(back_populates="sessions")
    rounds: Mapped[list[Round]] = relationship(
        back_populates="session",
        order_by="Round.position",
        cascade="all, delete-orphan",
        foreign_keys="Round.session_id",
    )
    # post_update: the session points at a round that points back at the session, so
    # this pointer is written in a second statement (otherwise a flush that changes both
    # sides is a circular dependency).
    current_round: Mapped[Round | None] = relationship(
        foreign_keys=[current_round_id], post_update=True
    )
    tables: Mapped[list[JuryTable]] = relationship(
        back_populates="session", order_by="JuryTable.number", cascade="all, delete-orphan"
    )


class Round(db.Model):
    """One item of the agenda. The server keeps the timer: while running, `ends_at` is the
    end time every client counts down to; while paused, `remaining_seconds` holds the rest."""

    __tablename__ = "rounds"
    __table_args__ = (
        CheckConstraint(_in("kind", ROUND_KINDS), name="kind"),
        CheckConstraint("status IN ('pending', 'running', 'paused', 'done')", name="status"),
    )

    session_id: Mapped[int] = cascade_fk("jury_sessions.id", index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    planned_minutes: Mapped[int] = mapped_column(Integer, default=15)
    instructions: Mapped[str] = mapped_column(Text, default="")  # what jurors see
    # Welsh versions of what jurors see (issue 19); empty: the English shows
    title_cy: Mapped[str | None] = mapped_column(String(200))
    instructions_cy: Mapped[str | None] = mapped_column(Text)
    # the facilitator's own notes for running the round (never sent to jurors)
    script: Mapped[str] = mapped_column(Text, default="", server_default="")
    materials: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    remaining_seconds: Mapped[int | None] = mapped_column(Integer)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    # when its time is up, the server moves the session on to the next round by itself
    auto_advance: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # a "pb_vote" round: the participatory budgeting round the room votes in
    pb_round_id: Mapped[int | None] = set_null_fk("pb_rounds.id", index=True)

    session: Mapped[JurySession] = relationship(back_populates="rounds", foreign_keys=[session_id])


class JuryTable(db.Model):
    """A table (small group) within a session, with its own channel and optional scribe."""

    __tablename__ = "jury_tables"
    __table_args__ = (UniqueConstraint("session_id", "number"),)

    session_id: Mapped[int] = cascade_fk("jury_sessions.id", index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(60))
    scribe_member_id: Mapped[int | None] = set_null_fk("panel_members.id")

    session: Mapped[JurySession] = relationship(back_populates="tables")


class TableAllocation(CreatedMixin, db.Model):
    """A seating plan for a session (from a given round on); the newest active one applies."""

    __tablename__ = "table_allocations"

    session_id: Mapped[int] = cascade_fk("jury_sessions.id", index=True)
    from_round_id: Mapped[int | None] = set_null_fk("rounds.id")
    method: Mapped[str] = mapped_column(String(20), default="balanced")
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    seats: Mapped[list[TableSeat]] = relationship(
        back_populates="allocation", cascade="all, delete-orphan"
    )


class TableSeat(db.Model):
    """A member's table in one allocation."""

    __tablename__ = "table_seats"
    __table_args__ = (UniqueConstraint("allocation_id", "member_id"),)

    allocation_id: Mapped[int] = cascade_fk("table_allocations.id", index=True)
    table_id: Mapped[int] = cascade_fk("jury_tables.id")
    member_id: Mapped[int] = cascade_fk("panel_members.id")

    allocation: Mapped[TableAllocation] = relationship(back_populates="seats")
    table: Mapped[JuryTable] = relationship()
    member: Mapped[PanelMember] = relationship()


class LiveEvent(db.Model):
    """The broadcast log of a session: what each room was sent, in order (`seq`). A client
    that reconnects is sent the events after the last `seq` it saw, then the current state."""

    __tablename__ = "live_events"
    __table_args__ = (
        UniqueConstraint("session_id", "seq"),
        # the last event of one room (each event names the one before it in its room)
        Index("ix_live_events_room_seq", "session_id", "room", "seq"),
    )

    session_id: Mapped[int] = cascade_fk("jury_sessions.id", index=True)
    seq: Mapped[int] = mapped_column(Integer)
    room: Mapped[str] = mapped_column(String(60))
    event: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Contribution(CreatedMixin, db.Model):
    """Something said in a session: a chat message, an idea, a scribe's note or an
    announcement. Written before it is broadcast; hidden (never deleted) by moderation."""

    __tablename__ = "contributions"
    __table_args__ = (
        UniqueConstraint("session_id", "client_id"),
        CheckConstraint(
            "kind IN ('message', 'idea', 'note', 'announcement', 'reflection')", name="kind"
        ),
    )

    session_id: Mapped[int] = cascade_fk("jury_sessions.id", index=True)
    round_id: Mapped[int | None] = set_null_fk("rounds.id", index=True)
    table_id: Mapped[int | None] = set_null_fk("jury_tables.id")
    member_id: Mapped[int | None] = set_null_fk("panel_members.id")
    user_id: Mapped[int | None] = set_null_fk("users.id")
    kind: Mapped[str] = mapped_column(String(14), default="message")
    text: Mapped[str] = mapped_column(Text)
    #: `text` with personal details redacted, worked out once when the text is set, so
    #: the officer's theme pages and the analysis do not redact it again on every read
    #: (rows from before the column were filled in by its migration).
    redacted_text: Mapped[str | None] = mapped_column(Text)
    client_id: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int | None] = mapped_column(Integer)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    idea_group: Mapped[str | None] = mapped_column(String(200))
    public: Mapped[bool] = mapped_column(Boolean, default=False)

    member: Mapped[PanelMember | None] = relationship()

    @validates("text")
    def _redact(self, key: str, value: str) -> str:
        self.redacted_text = moderate(value or "")[0]
        return value

    @property
    def redacted(self) -> str:
        """The redacted text: the stored one (worked out now only for a row written
        outside the ORM, which the validator above never saw)."""
        if self.redacted_text is not None:
            return self.redacted_text
        return moderate(self.text or "")[0]


class HandRaise(CreatedMixin, db.Model):
    """A raised hand in the room or at a table; giving the floor starts a speaking turn."""

    __tablename__ = "hand_raises"
    __table_args__ = (UniqueConstraint("session_id", "client_id"),)

    session_id: Mapped[int] = cascade_fk("jury_sessions.id", index=True)
    round_id: Mapped[int | None] = set_null_fk("rounds.id")
    table_id: Mapped[int | None] = set_null_fk("jury_tables.id")
    member_id: Mapped[int] = cascade_fk("panel_members.id")
    client_id: Mapped[str] = mapped_column(String(64))
    lowered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    floor_given_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    member: Mapped[PanelMember] = relationship()


class SpeakingTurn(db.Model):
    """A period with the floor; its length feeds the speaking-time balance."""

    __tablename__ = "speaking_turns"

    session_id: Mapped[int] = cascade_fk("jury_sessions.id", index=True)
    round_id: Mapped[int | None] = set_null_fk("rounds.id")
    table_id: Mapped[int | None] = set_null_fk("jury_tables.id")
    member_id: Mapped[int] = cascade_fk("panel_members.id")
    hand_id: Mapped[int | None] = set_null_fk("hand_raises.id")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    member: Mapped[PanelMember] = relationship()


class Poll(CreatedMixin, db.Model):
    """A live poll. Results stay hidden from jurors until the facilitator reveals them.
    `options` is a list of {"value", "label"} (choice, ranking, dots, budget), with a
    "label_cy" (the Welsh label, issue 19) where the facilitator gave one."""

    __tablename__ = "polls"
    __table_args__ = (
        CheckConstraint(_in("kind", POLL_KINDS), name="kind"),
        CheckConstraint("status IN ('draft', 'open', 'closed')", name="status"),
    )

    session_id: Mapped[int] = cascade_fk("jury_sessions.id", index=True)
    round_id: Mapped[int | None] = set_null_fk("rounds.id")
    kind: Mapped[str] = mapped_column(String(20))
    question: Mapped[str] = mapped_column(Text)
    question_cy: Mapped[str | None] = mapped_column(Text)  # Welsh version (issue 19)
    options: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    revealed: Mapped[bool] = mapped_column(Boolean, default=False)
    dots_per_member: Mapped[int | None] = mapped_column(Integer)
    budget_total: Mapped[int | None] = mapped_column(Integer)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    statements: Mapped[list[PollStatement]] = relationship(
        back_populates="poll", order_by="PollStatement.position", cascade="all, delete-orphan"
    )


class PollStatement(db.Model):
    """A statement in an agree/disagree poll (`text_cy`: the Welsh version, when the
    facilitator wrote one)."""

    __tablename__ = "poll_statements"

    poll_id: Mapped[int] = cascade_fk("polls.id", index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    text_cy: Mapped[str | None] = mapped_column(Text)
    author_member_id: Mapped[int | None] = set_null_fk("panel_members.id")
    moderated_out: Mapped[bool] = mapped_column(Boolean, default=False)

    poll: Mapped[Poll] = relationship(back_populates="statements")


class Ballot(TimestampMixin, db.Model):
    """A member's ballot in a poll: one per member, changeable while the poll is open.
    `value`: agree/disagree {statement_id: 1|0|-1}; single choice "value"; ranking [values];
    dots and budget {value: amount}."""

    __tablename__ = "ballots"
    __table_args__ = (UniqueConstraint("poll_id", "member_id"),)

    poll_id: Mapped[int] = cascade_fk("polls.id", index=True)
    member_id: Mapped[int] = cascade_fk("panel_members.id")
    value: Mapped[Any] = mapped_column(JSON)
    client_id: Mapped[str] = mapped_column(String(64))


class Recommendation(TimestampMixin, db.Model):
    """A recommendation drafted by a jury, decided by a final vote against a threshold
    (share of support among votes cast) and a quorum (votes needed for a valid vote)."""

    __tablename__ = "recommendations"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'voting', 'passed', 'failed', 'withdrawn')", name="status"
        ),
        CheckConstraint("threshold > 0 AND threshold <= 1", name="threshold"),
    )

    jury_id: Mapped[int] = cascade_fk("juries.id", index=True)
    session_id: Mapped[int | None] = set_null_fk("jury_sessions.id")
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    threshold: Mapped[float] = mapped_column(Float, default=0.8)
    quorum: Mapped[int] = mapped_column(Integer, default=1)
    votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_against: Mapped[int | None] = mapped_column(Integer)
    votes_abstain: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    author_member_id: Mapped[int | None] = set_null_fk("panel_members.id")
    client_id: Mapped[str | None] = mapped_column(String(64), unique=True)

    jury: Mapped[Jury] = relationship()
    amendments: Mapped[list[Amendment]] = relationship(
        back_populates="recommendation", cascade="all, delete-orphan", order_by="Amendment.id"
    )
    minority_reports: Mapped[list[MinorityReport]] = relationship(
        back_populates="recommendation", cascade="all, delete-orphan"
    )

    @property
    def vote_counts(self) -> dict[str, int | None]:
        """The final vote's counts by column name (None until the vote is decided)."""
        return {
            "votes_for": self.votes_for,
            "votes_against": self.votes_against,
            "votes_abstain": self.votes_abstain,
        }


class Amendment(CreatedMixin, db.Model):
    """A proposed change to a draft recommendation, accepted or rejected by the room."""

    __tablename__ = "amendments"
    __table_args__ = (
        CheckConstraint("status IN ('proposed', 'accepted', 'rejected')", name="status"),
    )

    recommendation_id: Mapped[int] = cascade_fk("recommendations.id", index=True)
    member_id: Mapped[int | None] = set_null_fk("panel_members.id")
    text: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    recommendation: Mapped[Recommendation] = relationship(back_populates="amendments")


class RecommendationVote(TimestampMixin, db.Model):
    """A member's final vote on a recommendation; one per member, changeable while open."""

    __tablename__ = "recommendation_votes"
    __table_args__ = (
        UniqueConstraint("recommendation_id", "member_id"),
        CheckConstraint("choice IN ('support', 'oppose', 'abstain')", name="choice"),
    )

    recommendation_id: Mapped[int] = cascade_fk("recommendations.id", index=True)
    member_id: Mapped[int] = cascade_fk("panel_members.id")
    choice: Mapped[str] = mapped_column(String(8))
    client_id: Mapped[str] = mapped_column(String(64))


class MinorityReport(CreatedMixin, db.Model):
    """A dissent attached to a recommendation, written by one member and signed by others."""

    __tablename__ = "minority_reports"

    recommendation_id: Mapped[int] = cascade_fk("recommendations.id", index=True)
    author_member_id: Mapped[int | None] = set_null_fk("panel_members.id")
    text: Mapped[str] = mapped_column(Text)
    client_id: Mapped[str | None] = mapped_column(String(64), unique=True)

    recommendation: Mapped[Recommendation] = relationship(back_populates="minority_reports")
    signatures: Mapped[list[MinorityReportSignature]] = relationship(cascade="all, delete-orphan")


class MinorityReportSignature(CreatedMixin, db.Model):
    """A member's signature on a minority report."""

    __tablename__ = "minority_report_signatures"
    __table_args__ = (UniqueConstraint("report_id", "member_id"),)

    report_id: Mapped[int] = cascade_fk("minority_reports.id", index=True)
    member_id: Mapped[int] = cascade_fk("panel_members.id")
