"""The juries blueprint, and what its public pages (public.py) and officer pages
(views.py, plan_views.py) share: a CSV download and a service's field errors shown on a
form (what follows a service's success is `consult.forms_common.saved`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from consult.errors import ConsultError

bp = Blueprint("juries", __name__, url_prefix="/juries", cli_group="jury")


def field_errors(form: Any, error: ConsultError) -> None:
    """Put a service's field errors on the form's fields (or keep them for the summary)."""
    for name, message in error.fields.items():
        field = form._fields.get(name) if hasattr(form, "_fields") else None
        if field is not None:
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]


def csv_download(text: str, filename: str) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
