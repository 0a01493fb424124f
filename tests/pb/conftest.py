"""Fixtures for the participatory budgeting app tests: officers signed in (two, for double
entry), and a round built through the services in any phase, returning ids."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from consult.extensions import db

PROPOSALS = (
    # title, ward, estimated cost, assessment, revised cost, reasons
    ("Skate park lights", "Hillside", 6000, "feasible", None, ""),
    (
        "Youth music studio",
        "Riverside",
        9000,
        "feasible_with_changes",
        8000,
        "Shared room at the library instead of a new build.",
    ),
    (
        "Free bus passes for under 18s",
        "Riverside",
        4000,
        "not_feasible",
        None,
        "Bus fares are set by the county council, not by us.",
    ),
    ("Pitch drainage", "Hillside", 5000, "feasible", None, ""),
    ("Climbing wall", "Oldtown", 3000, "feasible", None, ""),
)


@pytest.fixture
def officers(make_user: Callable[..., int]) -> list[dict[str, Any]]:
    return [
        {
            "id": make_user("officer", email=f"pb.officer{n}@council.example"),
            "email": f"pb.officer{n}@council.example",
        }
        for n in (1, 2, 3)
    ]


@pytest.fixture
def officer_client(app: Flask, officers: list[dict[str, Any]], sign_in: Callable[..., None]):  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, email=officers[0]["email"])
    return client


@pytest.fixture
def second_officer_client(app: Flask, officers: list[dict[str, Any]], sign_in: Callable[..., None]):  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, email=officers[1]["email"])
    return client


@pytest.fixture
def make_pb_round(app: Flask, officers: list[dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """A round with the five proposals above, moved on to `phase` (draft, proposals,
    assessment, voting, closed); from assessment on, every proposal is assessed. Returns
    {"id", "slug", "proposals": {title: id}, "codes": [...]} (codes made when voting)."""
    from consult.models import PBRound, User
    from consult.pb import proposals, services

    counter = iter(range(1, 1000))

    def make(phase: str = "voting", *, codes: int = 0, **settings: Any) -> dict[str, Any]:
        number = next(counter)
        with app.app_context():
            officer = db.session.get(User, officers[0]["id"])
            values = {
                "title": f"Youth fund {number}",
                "budget": 15000,
                "min_choices": 1,
                "max_choices": 3,
                "wards": ["Hillside", "Oldtown", "Riverside"],
                "min_age": 11,
                "max_age": 25,
                "area": "Riverside borough",
                "tie_seed": "published-seed",
                **settings,
            }
            pb_round = services.create_round(actor=officer, **values)
            ids: dict[str, int] = {}
            made: list[str] = []
            if phase != "draft":
                services.advance_phase(pb_round, actor=officer)
                for title, ward, cost, *_ in PROPOSALS:
                    proposal = proposals.submit_proposal(
                        pb_round,
                        title=title,
                        description=f"{title} for young people.",
                        ward=ward,
                        estimated_cost=cost,
                    )
                    ids[title] = proposal.id
            if phase in ("assessment", "voting", "closed"):
                services.advance_phase(pb_round, actor=officer)
                for title, _ward, _cost, assessment, revised, reasons in PROPOSALS:
                    proposals.assess_proposal(
                        db.session.get(type(pb_round.proposals[0]), ids[title]),
                        assessment=assessment,
                        assessed_cost=revised,
                        reasons=reasons,
                        actor=officer,
                    )
            if phase in ("voting", "closed"):
                services.advance_phase(pb_round, actor=officer)
                if codes:
                    made = services.generate_codes(pb_round, count=codes, actor=officer)
            if phase == "closed":
                services.advance_phase(pb_round, actor=officer)
            db.session.commit()
            assert db.session.get(PBRound, pb_round.id).status == phase
            return {"id": pb_round.id, "slug": pb_round.slug, "proposals": ids, "codes": made}

    return make
