"""Public pages, the staff dashboard and `/healthz`."""

from __future__ import annotations

from typing import Any

from flask import jsonify, render_template
from flask_login import current_user
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from consult.auth.access import public, staff_required
from consult.extensions import db, limiter
from consult.home import bp
from consult.models import Consultation, Jury
from consult.privacy.services import retention_periods
from consult.workspace.services import overdue_responses


@bp.route("/")
@public
def index() -> Any:
    consultations = db.session.scalars(
        select(Consultation)
        .where(Consultation.status.in_(("open", "closed", "analysed", "responded")))
        .order_by(Consultation.closes_at.desc())
        .limit(6)
    ).all()
    juries = db.session.scalars(select(Jury).order_by(Jury.created_at.desc()).limit(4)).all()
    return render_template("home/index.html", consultations=consultations, juries=juries)


@bp.route("/dashboard")
@staff_required()
def dashboard() -> Any:
    consultations = db.session.scalars(
        select(Consultation).order_by(Consultation.created_at.desc())
    ).all()
    juries = db.session.scalars(select(Jury).order_by(Jury.created_at.desc())).all()
    overdue = {"overdue": overdue_responses()} if current_user.has_role("officer") else {}
    return render_template(
        "home/dashboard.html", consultations=consultations, juries=juries, **overdue
    )


@bp.route("/privacy")
@public
def privacy() -> Any:
    return render_template("home/privacy.html", days=retention_periods())


@bp.route("/accessibility")
@public
def accessibility() -> Any:
    return render_template("home/accessibility.html")


@bp.route("/healthz")
@limiter.exempt
@public
def healthz() -> Any:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
