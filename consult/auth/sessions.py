"""Signed-in sessions kept on the server, so that signing out really ends one.

Flask's session cookie is signed, not stored: a copy taken before sign-out would go on
working. Each sign-in therefore writes a `SignInSession` row and puts a random token in
the cookie; the user loader accepts a cookie only while its row is open, and signing out
closes the row. `User.end_sessions()` (a new password, deactivation) still ends every
session of a person at once through the session version.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import session
from flask_login import login_user, logout_user
from sqlalchemy import select

from consult.extensions import db
from consult.models import SignInSession, utcnow

SESSION_KEY = "sid"


def begin(person: Any) -> None:
    """Sign `person` (a User or a PanelMember) in on this browser. Flushes; the caller
    commits."""
    end()
    token = secrets.token_urlsafe(32)
    row = SignInSession(token_hash=SignInSession.hash(token))
    if getattr(person, "kind", None) == "staff":
        row.user_id = person.id
    else:
        row.member_id = person.id
    db.session.add(row)
    db.session.flush()
    login_user(person)
    session[SESSION_KEY] = token


def is_open(person: Any) -> bool:
    """Whether this browser's session token names an open sign-in of `person`."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        return False
    row = db.session.scalar(
        select(SignInSession).where(SignInSession.token_hash == SignInSession.hash(token))
    )
    if row is None or row.ended_at is not None:
        return False
    if getattr(person, "kind", None) == "staff":
        return row.user_id == person.id
    return row.member_id == person.id


def end() -> None:
    """Sign this browser out: its session row is closed, so no copy of the cookie works
    again. Flushes; the caller commits."""
    token = session.pop(SESSION_KEY, None)
    if isinstance(token, str) and token:
        row = db.session.scalar(
            select(SignInSession).where(SignInSession.token_hash == SignInSession.hash(token))
        )
        if row is not None and row.ended_at is None:
            row.ended_at = utcnow()
            db.session.flush()
    logout_user()
