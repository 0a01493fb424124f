"""Rules for signing in: password checks with lockout, join codes for jurors."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from consult.errors import ConsultError, Invalid
from consult.extensions import db
from consult.models import AuditEntry, PanelMember, User, utcnow

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U


class SignInRefused(ConsultError):
    code, status = "sign_in_refused", 401


def authenticate(email: str, password: str) -> User:
    """Return the staff user for these credentials, counting failures and locking the
    account for a while after too many. Raises SignInRefused with one message for every
    refusal (so it does not reveal which emails exist). Flushes."""
    refused = SignInRefused("The email address or password is not right.")
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    now = utcnow()
    if user is None:
        raise refused
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise SignInRefused(
            f"Too many attempts to sign in to this account. Try again in {minutes} minutes."
        )
    if not user.active or not user.check_password(password):
        user.failed_sign_ins += 1
        if user.failed_sign_ins >= current_app.config["SIGN_IN_LOCKOUT_ATTEMPTS"]:
            user.locked_until = now + timedelta(
                minutes=current_app.config["SIGN_IN_LOCKOUT_MINUTES"]
            )
            user.failed_sign_ins = 0
            AuditEntry.record("user.locked", subject=user)
        db.session.flush()
        raise refused
    user.failed_sign_ins = 0
    user.locked_until = None
    user.last_sign_in_at = now
    AuditEntry.record("user.signed_in", actor=user, subject=user)
    db.session.flush()
    return user


def new_join_code() -> str:
    """A random code like `K7QF-M2XD-9PRT` (about 70 bits), easy to read aloud and type."""
    raw = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def issue_join_code(member: PanelMember, *, days_valid: int = 60) -> str:
    """Give `member` a fresh one-time code (the old one stops working) and return it;
    only its hash is stored, so it can be shown once. Flushes."""
    code = new_join_code()
    member.join_code_hash = PanelMember.hash_code(code)
    member.join_code_expires_at = utcnow() + timedelta(days=days_valid)
    member.join_code_used_at = None
    db.session.flush()
    return code


def redeem_join_code(code: str) -> PanelMember:
    """The juror whose unused, unexpired code this is; the code is spent. Flushes."""
    member = db.session.scalar(
        select(PanelMember).where(PanelMember.join_code_hash == PanelMember.hash_code(code))
    )
    if member is None or member.status in ("declined", "dropped"):
        raise Invalid(
            "That join code is not right. Check it against your invitation.",
            fields={"code": "That join code is not right. Check it against your invitation."},
        )
    if member.join_code_used_at is not None:
        raise Invalid(
            "That join code has already been used. Ask the organisers for a new one.",
            fields={"code": "That join code has already been used. Ask for a new one."},
        )
    if member.join_code_expires_at and member.join_code_expires_at < utcnow():
        raise Invalid(
            "That join code has expired. Ask the organisers for a new one.",
            fields={"code": "That join code has expired. Ask for a new one."},
        )
    member.join_code_used_at = utcnow()
    if member.status == "invited":
        member.status = "confirmed"
        member.responded_at = utcnow()
    AuditEntry.record("member.joined", actor=member, subject=member)
    db.session.flush()
    return member
