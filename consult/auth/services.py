"""Rules for signing in: password checks with lockout, join codes for jurors."""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import cache

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from consult.auth import passwords
from consult.errors import ConsultError, Invalid
from consult.extensions import db
from consult.models import AuditEntry, PanelMember, User, audit, utcnow

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U


class SignInRefused(ConsultError):
    code, status = "sign_in_refused", 401


REFUSED = "The email address or password is not right."


@cache
def _stand_in_hash() -> str:
    """A hash to check passwords against when there is no account (or no password), so
    that a made-up address takes as long to refuse as a real one."""
    return generate_password_hash(secrets.token_urlsafe(32), method="scrypt")


def authenticate(email: str, password: str) -> User:
    """Return the staff user for these credentials. Raises SignInRefused with the same
    words, after the same work (one password hash check), whether the account does not
    exist, the password is wrong, the account is deactivated or it is locked.

    Too many failures in a row (SIGN_IN_LOCKOUT_ATTEMPTS, from any address) lock the
    account for SIGN_IN_LOCKOUT_MINUTES and email its owner a link that lifts the lock;
    the owner trying the right password while locked is sent the link again. Failures
    from one address are throttled sooner by the view (per address and account), so a
    stranger cannot keep an account locked from one machine. Flushes."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    usable = user is not None and user.has_password
    matches = check_password_hash(user.password_hash if usable else _stand_in_hash(), password)
    if user is None:
        raise SignInRefused(REFUSED)
    matches = matches and usable
    if user.is_locked:
        if matches and user.active:
            passwords.send_unlock_link(user)
        raise SignInRefused(REFUSED)
    if not user.active or not matches:
        user.failed_sign_ins += 1
        if user.failed_sign_ins >= current_app.config["SIGN_IN_LOCKOUT_ATTEMPTS"]:
            user.locked_until = utcnow() + timedelta(
                minutes=current_app.config["SIGN_IN_LOCKOUT_MINUTES"]
            )
            user.failed_sign_ins = 0
            AuditEntry.record("user.locked", subject=user)
            if user.active:
                passwords.send_unlock_link(user)
        db.session.flush()
        raise SignInRefused(REFUSED)
    user.failed_sign_ins = 0
    user.locked_until = None
    user.last_sign_in_at = utcnow()
    audit("user.signed_in", actor=user, subject=user)
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
        wrong = gettext("That join code is not right. Check it against your invitation.")
        raise Invalid(wrong, fields={"code": wrong})
    if member.join_code_used_at is not None:
        raise Invalid(
            gettext("That join code has already been used. Ask the organisers for a new one."),
            fields={"code": gettext("That join code has already been used. Ask for a new one.")},
        )
    if member.join_code_expires_at and member.join_code_expires_at < utcnow():
        raise Invalid(
            gettext("That join code has expired. Ask the organisers for a new one."),
            fields={"code": gettext("That join code has expired. Ask for a new one.")},
        )
    member.join_code_used_at = utcnow()
    if member.status == "invited":
        member.status = "confirmed"
        member.responded_at = utcnow()
    audit("member.joined", actor=member, subject=member)
    return member
