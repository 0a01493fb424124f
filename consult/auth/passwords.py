"""Staff passwords: the one rule every new password meets (the CLI and the web share it),
links that let a person set their own password, and changing it while signed in.

A link carries a token signed with SECRET_KEY (itsdangerous) naming the account and a
fingerprint of its password hash, email and session version. Nothing is stored: the
token works until it expires or any of those change, so it is spent the moment a password
is set with it (the hash changes), and dies when the account is deactivated or an admin
sends a fresh set-password link. Links for setting a first password (and ones an admin
sends) last PASSWORD_SET_LINK_DAYS; self-service reset links PASSWORD_RESET_LINK_MINUTES;
unlock links, emailed to the owner of an account that too many failed sign-ins have locked,
UNLOCK_LINK_HOURS (their fingerprint also names the lock, so one works once, for that lock).
"""

from __future__ import annotations

import hashlib
import logging
import random
import secrets
import threading
from typing import Literal

from flask import current_app, has_request_context, render_template, request, url_for
from flask_babel import gettext, lazy_gettext, ngettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from consult.errors import ConsultError, Invalid
from consult.extensions import db
from consult.mail import send_mail
from consult.models import User, audit
from consult.models.users import UNUSABLE_PASSWORD_PREFIX

log = logging.getLogger(__name__)

Purpose = Literal["set", "reset", "unlock"]
PURPOSES: tuple[Purpose, ...] = ("set", "reset", "unlock")
_ENDPOINTS = {"set": "auth.set_password", "reset": "auth.reset_password", "unlock": "auth.unlock"}
_ASK_AGAIN = {
    "set": lazy_gettext("Ask an administrator to send you a new one."),
    "reset": lazy_gettext("Ask for a new link below."),
    "unlock": lazy_gettext("Sign in again, or reset your password below."),
}
MIN_LENGTH = 12


class LinkRefused(ConsultError):
    """A set-password or reset link that cannot be used; `code` says why."""

    code, status = "link_invalid", 400


class LinkExpired(LinkRefused):
    code = "link_expired"


def password_problem(password: str) -> str | None:
    """What is wrong with `password` as a new staff password, or None. The only place
    the rule lives: `flask users create` and every web form ask here."""
    if len(password) < MIN_LENGTH:
        return str(gettext("Use a password of at least %(num)s characters.", num=MIN_LENGTH))
    return None


def require_good_password(password: str, *, field: str = "password") -> None:
    """Raise Invalid (naming `field`) unless `password` meets the rule."""
    problem = password_problem(password)
    if problem:
        raise Invalid(problem, fields={field: problem})


# --- links ---------------------------------------------------------------------------------


def link_lifetime_seconds(purpose: Purpose) -> int:
    config = current_app.config
    if purpose == "set":
        return int(config.get("PASSWORD_SET_LINK_DAYS", 7)) * 24 * 3600
    if purpose == "unlock":
        return int(config.get("UNLOCK_LINK_HOURS", 24)) * 3600
    return int(config.get("PASSWORD_RESET_LINK_MINUTES", 60)) * 60


