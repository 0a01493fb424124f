"""Citizens' juries: the registration pool, quotas, lottery draws and the panel."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.extensions import db
from consult.models.base import CreatedMixin, TimestampMixin, UTCDateTime
from consult.models.columns import cascade_fk, set_null_fk

JURY_STATUSES = ("recruiting", "selected", "running", "finished")
MEMBER_STATUSES = ("invited", "confirmed", "declined", "dropped")


class Jury(TimestampMixin, db.Model):
    """A citizens' jury: its remit, its pool, its quotas and (once drawn) its panel."""

    __tablename__ = "juries"
    __table_args__ = (
        CheckConstraint(
            "status IN ('recruiting', 'selected', 'running', 'finished')", name="status"
        ),
    )

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # Welsh versions of the public texts (issue 19); empty: the English shows, with a note
    title_cy: Mapped[str | None] = mapped_column(String(200))
    question_cy: Mapped[str | None] = mapped_column(Text)
    description_cy: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="recruiting")
    panel_size: Mapped[int] = mapped_column(Integer, default=24)
    registration_open: Mapped[bool] = mapped_column(Boolean, default=True)
    lottery_seed: Mapped[str | None] = mapped_column(String(200))
    seed_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: when an officer marked the jury finished: its jurors' retention counts from here
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = set_null_fk("users.id")

    categories: Mapped[list[JuryCategory]] = relationship(
        back_populates="jury", order_by="JuryCategory.position", cascade="all, delete-orphan"
    )
    registrants: Mapped[list[Registrant]] = relationship(
        back_populates="jury", cascade="all, delete-orphan", lazy="dynamic"
    )
    members: Mapped[list[PanelMember]] = relationship(
        back_populates="jury", cascade="all, delete-orphan", order_by="PanelMember.id"
    )
    sessions: Mapped[list[Any]] = relationship(
        "JurySession", back_populates="jury", cascade="all, delete-orphan"
    )


class JuryCategory(db.Model):
    """A demographic category the jury balances on (age band, gender, area, ...)."""

    __tablename__ = "jury_categories"
    __table_args__ = (UniqueConstraint("jury_id", "name"),)

    jury_id: Mapped[int] = cascade_fk("juries.id", index=True)
    name: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(200))
    #: the Welsh version of the label (issue 19); empty: Welsh registrants see the English
    label_cy: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)

    jury: Mapped[Jury] = relationship(back_populates="categories")
    values: Mapped[list[CategoryValue]] = relationship(
        back_populates="category", order_by="CategoryValue.position", cascade="all, delete-orphan"
    )


class CategoryValue(db.Model):
    """One value of a category with its quota: at least `min`, at most `max` on the panel
    (and, from an imported categories file, how far the organiser allows them to move)."""

    __tablename__ = "category_values"
    __table_args__ = (
        UniqueConstraint("category_id", "value"),
        CheckConstraint("min_count >= 0 AND max_count >= min_count", name="quota"),
    )

    category_id: Mapped[int] = cascade_fk("jury_categories.id", index=True)
    value: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(200))
    label_cy: Mapped[str | None] = mapped_column(String(200))  # its Welsh version, if any
    position: Mapped[int] = mapped_column(Integer, default=0)
    min_count: Mapped[int] = mapped_column(Integer, default=0)
    max_count: Mapped[int] = mapped_column(Integer, default=0)
    #: How far the organiser allows the quota to be relaxed (a categories file's
    #: `min_flex`/`max_flex`): the suggested relaxations keep within them. None: no limit.
    min_flex: Mapped[int | None] = mapped_column(Integer)
    max_flex: Mapped[int | None] = mapped_column(Integer)

    category: Mapped[JuryCategory] = relationship(back_populates="values")


class Registrant(TimestampMixin, db.Model):
    """A person in the recruitment pool. All of this row is personal data: erasure blanks
    the contact fields and keeps only what the lottery's audit needs (features, household)."""

    __tablename__ = "registrants"
    __table_args__ = (
        CheckConstraint(
            "status IN ('registered', 'withdrawn', 'selected', 'reserve')", name="status"
        ),
    )

    jury_id: Mapped[int] = cascade_fk("juries.id", index=True)
    status: Mapped[str] = mapped_column(String(12), default="registered")
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    address_line: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(10))
    household_key: Mapped[str | None] = mapped_column(String(64), index=True)
    features: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    availability: Mapped[list[str]] = mapped_column(JSON, default=list)
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    external_id: Mapped[str | None] = mapped_column(String(60))
    #: the interface language they registered in ("en" or "cy"): their emails use it
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")
    #: when the contact details were erased (on request or by retention, consult/privacy)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    jury: Mapped[Jury] = relationship(back_populates="registrants")

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class LotteryInputsMixin:
    """What one lottery draw ran on, kept both by the draw run in the background and by
    the draw it proposes: the jury, the algorithm, the published seed, the panel size and
    the checksum of the frozen inputs."""

    jury_id: Mapped[int] = cascade_fk("juries.id", index=True)
    algorithm: Mapped[str] = mapped_column(String(20))
    seed: Mapped[str] = mapped_column(String(200))
    panel_size: Mapped[int] = mapped_column(Integer)
    inputs_checksum: Mapped[str] = mapped_column(String(64))


class SelectionDraw(LotteryInputsMixin, CreatedMixin, db.Model):
    """One run of the lottery: its algorithm, published seed, inputs' checksum and result
    (probabilities, minimum probability, Gini, quota report)."""

    __tablename__ = "selection_draws"

    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = set_null_fk("users.id")


