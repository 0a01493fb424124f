"""Fixtures for staff accounts: an admin's signed-in client, and the mail log read back
(with no MAIL_SERVER, mail is written to the `consult.mail` log; that log is the outbox)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

LINK = re.compile(r"https?://\S+/(?:set-password|reset-password|unlock)/\S+")


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str

    @property
    def link(self) -> str:
        found = LINK.search(self.body)
        assert found, f"no password link in: {self.body}"
        return found.group(0)

    @property
    def path(self) -> str:
        """The link without its origin, for a test client."""
        return "/" + self.link.split("/", 3)[3]


class Outbox:
    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self.caplog = caplog

    @property
    def messages(self) -> list[Mail]:
        return [
            Mail(*record.args[:3])  # type: ignore[index, misc]
            for record in self.caplog.records
            if record.name == "consult.mail" and record.msg.startswith("mail (not sent")
        ]

    def to(self, address: str) -> list[Mail]:
        return [mail for mail in self.messages if mail.to == address]

    def last_to(self, address: str) -> Mail:
        mails = self.to(address)
        assert mails, f"no mail to {address}; sent: {[m.to for m in self.messages]}"
        return mails[-1]


@pytest.fixture
def outbox(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> Outbox:
    # Alembic's fileConfig (run by the migrations that built the test database) disables
    # loggers that already existed: switch the mail log back on for this test.
    monkeypatch.setattr(logging.getLogger("consult.mail"), "disabled", False)
    caplog.set_level("INFO", logger="consult.mail")
    return Outbox(caplog)


@pytest.fixture
def admin(make_user: Callable[..., int]) -> dict[str, Any]:
    email = "ada@council.example"
    return {"id": make_user("admin", email=email, name="Ada Admin"), "email": email}


@pytest.fixture
def admin_client(app: Flask, admin: dict[str, Any], sign_in: Callable[..., None]) -> FlaskClient:
    client = app.test_client()
    sign_in(client, email=admin["email"])
    return client
