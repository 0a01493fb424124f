"""Participatory budgeting, the ways in to vote beside one-time codes: a voter found
eligible by postcode and date of birth (only a keyed hash of who they are is kept), and a
kiosk on a shared tablet at an in-person event (consult/pb/eligibility.py, kiosk.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from consult.extensions import db
from consult.models.base import CreatedMixin, UTCDateTime
from consult.models.columns import cascade_fk, set_null_fk


class PBEligibleVoter(CreatedMixin, db.Model):
    """A person who passed a round's eligibility check. `key_hash` is HMAC-SHA256 of their
    postcode, date of birth and name or e-mail under the round's salt and the app's secret
    (consult/pb/eligibility.py); nothing else about them is stored. One row per person and
    round, so one ballot (`pb_ballots.eligible_voter_id` is unique), changeable until voting
    closes by passing the check again with the same answers."""

    __tablename__ = "pb_eligible_voters"
    __table_args__ = (UniqueConstraint("round_id", "key_hash", name="eligible_voter_key"),)

    round_id: Mapped[int] = cascade_fk("pb_rounds.id", index=True)
    key_hash: Mapped[str] = mapped_column(String(64))


class PBKiosk(CreatedMixin, db.Model):
    """A shared tablet taking ballots at an event, started by staff. Only the SHA-256 of its
    device token and of the staff PIN (shown once, when started) are kept. `mode` is "code"
    (each voter enters their voting code) or "staff" (staff enter the PIN to let the next
    voter vote)."""

    __tablename__ = "pb_kiosks"

    round_id: Mapped[int] = cascade_fk("pb_rounds.id", index=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    mode: Mapped[str] = mapped_column(String(10), default="staff")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    pin_hash: Mapped[str] = mapped_column(String(64))
    started_by_id: Mapped[int | None] = set_null_fk("users.id")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ballots_taken: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def is_open(self) -> bool:
        return self.ended_at is None
