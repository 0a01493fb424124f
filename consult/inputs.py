"""What the app accepts from outside, checked once at the door (every route, every form).

Values that no page could sensibly mean are refused here with a clear 4xx before any view
sees them, so that no view has to remember: numbers in URLs beyond what a database id can
hold (a 404, as for any id that does not exist), JSON nested deeper than any real request
or holding text that cannot be stored (lone UTF-16 surrogates, NUL characters, which
PostgreSQL refuses), and form fields holding NUL characters.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, Map

LARGEST_ID = 2**31 - 1  # a signed 32-bit INTEGER: the largest id any of our tables holds
MAX_JSON_DEPTH = 32


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in every route: 0 to 2^31 - 1; anything larger matches no route (404)
    instead of overflowing the database driver."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def unstorable_text(value: Any, *, depth: int = 0) -> str | None:
    """Why `value` (plain JSON-like data) cannot be taken, or None when it can.

    Too deep: more than MAX_JSON_DEPTH levels of lists and objects. Unstorable text: a
    NUL character, or a lone surrogate (half of a UTF-16 pair, which no UTF-8 database
    column can hold)."""
    if depth > MAX_JSON_DEPTH:
        return f"The data is nested more than {MAX_JSON_DEPTH} levels deep."
    if isinstance(value, str):
        return _text_problem(value)
    if isinstance(value, dict):
        for key, item in value.items():
            problem = unstorable_text(key, depth=depth + 1) or unstorable_text(
                item, depth=depth + 1
            )
            if problem:
                return problem
    elif isinstance(value, list | tuple):
        for item in value:
            problem = unstorable_text(item, depth=depth + 1)
            if problem:
                return problem
    return None


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "The text contains a NUL character (\\u0000), which cannot be stored."
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return (
            "The text contains a lone surrogate character (half of a UTF-16 pair), "
            "which cannot be stored. Check how the text was copied or encoded."
        )
    return None


class CheckedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing with a 400 that says why (even where a view reads the body
    with ``silent=True``, which would hide the reason) what `unstorable_text` names and
    documents nested so deeply that the parser itself would run out of stack."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            raise BadRequest("The JSON is nested too deeply to read.") from None
        problem = unstorable_text(value)
        if problem:
            raise BadRequest(problem)
        return value


def register(app: Flask) -> None:
    """Install the URL converter (before any blueprint), the JSON provider and the form
    check on `app`."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.json_provider_class = CheckedJSONProvider
    app.json = CheckedJSONProvider(app)

    @app.before_request
    def refuse_unstorable_form_fields() -> None:
        if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            for name, value in request.form.items(multi=True):
                problem = _text_problem(value)
                if problem:
                    raise BadRequest(f"The field {name!r} cannot be taken: {problem}")
