"""Consultation pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from sqlalchemy import select

from consult.auth.access import public
from consult.extensions import db
from consult.models import Consultation

bp = Blueprint("consultations", __name__, url_prefix="/consultations")


@bp.route("/")
@public
def index() -> Any:
    consultations = db.session.scalars(
        select(Consultation)
        .where(Consultation.status != "draft")
        .order_by(Consultation.closes_at.desc())
    ).all()
    return render_template("consultations/index.html", consultations=consultations)
