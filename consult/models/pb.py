"""Participatory budgeting: a round (budget, eligibility, phases, the rule frozen before
voting), residents' proposals with the officers' assessment, one-time voting codes, and
the ballots (online and paper, each kept as a ballot; paper ones entered twice)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from flask_babel import gettext
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.extensions import db
from consult.models.base import CreatedMixin, TimestampMixin, UTCDateTime
from consult.models.columns import cascade_fk, set_null_fk
from consult.models.users import User

if TYPE_CHECKING:
    from consult.models.pb_proposals import PBProposalImage

PB_STATUSES = ("draft", "proposals", "assessment", "voting", "closed", "results")
ASSESSMENTS = ("feasible", "feasible_with_changes", "not_feasible")
MODERATION = ("published", "held", "rejected", "merged")
BALLOT_CHANNELS = ("online", "paper", "kiosk", "live")
BALLOT_TYPES = ("approval", "cumulative", "ranking", "knapsack")


def _text_present(column: str) -> str:
    return f"({column} IS NOT NULL AND length(trim({column})) > 0)"


class PBRound(TimestampMixin, db.Model):
    """One participatory budget: money, who may take part, the phases and their dates, and
    the counting rule and ballot. Once voting opens `frozen_rules` holds them as published
    (with the SHA-256 in `rules_checksum`) and nothing that would change the count can be
    edited; `result` keeps the counted outcome (analysis.pb's `Outcome.as_dict()`)."""

    __tablename__ = "pb_rounds"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'proposals', 'assessment', 'voting', 'closed', 'results')",
            name="status",
        ),
        CheckConstraint("budget > 0", name="budget_positive"),
        CheckConstraint(
            "ballot_type IN ('approval', 'cumulative', 'ranking', 'knapsack')", name="ballot_type"
        ),
        CheckConstraint("min_choices >= 1 AND max_choices >= min_choices", name="choices"),
    )

    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    area: Mapped[str] = mapped_column(String(200), default="")
    # Welsh versions of what residents read about the round (issue 19; consult/pb/language.py)
    title_cy: Mapped[str | None] = mapped_column(String(200))
    summary_cy: Mapped[str | None] = mapped_column(Text)
    area_cy: Mapped[str | None] = mapped_column(String(200))
    wards: Mapped[list[str]] = mapped_column(JSON, default=list)
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    budget: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="GBP")
    rule: Mapped[str] = mapped_column(String(60), default="equalshares/add1")
    ballot_type: Mapped[str] = mapped_column(String(20), default="approval")
    min_choices: Mapped[int] = mapped_column(Integer, default=1)
    max_choices: Mapped[int] = mapped_column(Integer, default=5)
    tie_seed: Mapped[str] = mapped_column(String(64), default="")
    # cumulative ballots (consult/pb/ballots.py): points a voter shares out, and the most
    # one project may get; the eligibility check (consult/pb/eligibility.py)
    max_sum_points: Mapped[int | None] = mapped_column(Integer)
    max_points: Mapped[int | None] = mapped_column(Integer)
    eligibility_check: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    postcode_areas: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    eligibility_salt: Mapped[str] = mapped_column(String(64), default="", server_default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    proposals_open_on: Mapped[date | None] = mapped_column(Date)
    proposals_close_on: Mapped[date | None] = mapped_column(Date)
    assessment_ends_on: Mapped[date | None] = mapped_column(Date)
    voting_opens_on: Mapped[date | None] = mapped_column(Date)
    voting_closes_on: Mapped[date | None] = mapped_column(Date)
    results_on: Mapped[date | None] = mapped_column(Date)
    delivery_ends_on: Mapped[date | None] = mapped_column(Date)
    frozen_rules: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    rules_checksum: Mapped[str | None] = mapped_column(String(64))
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    counted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    proposals: Mapped[list[PBProposal]] = relationship(
        back_populates="pb_round", cascade="all, delete-orphan", order_by="PBProposal.id"
    )

    @property
    def is_frozen(self) -> bool:
        return self.rules_checksum is not None

    @property
    def ballot_projects(self) -> list[PBProposal]:
        """The proposals on the ballot, in the order voters see them (by id)."""
        return [proposal for proposal in self.proposals if proposal.on_ballot]

    @property
    def eligibility(self) -> str:
        """Who may take part, in words (in the current language; the area as given)."""
        return eligibility_words(self.area, self.min_age, self.max_age)


def eligibility_words(area: str, min_age: int | None, max_age: int | None) -> str:
    """Who may take part in a round, in the current request's language."""
    low, high = min_age, max_age
    if area:
        if low is not None and high is not None:
            return gettext(
                "Anyone who lives, works or studies in %(area)s and is aged %(low)s to %(high)s",
                area=area,
                low=low,
                high=high,
            )
        if low is not None:
            return gettext(
                "Anyone who lives, works or studies in %(area)s and is aged %(age)s or over",
                area=area,
                age=low,
            )
        if high is not None:
            return gettext(
                "Anyone who lives, works or studies in %(area)s and is aged %(age)s or under",
                area=area,
                age=high,
            )
        return gettext("Anyone who lives, works or studies in %(area)s", area=area)
    if low is not None and high is not None:
        return gettext("Anyone who is aged %(low)s to %(high)s", low=low, high=high)
    if low is not None:
        return gettext("Anyone who is aged %(age)s or over", age=low)
    if high is not None:
        return gettext("Anyone who is aged %(age)s or under", age=high)
    return gettext("Anyone")


class PBProposal(CreatedMixin, db.Model):
    """A resident's project idea. `title` and `description` are the redacted texts (all
    that is ever shown); the originals and the proposer's contact details are for officers.
    The database holds the assessment rules: reasons are required for "not feasible" and
    for "feasible with changes" (which also needs the revised cost), and for a rejection
    in moderation, because all of these are published. A proposal merged into another with
    its proposer's consent is "merged" and names the one it lives on in."""

    __tablename__ = "pb_proposals"
    __table_args__ = (
        CheckConstraint(
            "moderation IN ('published', 'held', 'rejected', 'merged')", name="moderation"
        ),
        CheckConstraint(
            "(moderation = 'merged') = (merged_into_id IS NOT NULL)", name="merged_into"
        ),
        CheckConstraint(
            "assessment IS NULL OR assessment IN "
            "('feasible', 'feasible_with_changes', 'not_feasible')",
            name="assessment",
        ),
        CheckConstraint(
            "assessment IS NULL OR assessment = 'feasible' OR "
            + _text_present("assessment_reasons"),
            name="reasons_required",
        ),
        CheckConstraint(
            "assessment IS NULL OR assessment <> 'feasible_with_changes' OR "
            "assessed_cost IS NOT NULL",
            name="revised_cost_required",
        ),
        CheckConstraint(
            "moderation <> 'rejected' OR " + _text_present("moderation_reason"),
            name="rejection_reason_required",
        ),
        CheckConstraint("estimated_cost > 0", name="cost_positive"),
    )

    round_id: Mapped[int] = cascade_fk("pb_rounds.id", index=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    title_original: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    description_original: Mapped[str] = mapped_column(Text)
    ward: Mapped[str] = mapped_column(String(100), default="")
    estimated_cost: Mapped[int] = mapped_column(Integer)
    proposer_name: Mapped[str] = mapped_column(String(200), default="")
    proposer_email: Mapped[str] = mapped_column(String(254), default="")
    # the language of the page the idea was sent from: the proposer's emails are in it
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    moderation: Mapped[str] = mapped_column(String(20), default="published")
    moderation_reason: Mapped[str | None] = mapped_column(Text)
    assessment: Mapped[str | None] = mapped_column(String(30))
    assessed_cost: Mapped[int | None] = mapped_column(Integer)
    assessment_reasons: Mapped[str | None] = mapped_column(Text)
    assessed_by_id: Mapped[int | None] = set_null_fk("users.id")
    assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when its proposer agreed to merge it into another (moderation is then "merged").
    merged_into_id: Mapped[int | None] = cascade_fk("pb_proposals.id", index=True)

    pb_round: Mapped[PBRound] = relationship(back_populates="proposals")
    assessed_by: Mapped[User | None] = relationship()
    merged_into: Mapped[PBProposal | None] = relationship(remote_side="PBProposal.id")
    image: Mapped[PBProposalImage | None] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", uselist=False
    )

    @property
    def on_ballot(self) -> bool:
        return self.moderation == "published" and self.assessment in (
            "feasible",
            "feasible_with_changes",
        )

    @property
    def cost(self) -> int:
        """What it would cost if funded: the officers' revised cost where they gave one."""
        return self.assessed_cost if self.assessed_cost is not None else self.estimated_cost

    @property
    def project_id(self) -> str:
        """Its id in the ballots file (Pabulib `project_id`)."""
        return str(self.id)


class PBVoterCode(CreatedMixin, db.Model):
    """A one-time voting code, printed and handed out or posted. Only its SHA-256 is kept
    (so it is shown once, when made); it names at most one ballot, which its holder may
    change until voting closes."""

    __tablename__ = "pb_voter_codes"

    round_id: Mapped[int] = cascade_fk("pb_rounds.id", index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    batch: Mapped[str] = mapped_column(String(100), default="")
    created_by_id: Mapped[int | None] = set_null_fk("users.id")

    @staticmethod
    def hash_code(code: str) -> str:
        cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
        return hashlib.sha256(cleaned.encode()).hexdigest()


# Who a ballot belongs to: online, a voting code or an eligibility check (one of them);
# paper, its serial number; kiosk, the kiosk it was cast on (and the code, if one was used);
# live, the panel member who voted in the room during a live session's PB round.
CHANNEL_IDENTITY = (
    "(member_id IS NULL AND ("
    "(channel = 'online' AND paper_serial IS NULL AND kiosk_id IS NULL AND "
    "(voter_code_id IS NULL) <> (eligible_voter_id IS NULL)) OR "
    "(channel = 'paper' AND voter_code_id IS NULL AND eligible_voter_id IS NULL AND "
    "kiosk_id IS NULL AND paper_serial IS NOT NULL) OR "
    "(channel = 'kiosk' AND kiosk_id IS NOT NULL AND paper_serial IS NULL AND "
    "eligible_voter_id IS NULL))) OR "
    "(channel = 'live' AND member_id IS NOT NULL AND voter_code_id IS NULL AND "
    "eligible_voter_id IS NULL AND kiosk_id IS NULL AND paper_serial IS NULL)"
)


class PBBallot(TimestampMixin, db.Model):
    """One voter's ballot, kept as a ballot (the Method of Equal Shares needs each one,
    not totals): the proposal ids chosen, and the ward and age band the voter gave (both
    optional; they give the fairness figures by group). Online ballots belong to a voting
    code; paper ballots carry the serial number written on the paper and become a ballot
    only when two staff members' entries of it agree (`PBPaperEntry`); live ballots belong
    to the panel member who cast them in a live session (one per member and round)."""

    __tablename__ = "pb_ballots"
    __table_args__ = (
        CheckConstraint("channel IN ('online', 'paper', 'kiosk', 'live')", name="channel"),
        CheckConstraint(CHANNEL_IDENTITY, name="channel_identity"),
        UniqueConstraint("round_id", "paper_serial", name="paper_serial"),
        UniqueConstraint("round_id", "member_id", name="one_per_member"),
    )

    round_id: Mapped[int] = cascade_fk("pb_rounds.id", index=True)
    channel: Mapped[str] = mapped_column(String(10))
    voter_code_id: Mapped[int | None] = cascade_fk("pb_voter_codes.id", unique=True)
    paper_serial: Mapped[str | None] = mapped_column(String(40))
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    choices: Mapped[list[int]] = mapped_column(JSON, default=list)
    # cumulative ballots: the points given to each of `choices`, in the same order (ranking
    # ballots keep `choices` in rank order, first choice first)
    points: Mapped[list[int] | None] = mapped_column(JSON)
    eligible_voter_id: Mapped[int | None] = cascade_fk("pb_eligible_voters.id", unique=True)
    kiosk_id: Mapped[int | None] = mapped_column(ForeignKey("pb_kiosks.id"), index=True)
    # a live ballot's panel member (kept, not cleared: the ballot counted)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("panel_members.id"), index=True)
    voter_ward: Mapped[str | None] = mapped_column(String(100))
    voter_age_band: Mapped[str | None] = mapped_column(String(20))


class PBPaperEntry(CreatedMixin, db.Model):
    """One staff member's reading of one paper ballot (double entry: a ballot counts when
    two different people's entries of the same serial number agree)."""

    __tablename__ = "pb_paper_entries"
    __table_args__ = (
        UniqueConstraint("round_id", "serial", "entered_by_id", name="one_per_person"),
    )

    round_id: Mapped[int] = cascade_fk("pb_rounds.id", index=True)
    serial: Mapped[str] = mapped_column(String(40))
    choices: Mapped[list[int]] = mapped_column(JSON, default=list)
    points: Mapped[list[int] | None] = mapped_column(JSON)
    entered_by_id: Mapped[int] = cascade_fk("users.id")

    entered_by: Mapped[User] = relationship()
