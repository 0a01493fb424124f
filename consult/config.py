"""Settings from the environment, with safe defaults for a single machine."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def _secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _days(name: str, default: int) -> int:
    """A whole number of days from the environment (at least 1: zero would erase at once)."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    days = int(value)
    if days < 1:
        raise ValueError(f"{name} must be at least 1 (days), not {value!r}")
    return days


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


#: Settings renamed for what they do: old name -> new name. The old name still works (from
#: the environment or a config mapping), with a deprecation note in the log.
RENAMED = {"ANALYSIS_QUEUE": "JOB_QUEUE"}

log = logging.getLogger(__name__)


def renamed_settings(values: Mapping[str, Any]) -> dict[str, Any]:
    """The settings in `values` given under an old name (`RENAMED`), under their new
    name; each is logged as deprecated. A value given under the new name wins."""
    found = {}
    for old, new in RENAMED.items():
        if values.get(old):
            log.warning("The setting %s is deprecated: call it %s.", old, new)
            if not values.get(new):
                found[new] = values[old]
    return found


def _engine_options(database_url: str) -> dict[str, Any]:
    """Connection pool settings for a server database. Under gevent every waiting request
    holds a connection, so the pool is as large as the concurrency we expect
    (DATABASE_POOL_SIZE): overflow connections are opened and closed per request, which
    costs PostgreSQL a process start each time. A ping before every checkout
    (DATABASE_PRE_PING=1) costs a round trip per request; without it, a connection the
    server dropped fails one request and the pool is renewed."""
    if database_url.startswith("sqlite"):
        return {}
    return {
        "pool_size": int(os.environ.get("DATABASE_POOL_SIZE", "20")),
        "max_overflow": int(os.environ.get("DATABASE_MAX_OVERFLOW", "20")),
        "pool_recycle": 1800,
        "pool_pre_ping": _flag("DATABASE_PRE_PING", False),
    }


