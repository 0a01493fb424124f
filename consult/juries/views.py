"""Jury pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from sqlalchemy import select

from consult.auth.access import staff_required
from consult.extensions import db
from consult.models import Jury

bp = Blueprint("juries", __name__, url_prefix="/juries")


@bp.route("/")
@staff_required("officer", "facilitator")
def index() -> Any:
    juries = db.session.scalars(select(Jury).order_by(Jury.created_at.desc())).all()
    return render_template("juries/index.html", juries=juries)
