"""The juries blueprint, and what its public pages (public.py) and officer pages
(views.py, pool_views.py, plan_views.py) share: a CSV download (a service's refusal on a
form is `consult.forms_common.refusal`, what follows its success `saved`)."""

from __future__ import annotations

from flask import Blueprint, Response

bp = Blueprint("juries", __name__, url_prefix="/juries", cli_group="jury")


def csv_download(text: str, filename: str) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
