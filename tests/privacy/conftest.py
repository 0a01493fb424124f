"""Fixtures for personal-data tests: a resident's response with every kind of personal
data (contact email, about-you, free text naming them, a closed answer), a registrant, a
juror who spoke in a session, and an officer's signed-in client."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from consult.extensions import db

FREE_TEXT = "Jane Doe here: the 42 bus is always late, ring me on 07700 900123"
QUESTIONS: list[dict[str, Any]] = [
    {"kind": "free_text", "key": "say", "prompt": "What do you think?"},
    {
        "kind": "single_choice",
        "key": "bus",
        "prompt": "How often do you take the bus?",
        "options": [
            {"value": "daily", "label": "Every day"},
            {"value": "never", "label": "Never"},
        ],
    },
]


@pytest.fixture
def free_text() -> str:
    """What `make_response` writes as the resident's free-text answer."""
    return FREE_TEXT


@pytest.fixture
def officer(app: Flask, make_user, sign_in) -> Callable[..., FlaskClient]:  # type: ignore[no-untyped-def]
    """A client signed in as staff with `role` (an officer by default)."""
    counter = iter(range(1, 1000))

    def client_for(role: str = "officer") -> FlaskClient:
        email = f"privacy-{role}-{next(counter)}@council.example"
        make_user(role, email=email)
        client = app.test_client()
        sign_in(client, email=email)
        return client

    return client_for


@pytest.fixture
def make_response(app: Flask, make_consultation) -> Callable[..., dict[str, Any]]:  # type: ignore[no-untyped-def]
    """A sent response (or a draft) with an email, about-you answers, free text and a
    closed answer; returns its id, reference, resume token and consultation id/slug."""
    from consult.consultations.submission import build_response, hash_token
    from consult.models import Consultation

    def make(
        *,
        consultation_id: int | None = None,
        email: str | None = "jane.doe@example.com",
        text: str = FREE_TEXT,
        status: str = "submitted",
        closes_at: datetime | None = None,
    ) -> dict[str, Any]:
        consultation_id = consultation_id or make_consultation(
            questions=[dict(q) for q in QUESTIONS]
        )
        token = secrets.token_urlsafe(24)
        with app.app_context():
            consultation = db.session.get(Consultation, consultation_id)
            if closes_at is not None:
                consultation.closes_at = closes_at
                consultation.opens_at = closes_at - timedelta(days=30)
            by_key = {q.key: q.id for q in consultation.questions}
            response = build_response(
                consultation,
                {by_key["say"]: text, by_key["bus"]: "daily"},
                {
                    "respondent_type": "individual",
                    "email": email,
                    "age_band": "35-44",
                    "gender": "woman",
                    "postcode_district": "RV2",
                    "wants_updates": True,
                    "consent": True,
                },
                channel="online",
            )
            response.status = status
            response.resume_token_hash = hash_token(token)
            db.session.commit()
            return {
                "id": response.id,
                "reference": response.reference,
                "token": token,
                "consultation_id": consultation.id,
                "slug": consultation.slug,
            }

    return make


@pytest.fixture
def make_registrant(app: Flask, make_jury) -> Callable[..., int]:  # type: ignore[no-untyped-def]
    from consult.models import Registrant, utcnow

    def make(
        *,
        jury_id: int | None = None,
        email: str = "sam.smith@example.org",
        status: str = "registered",
    ) -> int:
        jury_id = jury_id or make_jury()
        with app.app_context():
            registrant = Registrant(
                jury_id=jury_id,
                status=status,
                first_name="Sam",
                last_name="Smith",
                email=email,
                phone="07700 900456",
                address_line="1 High Street",
                postcode="RV1 1AA",
                household_key="h1",
                features={"age": "25-44"},
                availability=["weekends"],
                consented_at=utcnow(),
            )
            db.session.add(registrant)
            db.session.commit()
            return registrant.id

    return make


@pytest.fixture
def make_juror(app: Flask, make_jury, make_registrant) -> Callable[..., dict[str, int]]:  # type: ignore[no-untyped-def]
    """A juror drawn from the pool (status confirmed) who said something in a session,
    which was broadcast; their jury has status `jury_status`."""
    from consult.models import Contribution, Jury, JurySession, LiveEvent, PanelMember

    def make(
        *, jury_status: str = "selected", email: str = "sam.smith@example.org"
    ) -> dict[str, int]:
        jury_id = make_jury(status=jury_status)
        registrant_id = make_registrant(jury_id=jury_id, email=email, status="selected")
        with app.app_context():
            member = PanelMember(
                jury_id=jury_id,
                registrant_id=registrant_id,
                display_name="Sam S.",
                status="confirmed",
                features={"age": "25-44"},
                join_code_hash=PanelMember.hash_code(secrets.token_hex(6)),
            )
            jury_session = JurySession(jury_id=jury_id, title="Session 1", status="ended")
            db.session.add_all([member, jury_session])
            db.session.flush()
            said = Contribution(
                session_id=jury_session.id,
                member_id=member.id,
                kind="message",
                text="I'm Sam from Mill Lane and I think buses matter",
                client_id=secrets.token_hex(8),
            )
            db.session.add(said)
            db.session.flush()
            db.session.add(
                LiveEvent(
                    session_id=jury_session.id,
                    seq=1,
                    room="table-1",
                    event="contribution_added",
                    payload={
                        "id": said.id,
                        "text": said.text,
                        "author": "Sam S.",
                        "member_id": member.id,
                    },
                )
            )
            jury = db.session.get(Jury, jury_id)
            jury_session_id = jury_session.id
            db.session.commit()
            return {
                "jury_id": jury_id,
                "jury_slug": jury.slug,
                "member_id": member.id,
                "registrant_id": registrant_id,
                "contribution_id": said.id,
                "session_id": jury_session_id,
            }

    return make