PLAN_STATUSES = ("frozen", "lottery", "drawn", "abandoned")


class DrawPlan(CreatedMixin, db.Model):
    """A published draw: each file is fixed before the next exists (see
    `analysis.sortition.published`). Publishing it (`created_at`, `published_by_id`)
    freezes the inputs: `inputs_file` (the anonymised pool, quotas, households, panel size
    and algorithm) and its SHA-256; then the lottery (`lottery_file`, every panel with its
    probability) is published before the random value exists; then an officer enters the
    random value from a public event, and the panel (`panel_file`, `panel_number`) is the
    pure function's result, stored as a proposal (`draw_id`) to confirm. `pseudonyms`
    (private) maps each published id to its registrant. Starting over abandons the plan
    (who, when, why) and publishes a new one with the next `number`: both stay public."""

    __tablename__ = "draw_plans"
    __table_args__ = (
        UniqueConstraint("jury_id", "number"),
        CheckConstraint("status IN ('frozen', 'lottery', 'drawn', 'abandoned')", name="status"),
    )

    jury_id: Mapped[int] = cascade_fk("juries.id", index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="frozen")
    algorithm: Mapped[str] = mapped_column(String(20))
    panel_size: Mapped[int] = mapped_column(Integer)
    households: Mapped[bool] = mapped_column(Boolean, default=True)
    pool_size: Mapped[int] = mapped_column(Integer, default=0)
    inputs_file: Mapped[str] = mapped_column(Text)
    inputs_checksum: Mapped[str] = mapped_column(String(64))
    pseudonyms: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    published_by_id: Mapped[int | None] = set_null_fk("users.id")
    lottery_file: Mapped[str | None] = mapped_column(Text)
    lottery_checksum: Mapped[str | None] = mapped_column(String(64))
    lottery_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lottery_by_id: Mapped[int | None] = set_null_fk("users.id")
    random_value: Mapped[str | None] = mapped_column(String(300))
    random_source: Mapped[str] = mapped_column(String(300), default="")
    value_entered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    value_entered_by_id: Mapped[int | None] = set_null_fk("users.id")
    panel_file: Mapped[str | None] = mapped_column(Text)
    panel_number: Mapped[int | None] = mapped_column(Integer)
    draw_id: Mapped[int | None] = set_null_fk("selection_draws.id")
    abandoned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    abandoned_by_id: Mapped[int | None] = set_null_fk("users.id")
    abandon_reason: Mapped[str] = mapped_column(Text, default="")

    @property
    def active(self) -> bool:
        return self.status != "abandoned"


ACTIVE_DRAW_RUN = "status IN ('queued', 'running')"


class DrawRun(LotteryInputsMixin, TimestampMixin, db.Model):
    """A lottery draw computed in the background: the inputs frozen when the officer asked
    (`inputs`: the categories and respondents files, the pool's size and who was left
    out), live progress (`progress` 0..1, `message` the stage, `updated_at` the last news),
    then the proposal it made (`draw_id`) or why it failed (`error`, `error_details`).
    With `plan_id` it is the lottery of a published draw plan instead (its inputs are the
    plan's frozen file, `seed` is empty): done, the plan's lottery is published.
    At most one is queued or running per jury: a partial unique index says so to the
    database, so two officers pressing at once cannot start two."""

    __tablename__ = "draw_runs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
        Index(
            "ix_draw_runs_one_active_per_jury",
            "jury_id",
            unique=True,
            sqlite_where=text(ACTIVE_DRAW_RUN),
            postgresql_where=text(ACTIVE_DRAW_RUN),
        ),
    )

    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(String(300), default="")
    error: Mapped[str | None] = mapped_column(Text)
    error_details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    draw_id: Mapped[int | None] = set_null_fk("selection_draws.id")
    plan_id: Mapped[int | None] = cascade_fk("draw_plans.id", index=True)
    started_by_id: Mapped[int | None] = set_null_fk("users.id")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PanelMember(CreatedMixin, db.Model):
    """A juror: selected from the pool (or added by hand), invited with a one-time join code.
    Jurors sign in with that code alone; only the code's SHA-256 is stored."""

    __tablename__ = "panel_members"
    __table_args__ = (
        CheckConstraint("status IN ('invited', 'confirmed', 'declined', 'dropped')", name="status"),
    )

    jury_id: Mapped[int] = cascade_fk("juries.id", index=True)
    registrant_id: Mapped[int | None] = set_null_fk("registrants.id")
    draw_id: Mapped[int | None] = set_null_fk("selection_draws.id")
    display_name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12), default="invited")
    features: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    join_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    join_code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    join_code_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replaces_id: Mapped[int | None] = set_null_fk("panel_members.id")
    muted: Mapped[bool] = mapped_column(Boolean, default=False)
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    #: when this juror's personal data and own words were erased (consult/privacy)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    jury: Mapped[Jury] = relationship(back_populates="members")
    registrant: Mapped[Registrant | None] = relationship()

    kind = "member"
    role = "juror"
    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_staff = False

    def get_id(self) -> str:
        return f"member:{self.id}:{self.session_version}"

    def has_role(self, *roles: str) -> bool:
        return "juror" in roles

    @staticmethod
    def hash_code(code: str) -> str:
        """Join codes are compared case- and space-insensitively."""
        normalised = "".join(code.split()).upper().replace("-", "")
        return hashlib.sha256(normalised.encode()).hexdigest()