def settings_from_environment(instance_path: str) -> dict[str, Any]:
    """Every setting the app reads, from environment variables (documented in the README)."""
    Path(instance_path).mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path}/consult.db"
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url[len("postgres://") :]
    port = os.environ.get("PORT", "5000")
    host = os.environ.get("HOST", "127.0.0.1")
    origins = os.environ.get("PUBLIC_ORIGINS")
    public_origins = (
        [origin.strip() for origin in origins.split(",") if origin.strip()]
        if origins
        else [f"http://{host}:{port}", f"http://localhost:{port}", f"http://127.0.0.1:{port}"]
    )
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(database_url),
        "SOCKETIO_MESSAGE_QUEUE": os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None,
        # Redis pub/sub ignores the database number: deployments sharing one Redis need
        # their own channel.
        "SOCKETIO_CHANNEL": os.environ.get("SOCKETIO_CHANNEL", "consult"),
        "SOCKETIO_ASYNC_MODE": os.environ.get("SOCKETIO_ASYNC_MODE", "gevent"),
        # the round clock (consult/live/clock.py) moves sessions on when a round set to
        # end by itself runs out of time; wsgi.py starts one per server process
        "LIVE_ROUND_CLOCK": _flag("LIVE_ROUND_CLOCK", True),
        # opinion groups of an agree/disagree poll are shown only from this many voters,
        # and only groups of at least this many people (never below 3: a smaller group's
        # figures would expose how its members voted)
        "LIVE_OPINION_MIN_VOTERS": int(os.environ.get("LIVE_OPINION_MIN_VOTERS", "6")),
        "LIVE_OPINION_MIN_GROUP_SIZE": int(os.environ.get("LIVE_OPINION_MIN_GROUP_SIZE", "3")),
        # the council's time zone: times on live pages (chat) are shown in it, as GOV.UK
        # writes them ("1:16pm")
        "COUNCIL_TIME_ZONE": os.environ.get("COUNCIL_TIME_ZONE", "Europe/London"),
        "PUBLIC_ORIGINS": public_origins,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        # with RATELIMIT_STORAGE_URI on Redis and Redis down, limit in this process's
        # memory (logged once: "Rate limit storage unreachable") instead of answering 500,
        # and go back to Redis when it answers again (as the live rate limits do)
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": _flag("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True),
        "SUBMIT_RATE_LIMIT": os.environ.get("SUBMIT_RATE_LIMIT", "30 per minute"),
        # join-code guesses per client address on POST /live/api/join (as on /join);
        # the load bench signs its jurors in from one address: raise it there
        "LIVE_JOIN_RATE_LIMIT": os.environ.get("LIVE_JOIN_RATE_LIMIT", "20 per minute"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "COUNCIL_NAME": os.environ.get("COUNCIL_NAME", "Riverside Borough Council"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS", True),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "consult@localhost"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,
        # Failures per address and account (a stranger's guesses from one machine stop
        # here), then a per-account lock after many failures from anywhere, lifted by a
        # link emailed to the owner.
        "SIGN_IN_THROTTLE": os.environ.get("SIGN_IN_THROTTLE", "5 per 15 minutes"),
        "SIGN_IN_LOCKOUT_ATTEMPTS": int(os.environ.get("SIGN_IN_LOCKOUT_ATTEMPTS", "20")),
        "SIGN_IN_LOCKOUT_MINUTES": int(os.environ.get("SIGN_IN_LOCKOUT_MINUTES", "60")),
        "UNLOCK_LINK_HOURS": int(os.environ.get("UNLOCK_LINK_HOURS", "24")),
        # links emailed to staff: to set a first password (or sent by an admin), and to
        # reset a forgotten one (consult/auth/passwords.py)
        "PASSWORD_SET_LINK_DAYS": int(os.environ.get("PASSWORD_SET_LINK_DAYS", "7")),
        "PASSWORD_RESET_LINK_MINUTES": int(os.environ.get("PASSWORD_RESET_LINK_MINUTES", "60")),
        # background jobs (analysis runs, jury draws; consult/jobs): where they run
        # (`thread`, `rq` or `inline`) and, on RQ, the queue's name
        "JOB_QUEUE": os.environ.get("JOB_QUEUE")
        or renamed_settings(os.environ).get("JOB_QUEUE", "thread"),
        "JOB_QUEUE_NAME": os.environ.get("JOB_QUEUE_NAME", "analysis"),
        # An analysis run in `thread` mode computes in a child process at this niceness,
        # stopped after this many seconds (the run fails, saying so); an RQ worker stops a
        # run after the same time.
        "ANALYSIS_TIME_LIMIT": int(os.environ.get("ANALYSIS_TIME_LIMIT", "3600")),
        # "embeddings" adds sentence embeddings (requirements-embeddings.txt) where they
        # are installed; the light pipeline is the default and the fallback.
        "ANALYSIS_BACKEND": os.environ.get("ANALYSIS_BACKEND", "light"),
        "ANALYSIS_NICENESS": int(os.environ.get("ANALYSIS_NICENESS", "10")),
        # A jury draw's child process is stopped after this many seconds (the draw fails,
        # saying so); it runs at this niceness so the server's own work comes first.
        "DRAW_TIME_LIMIT": int(os.environ.get("DRAW_TIME_LIMIT", "3600")),
        "DRAW_NICENESS": int(os.environ.get("DRAW_NICENESS", "10")),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        # How long each kind of personal data is kept (days), read by `flask --app wsgi
        # data purge`, the daily purge and the /privacy page (consult/privacy,
        # docs/privacy.md): a response's contact email, resume link and the unredacted
        # original of its free text, counted from the consultation's close; the "about
        # you" profile, from the close too; registrants not selected, from the confirmed
        # draw; jurors (and their own words), from the day the jury was marked finished.
        "RETAIN_RESPONSE_PERSONAL_DAYS": _days("RETAIN_RESPONSE_PERSONAL_DAYS", 365),
        "RETAIN_ABOUT_YOU_DAYS": _days("RETAIN_ABOUT_YOU_DAYS", 365),
        "RETAIN_REGISTRANTS_NOT_SELECTED_DAYS": _days("RETAIN_REGISTRANTS_NOT_SELECTED_DAYS", 180),
        "RETAIN_JURORS_AFTER_JURY_DAYS": _days("RETAIN_JURORS_AFTER_JURY_DAYS", 365),
        # the purge runs once a day by itself: in the web process (JOB_QUEUE thread) or
        # the RQ worker (JOB_QUEUE rq); off, run the command from cron instead
        "DATA_PURGE_DAILY": _flag("DATA_PURGE_DAILY", True),
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    }
