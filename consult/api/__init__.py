"""The JSON API under /api/v1 (its OpenAPI document at /api/v1/openapi.json)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
