"""Participatory budgeting kiosks: a shared tablet at an in-person event that takes one
ballot after another. Staff start it (the device is signed out of the staff account, so a
voter cannot reach staff pages) and get a PIN shown once. In "staff" mode staff enter the
PIN to let the next voter vote; in "code" mode each voter enters their voting code. Each
let-in opens a slot for exactly one ballot; the slot closes when the ballot is cast, when
it is cancelled, and after `SLOT_SECONDS` without a ballot. Ballots are never shown back
on a kiosk. Staff verbs take `actor=`, audit and flush; the caller commits.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from consult.errors import Conflict, Invalid, NotFound, NotPermitted
from consult.extensions import db
from consult.models import PBBallot, PBKiosk, PBRound, PBVoterCode, audit, utcnow
from consult.pb import ballots as ballot_kinds
from consult.pb import services
from consult.wording import N_

MODES = {
    "staff": N_("Staff let each voter in with the PIN"),
    "code": N_("Each voter enters their voting code"),
}
SLOT_SECONDS = 10 * 60  # a ballot must be cast within this of the voter being let in
IDLE_SECONDS = 90  # the page clears itself after this long without a touch (static/js)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def start_kiosk(
    pb_round: PBRound, *, mode: str, label: str, actor: Any
) -> tuple[PBKiosk, str, str]:
    """(kiosk, device token, staff PIN). Officers and facilitators may; voting must be open."""
    if not getattr(actor, "is_staff", False) or not actor.has_role("officer", "facilitator"):
        raise NotPermitted(gettext("Only officers and facilitators can start a kiosk."))
    services.require_voting_open(pb_round)
    if mode not in MODES:
        raise Invalid(
            gettext("Choose how voters are let in."),
            fields={"mode": gettext("Choose how voters are let in")},
        )
    token = secrets.token_urlsafe(32)
    pin = f"{secrets.randbelow(1_000_000):06d}"
    kiosk = PBKiosk(
        round_id=pb_round.id,
        label=label.strip()[:100],
        mode=mode,
        token_hash=_hash(token),
        pin_hash=_hash(f"{token}:{pin}"),
        started_by_id=actor.id,
    )
    db.session.add(kiosk)
    db.session.flush()
    audit("pb.kiosk_started", actor=actor, subject=pb_round, kiosk=kiosk.id, mode=mode)
    return kiosk, token, pin


def kiosk_for(pb_round: PBRound, token: Any) -> PBKiosk:
    """The open kiosk this device token belongs to; NotFound otherwise."""
    kiosk = None
    if isinstance(token, str) and token:
        kiosk = db.session.scalar(select(PBKiosk).where(PBKiosk.token_hash == _hash(token)))
    if kiosk is None or kiosk.round_id != pb_round.id or not kiosk.is_open:
        raise NotFound(gettext("This device is not a kiosk for this round. Staff can start one."))
    return kiosk


def check_pin(kiosk: PBKiosk, token: str, pin: str) -> None:
    if not secrets.compare_digest(_hash(f"{token}:{pin.strip()}"), kiosk.pin_hash):
        raise Invalid(
            gettext("That PIN is not right."), fields={"pin": gettext("That PIN is not right")}
        )


def end_kiosk(kiosk: PBKiosk, *, actor: Any = None) -> None:
    """Close the kiosk (by its PIN on the device, or by staff from the round's pages)."""
    kiosk.ended_at = utcnow()
    audit("pb.kiosk_ended", actor=actor, subject=kiosk, ballots=kiosk.ballots_taken)


def cast_kiosk_ballot(
    pb_round: PBRound,
    kiosk: PBKiosk,
    choices: Iterable[Any],
    *,
    points: Iterable[Any] | None = None,
    code: PBVoterCode | None = None,
    ward: str = "",
    age_band: str = "",
) -> PBBallot:
    """One ballot on a kiosk: a new ballot (staff mode), or the code's ballot, cast or
    replaced (code mode). Raises like `services.cast_ballot`; nothing changes then."""
    services.require_voting_open(pb_round)
    if not kiosk.is_open or kiosk.round_id != pb_round.id:
        raise Conflict(gettext("This kiosk has been closed."))
    if kiosk.mode == "code" and code is None:
        raise Conflict(gettext("Enter a voting code first."))
    vote = services.check_choices(pb_round, choices, points=points)
    ward_given, age_given = services._check_about_you(pb_round, ward, age_band)
    ballot = services.ballot_for_code(code) if code is not None else None
    if ballot is None:
        ballot = PBBallot(round_id=pb_round.id, reference=services._reference("PBV"))
        ballot.voter_code_id = code.id if code is not None else None
        db.session.add(ballot)
    ballot.channel, ballot.kiosk_id = "kiosk", kiosk.id
    ballot_kinds.store(ballot, vote)
    ballot.voter_ward, ballot.voter_age_band = ward_given, age_given
    kiosk.ballots_taken += 1
    db.session.flush()
    return ballot


def open_kiosks(pb_round: PBRound) -> list[PBKiosk]:
    return list(
        db.session.scalars(
            select(PBKiosk)
            .where(PBKiosk.round_id == pb_round.id, PBKiosk.ended_at.is_(None))
            .order_by(PBKiosk.id)
        )
    )
