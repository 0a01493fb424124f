"""Admin pages: staff and the audit log (admins only)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from sqlalchemy import select

from consult.auth.access import staff_required
from consult.extensions import db
from consult.models import AuditEntry, User

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@staff_required("admin")
def users() -> Any:
    people = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("admin/users.html", users=people)


@bp.route("/audit")
@staff_required("admin")
def audit() -> Any:
    page = db.paginate(
        select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()),
        per_page=50,
    )
    return render_template("admin/audit.html", page=page)
