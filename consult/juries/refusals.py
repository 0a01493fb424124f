"""A service's refusal on a jury form page (views.py, pool_views.py): the block that calls
the service is rolled back, the refusal's field errors go on the form, and what it said is
kept for the page shown again. On success nothing happens here: the view commits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from consult.errors import ConsultError
from consult.extensions import db
from consult.juries.blueprint import field_errors


class Refusal:
    """What a service said when it refused; false while it has not."""

    def __init__(self) -> None:
        self.error: ConsultError | None = None

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def fields(self) -> dict[str, str]:
        """The refusal's messages by field name (none when nothing was refused)."""
        return self.error.fields if self.error is not None else {}

    @property
    def problem(self) -> str | None:
        """The refusal's message when it names no field (the page's summary shows it)."""
        return None if self.error is None or self.error.fields else self.error.message


@contextmanager
def refusal(form: Any) -> Iterator[Refusal]:
    """`with refusal(form) as refused:` around the service calls of a form that validated.
    A ConsultError from the block does not propagate: the session is rolled back, its field
    errors are added to the form's fields and it is kept in `refused`; anything else
    propagates untouched."""
    refused = Refusal()
    try:
        yield refused
    except ConsultError as error:
        db.session.rollback()
        field_errors(form, error)
        refused.error = error
