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


@pytest.mark.parametrize(
    ("text", "expected", "kinds"),
    [
        ("NI number AB 12 34 56 C please", "NI number [NI number] please", ["ni_number"]),
        ("ni no jt489126b", "ni no [NI number]", ["ni_number"]),
        ("NHS number 943 476 5919.", "NHS number [NHS number].", ["nhs_number"]),
        ("born on 14/02/1956 here", "born on [date of birth] here", ["date_of_birth"]),
        ("Date of birth: 7 March 1949.", "Date of birth: [date of birth].", ["date_of_birth"]),
        ("I live at 12 acacia avenue", "I live at [address]", ["address"]),
        ("see 108 the crescent", "see [address]", ["address"]),
        ("jane dot doe at example dot com", "[email]", ["email"]),
        ("a.khan [at] btinternet [dot] com", "[email]", ["email"]),
        ("mike.b at outlook dot com", "[email]", ["email"]),
        ("My name is Margaret Wilson and", "My name is [name] and", ["name"]),
        ("my name is chloe evans and i", "my name is [name] and i", ["name"]),
        ("I'm Aisha Rahman and", "I'm [name] and", ["name"]),
        ("Mrs J. Hargreaves complained", "[name] complained", ["name"]),
        ("My son Oliver has autism", "My son [name] has autism", ["name"]),
        ("Thanks.\nKind regards,\nSusan Bailey", "Thanks.\nKind regards,\n[name]", ["name"]),
        ("Best wishes, Andrew and Julie Thompson", "Best wishes, [name] and [name]", ["name"]),
        ("Many thanks\nOwain ap Gwilym", "Many thanks\n[name]", ["name"]),
        ("ask Sophie Turner at the hub", "ask [name] at the hub", ["name"]),
    ],
)
def test_more_kinds_of_personal_data_are_replaced(text, expected, kinds):
    assert redact(text) == (expected, kinds)


@pytest.mark.parametrize(
    "text",
    [
        "NHS number 943 476 5918 has a wrong check digit",  # not a valid NHS number
        "The meeting on 12 March 2024 was poorly advertised.",
        "It is 10 minutes down the road from the station.",
        "Make the 2 way street one way.",
        "Have a look at riverside.gov.uk for the plans.",
        "Victoria Park and Rose Hill need more bins.",
        "Albert Road and George Street both flood.",
        "I am not sure the plan will work.",
        "I'm Happy with option B.",
        "The Dr Who exhibition brought visitors.",
        "Thank you for asking residents.",
        "The 41 bus should run every 15 minutes.",
    ],
)
def test_look_alikes_are_left_alone(text):
    assert redact(text) == (text, [])
