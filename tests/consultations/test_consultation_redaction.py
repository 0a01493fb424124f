"""Redaction of personal data and moderation flags (pure functions)."""

from __future__ import annotations

import pytest

from consult.consultations.redaction import flags_for, moderate, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Write to jo.bloggs+council@example.co.uk please", "Write to [email] please"),
        ("Ring 07700 900123 after six", "Ring [phone] after six"),
        ("or +44 7700 900123", "or [phone]"),
        ("landline 020 7946 0958", "landline [phone]"),
        ("landline 01632 960001.", "landline [phone]."),
        ("I live at RV2 4AB", "I live at [postcode]"),
        ("near SW1A1AA", "near [postcode]"),
        ("14 Ashby Road is flooded", "[address] is flooded"),
        ("Flat 3, 22 Mill Lane needs a ramp", "[address] needs a ramp"),
    ],
)
def test_personal_data_is_replaced_with_placeholders(text, expected):
    assert redact(text)[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "We need 20 more buses every way",
        "The RV2 district needs a library",
        "Open 7 days a week from 9 to 5",
        "I have lived here 30 years",
    ],
)
def test_ordinary_numbers_and_districts_are_left_alone(text):
    assert redact(text) == (text, [])


def test_moderate_reports_each_kind_of_personal_data_found():
    redacted, flags = moderate("Email a@b.com or call 07700 900123")
    assert redacted == "Email [email] or call [phone]"
    assert flags == ["pii:email", "pii:phone"]


@pytest.mark.parametrize(
    "text",
    [
        "see http://a.example http://b.example www.c.example",
        "aaaaaaaaaaaaaaaaaaaaaaaaa",
        "vote vote vote vote vote vote vote",
        "CLICK HERE for free money",
    ],
)
def test_spam_is_flagged(text):
    assert "spam" in flags_for(text)


def test_abusive_language_is_flagged_and_ordinary_text_is_not():
    assert flags_for("The planners are idiots") == ["abusive"]
    assert flags_for("Scunthorpe has a good bus station") == []
    assert flags_for("Two links: https://a.example and https://b.example") == []