def describe_lifetime(purpose: Purpose) -> str:
    """'7 days', '1 hour', '30 minutes': for emails and pages."""
    seconds = link_lifetime_seconds(purpose)
    units = (
        (86400, lambda n: ngettext("%(num)s day", "%(num)s days", n)),
        (3600, lambda n: ngettext("%(num)s hour", "%(num)s hours", n)),
        (60, lambda n: ngettext("%(num)s minute", "%(num)s minutes", n)),
    )
    for size, words in units:
        if seconds >= size and seconds % size == 0:
            return str(words(seconds // size))
    return str(ngettext("%(num)s second", "%(num)s seconds", seconds))


def _serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    # a salt per purpose: a reset token is never accepted as a set-password token
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"consult.staff-password.{purpose}"
    )


def _fingerprint(user: User, purpose: Purpose = "set") -> str:
    """Changes whenever the password, the email or the session version does (and, for an
    unlock link, the lock). The token is signed, not encrypted, so it carries a digest of
    the hash, never the hash."""
    material = f"{user.password_hash}|{user.email.lower()}|{user.session_version or 0}"
    if purpose == "unlock":
        material += f"|{user.locked_until.isoformat() if user.locked_until else 'unlocked'}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def make_token(user: User, purpose: Purpose) -> str:
    if user.id is None:
        db.session.flush()
    return _serializer(purpose).dumps({"user": user.id, "check": _fingerprint(user, purpose)})


def user_for_token(token: str, purpose: Purpose) -> User:
    """The active account this unexpired, unspent token was made for. Raises LinkExpired
    or LinkRefused (one message for forged, spent and superseded links)."""
    refused = LinkRefused(
        gettext("This link has already been used, or a newer one has been sent.")
        + " "
        + str(_ASK_AGAIN[purpose])
    )
    try:
        data = _serializer(purpose).loads(token, max_age=link_lifetime_seconds(purpose))
    except SignatureExpired as error:
        raise LinkExpired(
            gettext(
                "This link has expired: links like it work for %(lifetime)s.",
                lifetime=describe_lifetime(purpose),
            )
            + " "
            + str(_ASK_AGAIN[purpose])
        ) from error
    except BadSignature as error:
        raise refused from error
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        raise refused
    user = db.session.get(User, data["user"])
    if user is None or not user.active or data.get("check") != _fingerprint(user, purpose):
        raise refused
    return user


def trusted_base_url() -> str:
    """Where links in emails point. The address this request came to if it is one of
    PUBLIC_ORIGINS, otherwise the first of them: a forged Host header must never put
    someone else's site into a reset link."""
    origins = [origin.rstrip("/") for origin in current_app.config.get("PUBLIC_ORIGINS") or []]
    here = request.host_url.rstrip("/") if has_request_context() else ""
    if here in origins or not origins:
        return here
    return origins[0]


def link_for(user: User, purpose: Purpose) -> str:
    return trusted_base_url() + url_for(_ENDPOINTS[purpose], token=make_token(user, purpose))


def _message(user: User, purpose: Purpose, *, invited: bool = False) -> tuple[str, str, str]:
    """(to, subject, body) of the email carrying `user`'s link."""
    template = {
        "set": "auth/email/set_password.txt",
        "reset": "auth/email/reset.txt",
        "unlock": "auth/email/unlock.txt",
    }[purpose]
    subject = {
        "set": gettext(
            "Your %(council)s account: set your password",
            council=current_app.config["COUNCIL_NAME"],
        ),
        "reset": gettext("Reset your password"),
        "unlock": gettext("Your account has been locked"),
    }[purpose]
    body = render_template(
        template,
        user=user,
        url=link_for(user, purpose),
        lifetime=describe_lifetime(purpose),
        invited=invited,
        sign_in_url=trusted_base_url() + url_for("auth.sign_in"),
    )
    return user.email, subject, body


def send_link(user: User, purpose: Purpose, *, invited: bool = False) -> None:
    """Email `user` a link to set their password (an admin's doing). Call after the commit
    that settled the account (the link is bound to its state). `invited`: the first
    email of a new account."""
    send_mail(*_message(user, purpose, invited=invited))


# --- the verbs -----------------------------------------------------------------------------


def request_reset(email: str) -> bool:
    """Email a reset link if `email` names an active account; True if one was sent. The
    caller answers the same either way, and the work is the same either way: a message
    is composed for a stand-in when there is no account, nothing is written to the
    database (the reset itself is audited when it happens), and with an SMTP server the
    sending happens later, in a timer thread started in both cases."""
    email = email.strip().lower()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    found = user is not None and user.active
    if found:
        log.info("password reset link asked for from %s for user %s", _address(), user.id)
    recipient = user if found else _stand_in(email)
    message = _message(recipient, "reset")
    _deliver_unobserved(message if found else None)
    return found


def _address() -> str:
    return (request.remote_addr or "unknown") if has_request_context() else "no request"


def _stand_in(email: str) -> User:
    """A throwaway account, never added to the session, to compose a message for."""
    return User(
        id=0,
        email=email or "nobody@invalid",
        name="",
        role="officer",
        password_hash=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(32),
        session_version=0,
    )


def _deliver_unobserved(message: tuple[str, str, str] | None) -> None:
    """Send `message` (None: send nothing) so that the answer's timing does not tell an
    onlooker which it was. With an SMTP server, a timer thread starts either way and
    sends, if there is anything to send, half a second to a second and a half later,
    after this answer has gone. Without one, mail is only logged: at once, for tests and
    development."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        if message is not None:
            send_mail(*message)
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def deliver() -> None:
        if message is not None:
            with app.app_context():
                send_mail(*message)

    timer = threading.Timer(random.uniform(0.5, 1.5), deliver)
    timer.name, timer.daemon = "consult-reset-mail", True
    timer.start()


def send_unlock_link(user: User) -> None:
    """Email the owner of a locked account a link that lifts the lock, in the background
    (so the sign-in answer takes no longer for a real account than for a made-up one)."""
    _deliver_unobserved(_message(user, "unlock"))


def unlock_from_link(user: User) -> User:
    """Lift the lock on `user`'s account (they proved they read their email). Flushes."""
    user.failed_sign_ins = 0
    user.locked_until = None
    audit("user.unlocked", actor=user, subject=user, via="link")
    return user


def set_password_from_link(user: User, password: str, *, purpose: Purpose) -> User:
    """Give `user` (found by `user_for_token`) a new password: every link made before stops
    working, every other session ends, and a lockout is lifted (the person has just
    proved they read their email). Raises Invalid for a password that breaks the rule.
    Flushes; the caller signs them in again or sends them to sign in."""
    require_good_password(password)
    first = not user.has_password
    user.set_password(password)
    user.end_sessions()
    user.failed_sign_ins = 0
    user.locked_until = None
    audit(
        "user.password_set" if first else "user.password_reset",
        actor=user,
        subject=user,
        via="link",
        purpose=purpose,
    )
    return user


def change_password(user: User, *, current: str, new: str) -> User:
    """A signed-in person changes their own password, proving they know the current one.
    Every other session ends (the caller signs this one in again). Raises Invalid naming
    the field at fault. Flushes."""
    if not user.check_password(current):
        raise Invalid(
            gettext("Your current password is not right."),
            fields={"current_password": gettext("Your current password is not right")},
        )
    require_good_password(new, field="new_password")
    user.set_password(new)
    user.end_sessions()
    audit("user.password_changed", actor=user, subject=user)
    return user


def send_changed_notice(user: User) -> None:
    """Tell the owner their password changed, in case it was not them."""
    send_mail(
        user.email,
        gettext("Your password has been changed"),
        render_template(
            "auth/email/password_changed.txt",
            user=user,
            reset_url=trusted_base_url() + url_for("auth.forgot_password"),
        ),
    )
