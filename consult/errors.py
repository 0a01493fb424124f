"""ConsultError and its family (raised in services), and the translators that turn them
into an HTML page, a JSON error under /api/, or a Socket.IO acknowledgement."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, make_response, render_template, request
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from consult.extensions import db

log = logging.getLogger(__name__)


class ConsultError(Exception):
    """A refusal the person can act on; `code` is stable (clients and tests match on it)."""

    code, status = "invalid", 400

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message, self.fields = message, fields or {}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class Invalid(ConsultError):
    """Input that cannot be accepted as it is (422: the request was understood)."""

    code, status = "invalid", 422


class NotPermitted(ConsultError):
    code, status = "not_permitted", 403


class NotFound(ConsultError):
    code, status = "not_found", 404


class Conflict(ConsultError):
    code, status = "conflict", 409


class Busy(ConsultError):
    """Every database connection was in use for longer than the pool waits (a join storm
    on an overloaded server): the request changed nothing and can simply be repeated."""

    code, status = "busy", 503


BUSY_RETRY_SECONDS = 5
BUSY = Busy("The service is very busy just now. Nothing was changed: try again in a few seconds.")


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def register(app: Flask, socketio: Any) -> None:
    """Install one translator per channel."""

    @app.errorhandler(ConsultError)
    def consult_error(error: ConsultError):  # type: ignore[no-untyped-def]
        db.session.rollback()
        if _wants_json():
            return jsonify(error=error.as_dict()), error.status
        return render_template("errors/error.html", error=error, status=error.status), error.status

    def _limit_message(error: HTTPException) -> str | None:
        """A rate limit's own words (Flask-Limiter's `error_message`), shown on the 429 page
        instead of its general sentence: "Too many reset links have been asked for..."."""
        message = getattr(getattr(error, "limit", None), "error_message", None)
        return str(message()) if callable(message) else (str(message) if message else None)

    @app.errorhandler(PoolTimeout)
    def pool_timeout(error: PoolTimeout):  # type: ignore[no-untyped-def]
        log.warning("no database connection free on %s %s: %s", request.method, request.path, error)
        response = make_response(consult_error(BUSY))
        response.headers["Retry-After"] = str(BUSY_RETRY_SECONDS)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        status = error.code or 500
        if _wants_json():
            body = {"code": error.name.lower().replace(" ", "_"), "message": error.description}
            response = jsonify(error=body)
            response.status_code = status
            for header in ("Retry-After", "Allow"):
                if error.get_response().headers.get(header):
                    response.headers[header] = error.get_response().headers[header]
            return response
        template = (
            f"errors/{status}.html" if status in (401, 403, 404, 429, 500) else "errors/error.html"
        )
        return render_template(
            template, error=error, status=status, reason=_limit_message(error)
        ), status

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):  # type: ignore[no-untyped-def]
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        if app.config.get("PROPAGATE_EXCEPTIONS"):
            raise error
        if _wants_json():
            return jsonify(
                error={"code": "server_error", "message": "Something went wrong on our side."}
            ), 500
        return render_template("errors/500.html", status=500), 500

    @socketio.on_error_default
    def socket_error(error: Exception) -> dict[str, Any]:
        db.session.rollback()
        if isinstance(error, ConsultError):
            return {"ok": False, "error": error.as_dict()}
        if isinstance(error, PoolTimeout):
            log.warning("no database connection free for a Socket.IO event: %s", error)
            return {"ok": False, "error": {**BUSY.as_dict(), "retry_after": BUSY_RETRY_SECONDS}}
        log.exception("unhandled error in a Socket.IO event")
        return {
            "ok": False,
            "error": {"code": "server_error", "message": "Something went wrong on our side."},
        }
