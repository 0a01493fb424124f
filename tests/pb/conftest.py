"""Fixtures for the participatory budgeting app tests: officers signed in (two, for double
entry), a round built through the services in any phase, returning ids, the mail sent
(with no MAIL_SERVER it is logged; the log is the outbox), and real small pictures made
with Pillow."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Sent:
    """One email as sent: its plain text and its HTML alternative."""

    to: str
    subject: str
    text: str
    html: str | None

    def path(self, part: str) -> str:
        """The path of the first link in the text containing `part`, for a test client."""
        found = re.search(r"https?://[^/\s]+(/\S*" + re.escape(part) + r"\S*)", self.text)
        assert found, f"no link with {part!r} in: {self.text}"
        return found.group(1)


@pytest.fixture
def mailbox(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> Callable[[], list[Sent]]:
    """A function returning every email sent so far in this test."""
    # The migrations' fileConfig disabled loggers that existed then: switch this one on.
    monkeypatch.setattr(logging.getLogger("consult.mail"), "disabled", False)
    caplog.set_level("INFO", logger="consult.mail")

    def sent() -> list[Sent]:
        mails = []
        for record in caplog.records:
            if record.name == "consult.mail" and record.msg.startswith("mail (not sent"):
                args = tuple(record.args or ())
                mails.append(Sent(*args[:3], args[3] if len(args) > 3 else None))  # type: ignore[arg-type]
        return mails

    return sent


def _picture(kind: str = "JPEG", size: tuple[int, int] = (40, 20), **save: Any) -> bytes:
    """A real small picture made by Pillow (`save` goes to Image.save: exif=, pnginfo=)."""
    from PIL import Image

    mode = "RGBA" if kind in ("PNG", "WEBP") else "RGB"
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 40, 40, 255)[: len(mode)]).save(buffer, kind, **save)
    return buffer.getvalue()


def _camera_exif() -> Any:
    """EXIF as a phone writes it: the camera, the position (GPS) and a rotation."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0112] = 6  # Orientation: turn 90 degrees to show upright
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.0), 3: "W", 4: (0.0, 7.0, 40.0)}  # GPS
    return exif


@pytest.fixture
def picture() -> Callable[..., bytes]:
    """picture(kind="JPEG", size=(40, 20), **save) -> the bytes of a real small picture."""
    return _picture


@pytest.fixture
def camera_exif() -> Any:
    return _camera_exif()
