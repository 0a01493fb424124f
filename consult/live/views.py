"""Live session pages: the juror's view (signed in with a join code)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user

from consult.auth.access import juror_required

bp = Blueprint("live", __name__, url_prefix="/live")


@bp.route("/")
@juror_required
def juror_home() -> Any:
    member = current_user
    return render_template("live/juror_home.html", member=member, jury=member.jury)
