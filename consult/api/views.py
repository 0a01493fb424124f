"""JSON API endpoints."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from consult.auth.access import public

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.route("/")
@public
def index() -> Any:
    return jsonify(name="Consult API", version="1")
