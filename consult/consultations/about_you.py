"""The "about you" part of a response (consultations feature): the questions and their
choices, checking what a resident gave, and storing it apart from the answers in a
`RespondentProfile` with the date it is due to be erased. Labels are English (exports and
staff pages use them as they are); `N_` marks them for the catalogues and the resident's
pages translate them where they are shown."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext

from consult.errors import Invalid
from consult.models import Consultation, RespondentProfile, Response, utcnow
from consult.wording import N_

PREFER_NOT = ("prefer_not_to_say", N_("Prefer not to say"))
ABOUT_YOU_CHOICES: dict[str, list[tuple[str, str]]] = {
    "age_band": [
        ("16-24", N_("16 to 24")),
        ("25-34", N_("25 to 34")),
        ("35-44", N_("35 to 44")),
        ("45-54", N_("45 to 54")),
        ("55-64", N_("55 to 64")),
        ("65-74", N_("65 to 74")),
        ("75+", N_("75 or over")),
        PREFER_NOT,
    ],
    "gender": [
        ("woman", N_("Woman")),
        ("man", N_("Man")),
        ("non_binary", N_("Non-binary")),
        ("self_describe", N_("I describe myself another way")),
        PREFER_NOT,
    ],
    "ethnicity": [
        ("asian", N_("Asian or Asian British")),
        ("black", N_("Black, Black British, Caribbean or African")),
        ("mixed", N_("Mixed or multiple ethnic groups")),
        ("white", N_("White")),
        ("other", N_("Another ethnic group")),
        PREFER_NOT,
    ],
    "disability": [("yes", N_("Yes")), ("no", N_("No")), PREFER_NOT],
}
ABOUT_YOU_LABELS = {
    "age_band": N_("Your age"),
    "gender": N_("Your gender"),
    "ethnicity": N_("Your ethnic group"),
    "disability": N_("Do you have a disability or long-term health condition?"),
    "postcode_district": N_("The first part of your postcode"),
}
POSTCODE_DISTRICT = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")
# What is kept in the respondent's profile (erased on its date), apart from the response
KEPT_IN_PROFILE = ("email", "age_band", "gender", "ethnicity", "disability", "postcode_district")
# How a ticked box or a yes arrives: from a form, or (True) from the API
TICKED = (True, "yes", "true", "on", "1")
ABOUT_YOU_FIELDS = (
    "respondent_type",
    "organisation_name",
    "email",
    "age_band",
    "gender",
    "ethnicity",
    "disability",
    "postcode_district",
    "wants_updates",
    "consent",
)


def clean_about_you(
    data: Mapping[str, Any] | None, *, consent_required: bool, strict: bool = False
) -> dict[str, Any]:
    """Check "about you" data. Returns cleaned values; raises Invalid with fields keyed by
    name. `consent` must be true when any personal data is given and consent_required.
    `strict` (the API): values must already be tidy (no spaces to trim, real booleans)."""
    data = dict(data or {})
    fields: dict[str, str] = {}
    if strict:
        for name, value in data.items():
            if name in ("wants_updates", "consent") and not isinstance(value, bool):
                fields[name] = gettext("Send true or false")
            elif isinstance(value, str) and value != value.strip():
                fields[name] = gettext("Remove the spaces at the start or end")
    cleaned: dict[str, Any] = {}
    unknown = set(data) - set(ABOUT_YOU_FIELDS)
    for name in sorted(unknown):
        fields[name] = gettext("This is not one of the 'about you' questions")
    respondent_type = data.get("respondent_type") or "individual"
    if respondent_type not in ("individual", "organisation"):
        fields["respondent_type"] = gettext(
            "Select whether you are responding as an individual or for an organisation"
        )
    cleaned["respondent_type"] = respondent_type
    organisation = data.get("organisation_name")
    if organisation is not None and not isinstance(organisation, str):
        fields["organisation_name"] = gettext("Enter the organisation's name as text")
        organisation = None
    organisation = (organisation or "").strip()
    if respondent_type == "organisation" and not organisation:
        fields["organisation_name"] = gettext(
            "Enter the name of the organisation you are responding for"
        )
    elif len(organisation) > 200:
        fields["organisation_name"] = gettext(
            "The organisation's name must be 200 characters or fewer"
        )
    cleaned["organisation_name"] = (
        (organisation or None) if respondent_type == "organisation" else None
    )
    email = data.get("email")
    if email is not None and not isinstance(email, str):
        fields["email"] = gettext("Enter an email address like name@example.com")
        email = None
    email = (email or "").strip()
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            fields["email"] = gettext(
                "Enter an email address in the correct format, like name@example.com"
            )
    cleaned["email"] = email or None
    for name, choices in ABOUT_YOU_CHOICES.items():
        value = data.get(name)
        if value in (None, ""):
            cleaned[name] = None
        elif value not in [v for v, _ in choices]:
            fields[name] = gettext(
                "Select one of the options for '%(question)s'",
                question=gettext(ABOUT_YOU_LABELS[name]).lower(),
            )
        else:
            cleaned[name] = value
    district = data.get("postcode_district")
    if district is not None and not isinstance(district, str):
        district = "?"
    district = (district or "").strip().upper()
    if strict and district and data.get("postcode_district") not in (district, "prefer_not_to_say"):
        fields["postcode_district"] = gettext("Use capital letters, like RV2")
    elif district and district != "PREFER_NOT_TO_SAY" and not POSTCODE_DISTRICT.match(district):
        fields["postcode_district"] = gettext(
            "Enter only the first part of your postcode, like RV2 (not the whole postcode)"
        )
    cleaned["postcode_district"] = (
        "prefer_not_to_say" if district == "PREFER_NOT_TO_SAY" else (district or None)
    )
    wants_updates = data.get("wants_updates", False)
    cleaned["wants_updates"] = wants_updates in TICKED
    consent = data.get("consent", False)
    cleaned["consent"] = consent in TICKED
    gives_personal_data = any(
        cleaned.get(name) not in (None, "prefer_not_to_say") for name in KEPT_IN_PROFILE
    )
    if consent_required and gives_personal_data and not cleaned["consent"]:
        fields["consent"] = gettext(
            "Confirm that you agree to us keeping the information about you, or leave those "
            "questions blank"
        )
    if fields:
        raise Invalid("Check the information about you.", fields=fields)
    if strict and data.get("email") and len(data["email"]) > 254:
        raise Invalid("Check the information about you.", fields={"email": "Too long"})
    return cleaned


def check_updates_have_an_email(data: Mapping[str, Any]) -> None:
    """A resident who asks to hear when the council publishes its response must give an
    email address to hear it at (the form checks this on "Save and continue"; drafts saved
    as they type may be incomplete). Raises Invalid on the email field."""
    wants = data.get("wants_updates") in TICKED
    email = data.get("email")
    if wants and not (isinstance(email, str) and email.strip()):
        raise Invalid(
            "Check the information about you.",
            fields={
                "email": gettext(
                    "Enter your email address, so that we can tell you when the council "
                    "publishes its response"
                )
            },
        )


def apply_about_you(response: Response, about: Mapping[str, Any], consultation: Consultation):
    response.respondent_type = about.get("respondent_type") or "individual"
    response.organisation_name = about.get("organisation_name")
    response.wants_updates = bool(about.get("wants_updates")) and bool(about.get("email"))
    personal = {name: about.get(name) for name in KEPT_IN_PROFILE}
    if not any(personal.values()):
        if response.profile is not None:
            response.profile = None
        return
    profile = response.profile or RespondentProfile()
    for name, value in personal.items():
        setattr(profile, name, value)
    if about.get("consent"):
        profile.consented_at = profile.consented_at or _now()
    profile.erase_after = profile_erase_after(consultation)
    response.profile = profile


def about_you_of(response: Response) -> dict[str, Any]:
    """The draft's "about you" values as the form and the check page show them."""
    profile = response.profile
    about: dict[str, Any] = {
        "respondent_type": response.respondent_type,
        "organisation_name": response.organisation_name or "",
        "wants_updates": response.wants_updates,
        "consent": bool(profile and profile.consented_at),
    }
    for name in KEPT_IN_PROFILE:
        about[name] = getattr(profile, name) if profile else None
    return about


def profile_erase_after(consultation: Consultation, now: datetime | None = None) -> datetime:
    """When an "about you" profile given to `consultation` is due to be erased: the
    RETAIN_ABOUT_YOU_DAYS setting after it closes (after `now` for one with no closing
    date). The purge (consult/privacy/retention.py) reads this date."""
    closes = consultation.closes_at or now or _now()
    return closes + timedelta(days=int(current_app.config["RETAIN_ABOUT_YOU_DAYS"]))


def _now() -> datetime:
    return utcnow()
