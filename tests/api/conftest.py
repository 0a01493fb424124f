"""Fixtures for API tests: an open consultation with one question of every kind, and
officer bearer tokens issued through the real CLI command."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.consultations.conftest import EVERY_KIND


@pytest.fixture
def open_consultation(app, make_consultation) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """{"id", "slug", "ids": {key: question id}} for an open consultation."""
    from consult.extensions import db
    from consult.models import Consultation

    consultation_id = make_consultation(
        slug="riverside-2030", questions=[dict(q) for q in EVERY_KIND]
    )
    with app.app_context():
        consultation = db.session.get(Consultation, consultation_id)
        ids = {q.key: q.id for q in consultation.questions}
    return {"id": consultation_id, "slug": "riverside-2030", "ids": ids}


@pytest.fixture
def officer_token(app, runner, make_user) -> Callable[..., str]:  # type: ignore[no-untyped-def]
    """Issue a token with `flask consultations token` for a new user of `role`."""

    def issue(role: str = "officer", *, originals: bool = False) -> str:
        user_id = make_user(role)
        from consult.extensions import db
        from consult.models import User

        with app.app_context():
            email = db.session.get(User, user_id).email
        args = ["consultations", "token", "--email", email] + (["--originals"] if originals else [])
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        return result.output.strip()

    return issue
