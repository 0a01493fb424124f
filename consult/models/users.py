"""Staff accounts, API tokens and the audit log."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from consult.extensions import db
from consult.models.base import CreatedMixin, UTCDateTime, utcnow
from consult.models.columns import cascade_fk, set_null_fk

ROLES = ("admin", "officer", "facilitator")
UNUSABLE_PASSWORD_PREFIX = "!"  # no hash werkzeug makes starts with it


class User(UserMixin, CreatedMixin, db.Model):
    """A member of staff: admins manage people, officers run consultations and juries,
    facilitators run live sessions. Residents and jurors never have a User.

    An account added from the admin pages has no password until its owner follows the
    emailed link (`password_changed_at` is None until then). `session_version` is part of
    the session identity: raising it signs the person out everywhere (deactivation, a new
    password)."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('admin', 'officer', 'facilitator')", name="role"),)

    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    kind = "staff"

    def get_id(self) -> str:
        """`user:<id>`, then `:<session_version>` once that has been raised (so sessions
        made before versions existed, all at version 0, stay valid)."""
        if self.session_version:
            return f"user:{self.id}:{self.session_version}"
        return f"user:{self.id}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def has_password(self) -> bool:
        """False for an account whose owner has not yet set a password."""
        return not self.password_hash.startswith(UNUSABLE_PASSWORD_PREFIX)

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > utcnow()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")
        self.password_changed_at = utcnow()

    def set_unusable_password(self) -> None:
        """No password signs in; a fresh random value, so links made for the previous one
        (they are bound to the hash) stop working."""
        self.password_hash = UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(32)
        self.password_changed_at = None

    def check_password(self, password: str) -> bool:
        return self.has_password and check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        """Sign this person out everywhere (every session cookie names the old version)."""
        self.session_version = (self.session_version or 0) + 1

    def has_role(self, *roles: str) -> bool:
        """Admins may do anything staff can; otherwise the role must be one of `roles`."""
        return self.role == "admin" or self.role in roles

    @property
    def is_staff(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class ApiToken(CreatedMixin, db.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    user_id: Mapped[int] = cascade_fk("users.id", index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    can_see_originals: Mapped[bool] = mapped_column(Boolean, default=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class SignInSession(db.Model):
    """One signed-in browser: the session cookie carries a random token whose SHA-256 is
    kept here. Signing out ends the row, so a copy of the cookie taken before then stops
    working (the cookie alone, being signed but not stored, could not be revoked)."""

    __tablename__ = "sign_in_sessions"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (member_id IS NULL)", name="one_person"),
    )

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = cascade_fk("users.id", index=True)
    member_id: Mapped[int | None] = cascade_fk("panel_members.id", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class AuditEntry(db.Model):
    """One action by a person that someone may later need to account for."""

    __tablename__ = "audit_entries"

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = set_null_fk("users.id")
    actor_member_id: Mapped[int | None] = set_null_fk("panel_members.id")
    action: Mapped[str] = mapped_column(String(80), index=True)
    subject_type: Mapped[str | None] = mapped_column(String(60))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor_user: Mapped[User | None] = relationship()

    @classmethod
    def record(
        cls, action: str, *, actor: Any = None, subject: Any = None, **details: Any
    ) -> AuditEntry:
        """Add an entry to the session (the caller commits). `actor` is a User or PanelMember."""
        entry = cls(action=action, details=details)
        if actor is not None and getattr(actor, "kind", None) == "staff":
            entry.actor_user_id = actor.id
        elif actor is not None and getattr(actor, "kind", None) == "member":
            entry.actor_member_id = actor.id
        if subject is not None:
            if subject.id is None:
                db.session.flush()
            entry.subject_type = type(subject).__name__
            entry.subject_id = subject.id
        db.session.add(entry)
        return entry


def audit(action: str, *, actor: Any = None, subject: Any = None, **details: Any) -> AuditEntry:
    """How a service ends: its audit entry recorded (`AuditEntry.record`) and the session
    flushed, so that the change and its entry are written together (the caller commits)."""
    entry = AuditEntry.record(action, actor=actor, subject=subject, **details)
    db.session.flush()
    return entry
