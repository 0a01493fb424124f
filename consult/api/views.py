"""JSON API endpoints under /api/v1: published consultations, submitting responses (safe to
retry with an Idempotency-Key), and officers' paginated reading of responses with a bearer
token. The OpenAPI document at /api/v1/openapi.json describes exactly these."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, jsonify, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from consult.api import bp
from consult.api.openapi import document
from consult.auth.access import public
from consult.consultations import payloads, services, submission
from consult.consultations.limits import submit_rate_limit
from consult.consultations.lookup import consultation_or_404
from consult.errors import Invalid
from consult.extensions import db, limiter
from consult.models import Answer, ApiToken, Consultation, Response, utcnow

F = TypeVar("F", bound=Callable[..., Any])
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def officer_token_required(view: F) -> F:
    """A bearer token belonging to an active officer or admin (or a signed-in officer's
    session). No credentials: 401; someone else: 403. Sets g.can_see_originals."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                abort(401)
            record = db.session.scalar(
                select(ApiToken)
                .where(ApiToken.token_hash == ApiToken.hash(token.strip()))
                .options(selectinload(ApiToken.user))
            )
            if record is None or record.revoked_at is not None or not record.user.active:
                abort(401)
            if not record.user.has_role("officer"):
                abort(403)
            record.last_used_at = utcnow()
            db.session.commit()
            g.can_see_originals = record.can_see_originals
            return view(*args, **kwargs)
        if not current_user.is_authenticated:
            abort(401)
        if not getattr(current_user, "is_staff", False) or not current_user.has_role("officer"):
            abort(403)
        g.can_see_originals = False
        return view(*args, **kwargs)

    wrapper.access = ("admin", "officer")  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


@bp.after_request
def authenticate_header(response: Any) -> Any:
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="consult"'
    return response


@bp.route("/")
@public
def index() -> Any:
    return jsonify(
        name="Consult API",
        version="1",
        openapi=url_for("api.openapi", _external=True),
    )


@bp.route("/openapi.json")
@public
def openapi() -> Any:
    open_now = [c for c in services.public_consultations() if c.status == "open"]
    db.session.commit()
    return jsonify(document(url_for("api.index", _external=True).rstrip("/"), open_now))


@bp.route("/consultations")
@public
def consultations() -> Any:
    items = services.public_consultations()
    db.session.commit()
    return jsonify(items=[payloads.consultation_summary(c) for c in items])


def _published(slug: str, *, with_questions: bool = True) -> Consultation:
    return consultation_or_404(slug, published=True, with_questions=with_questions)


@bp.route("/consultations/<slug>")
@public
def consultation(slug: str) -> Any:
    return jsonify(payloads.consultation_detail(_published(slug)))


@bp.route("/consultations/<slug>/responses", methods=["POST"])
@limiter.limit(submit_rate_limit, methods=["POST"])
@public
def submit(slug: str) -> Any:
    key = request.headers.get("Idempotency-Key")
    if key is not None and not IDEMPOTENCY_KEY.match(key):
        raise Invalid(
            "The Idempotency-Key header is not valid.",
            fields={"Idempotency-Key": "Use 1 to 64 letters, digits, '.', '_', ':' or '-'"},
        )
    consultation = _published(slug, with_questions=False)
    body = request.get_json(silent=True) if request.is_json else None
    if body is None:
        raise Invalid(
            "Send the response as a JSON object.",
            fields={"body": 'Send a JSON object like {"answers": {"12": "text"}}'},
        )
    try:
        response, created = submission.submit_via_api(consultation, body, idempotency_key=key)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the same key raced in from a retry: answer with the first
        if key is None:
            raise
        first = submission.response_for_key(submission.api_idempotency_key(consultation, key))
        if first is None:
            raise
        response, created = submission.replay(first, submission.body_fingerprint(body)), False
    return jsonify(payloads.receipt(response)), 201 if created else 200


def _positive_int(name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    # isdecimal() alone lets in other scripts' digits and "²" passes isdigit(): ASCII only
    if not (raw.isascii() and raw.isdecimal()) or not 1 <= int(raw) <= maximum:
        raise Invalid(
            f"{name} is not valid.", fields={name: f"Use a whole number from 1 to {maximum}"}
        )
    return int(raw)


@bp.route("/consultations/<slug>/responses", methods=["GET"])
@officer_token_required
def responses(slug: str) -> Any:
    page = _positive_int("page", 1, 100000)
    per_page = _positive_int("per_page", 50, 100)
    consultation = services.consultation_by_slug(slug, with_questions=False)
    if consultation is None:
        abort(404)
    submitted = (Response.consultation_id == consultation.id) & (Response.status == "submitted")
    total = db.session.scalar(select(func.count(Response.id)).where(submitted)) or 0
    items = db.session.scalars(
        select(Response)
        .where(submitted)
        .order_by(Response.submitted_at, Response.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .options(selectinload(Response.answers).selectinload(Answer.question))
    ).all()
    originals = bool(g.get("can_see_originals"))
    return jsonify(
        items=[payloads.response(item, originals=originals) for item in items],
        page=page,
        per_page=per_page,
        total=total,
        pages=max(1, -(-total // per_page)),
        originals=originals,
    )
