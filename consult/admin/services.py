"""Managing staff accounts: the rules an admin's changes must keep (only admins manage
staff; no admin removes or demotes themselves; one active admin always remains), each
change audited with who made it. Services flush; the caller commits, then sends any
email (a set-password link is bound to the account as committed)."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import func, select

from consult.errors import Conflict, Invalid, NotPermitted
from consult.extensions import db
from consult.models import ROLES, ApiToken, AuditEntry, User, audit, utcnow

MAX_NAME = 200
MAX_EMAIL = 254


def _require_admin(actor: User) -> None:
    if getattr(actor, "kind", None) != "staff" or actor.role != "admin" or not actor.active:
        raise NotPermitted(gettext("Only administrators can manage staff accounts."))


def _lock_active_admins(actor: User) -> list[int]:
    """The ids of the active admins, with their rows locked until the commit (PostgreSQL;
    SQLite has one writer at a time anyway), so two admins removing each other at once
    cannot leave none. The actor must still be one of them."""
    ids = list(
        db.session.scalars(
            select(User.id)
            .where(User.role == "admin", User.active.is_(True))
            .order_by(User.id)
            .with_for_update()
        )
    )
    if actor.id not in ids:
        raise NotPermitted(gettext("Only administrators can manage staff accounts."))
    return ids


def _keep_an_admin(actor: User, target: User, message: str) -> None:
    if target.role == "admin" and target.active:
        remaining = [i for i in _lock_active_admins(actor) if i != target.id]
        if not remaining:
            raise Conflict(message)
    else:
        _lock_active_admins(actor)


def clean_email(email: str) -> str:
    return (email or "").strip().lower()


def add_staff(*, email: str, name: str, role: str, actor: User) -> User:
    """A new account with no password: the caller then emails them a set-password link
    (`passwords.send_link(user, "set", invited=True)`). Raises Invalid with `fields` for
    a missing name, a malformed or taken email, or an unknown role. Flushes."""
    _require_admin(actor)
    email, name = clean_email(email), (name or "").strip()
    problems: dict[str, str] = {}
    if not email or "@" not in email.strip("@") or len(email) > MAX_EMAIL:
        problems["email"] = gettext(
            "Enter an email address in the correct format, like name@example.com"
        )
    elif db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        problems["email"] = gettext("There is already a staff account with that email address")
    if not name:
        problems["name"] = gettext("Enter their name")
    elif len(name) > MAX_NAME:
        problems["name"] = gettext("Name must be %(num)s characters or fewer", num=MAX_NAME)
    if role not in ROLES:
        problems["role"] = gettext("Choose what they will do")
    if problems:
        raise Invalid(next(iter(problems.values())), fields=problems)
    user = User(email=email, name=name, role=role, active=True)
    user.set_unusable_password()
    db.session.add(user)
    audit("user.created", actor=actor, subject=user, role=role, email=email, via="web")
    return user


def change_role(user: User, role: str, *, actor: User) -> User:
    """Give `user` another role. An admin cannot change their own, and the last active
    admin keeps theirs (Conflict). Raises Invalid for an unknown role. Flushes."""
    _require_admin(actor)
    if role not in ROLES:
        raise Invalid(gettext("Choose a role"), fields={"role": gettext("Choose a role")})
    if role == user.role:
        return user
    _keep_an_admin(
        actor,
        user,
        gettext("This is the only active administrator: make someone else an admin first."),
    )
    if user.id == actor.id:
        raise Conflict(gettext("You cannot change your own role. Ask another administrator."))
    AuditEntry.record("user.role_changed", actor=actor, subject=user, previous=user.role, role=role)
    user.role = role
    db.session.flush()
    return user


def deactivate(user: User, *, actor: User) -> User:
    """Switch the account off: it cannot sign in, every session it has ends at once, its
    API tokens are revoked and its password links stop working. An admin cannot
    deactivate themselves, nor the last active admin (Conflict). Flushes."""
    _require_admin(actor)
    if not user.active:
        raise Conflict(f"{user.name}'s account is already deactivated.")
    _keep_an_admin(
        actor,
        user,
        gettext("This is the only active administrator: make someone else an admin first."),
    )
    if user.id == actor.id:
        raise Conflict(
            gettext("You cannot deactivate your own account. Ask another administrator.")
        )
    user.active = False
    user.end_sessions()
    now = utcnow()
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        token.revoked_at = now
    audit("user.deactivated", actor=actor, subject=user, api_tokens_revoked=len(tokens))
    return user


def reactivate(user: User, *, actor: User) -> User:
    """Let the account sign in again with its password (old sessions stay ended; revoked
    API tokens stay revoked). Flushes."""
    _require_admin(actor)
    if user.active:
        raise Conflict(f"{user.name}'s account is already active.")
    user.active = True
    user.failed_sign_ins = 0
    user.locked_until = None
    audit("user.reactivated", actor=actor, subject=user)
    return user


def unlock(user: User, *, actor: User) -> User:
    """Lift a lockout after repeated failed sign-ins. Flushes."""
    _require_admin(actor)
    if not user.is_locked and not user.failed_sign_ins:
        raise Conflict(f"{user.name}'s account is not locked.")
    was_locked = user.is_locked
    user.locked_until = None
    user.failed_sign_ins = 0
    audit("user.unlocked", actor=actor, subject=user, was_locked=was_locked)
    return user


def prepare_set_password_link(user: User, *, actor: User) -> User:
    """Before (re)sending someone a set-password link: for an account still waiting for
    its first password, earlier links stop working (only the newest is valid); a person
    who has a password keeps it until they use the link. Audited. Flushes."""
    _require_admin(actor)
    if not user.active:
        raise Conflict(gettext("Reactivate the account before sending it a link."))
    if not user.has_password:
        user.set_unusable_password()
    audit(
        "user.password_link_sent", actor=actor, subject=user, first_password=not user.has_password
    )
    return user
