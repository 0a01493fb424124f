"""Participatory budgeting, the eligibility check: a resident without a voting code shows
they may vote by postcode (in the round's postcode areas) and date of birth (in its age
range), and gives their name or e-mail address so that people sharing a postcode and a
birthday stay apart.

One person, one ballot: the three answers, normalised, are hashed with HMAC-SHA256 under a
key made of the app's SECRET_KEY and the round's own random salt (`PBRound.eligibility_salt`),
and only that hash is kept (`PBEligibleVoter.key_hash`, unique per round). The same answers
give the same hash, which finds the same ballot to change until voting closes; nothing
else (not the postcode, the date of birth or the name) is stored. Without the secret key
the hashes cannot be tested against guesses. See docs/privacy.md.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from consult.errors import Conflict, Invalid
from consult.extensions import db
from consult.models import PBEligibleVoter, PBRound

POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
# An area: a postcode district (RV1), a sector (RV1 2), or a whole postcode (RV1 2AB).
AREA = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)(?: ([0-9])([A-Z]{2})?)?$")


def normal_postcode(text: str) -> str | None:
    """'rv12ab' -> 'RV1 2AB'; None for something that is not a UK postcode."""
    squeezed = re.sub(r"\s+", "", text or "").upper()
    match = POSTCODE.match(squeezed)
    return f"{match.group(1)} {match.group(2)}" if match else None


def normal_area(text: str) -> str | None:
    """An area as written on the settings page: 'rv1' -> 'RV1', 'rv1 2ab' -> 'RV1 2AB'."""
    cleaned = " ".join((text or "").upper().split())
    whole = normal_postcode(cleaned)
    if whole:
        return whole
    return cleaned if AREA.match(cleaned) else None


def settings_problems(values: Any) -> dict[str, str]:
    areas = values.get("postcode_areas") or []
    bad = [area for area in areas if normal_area(area) is None]
    if bad:
        return {
            "postcode_areas": gettext(
                "“%(area)s” is not a postcode area: enter districts like RV1, sectors like RV1 2 "
                "or whole postcodes like RV1 2AB, one a line",
                area=bad[0],
            )
        }
    return {}


def in_area(pb_round: PBRound, postcode: str) -> bool:
    """Whether a normalised postcode is in one of the round's areas (any, if none are set)."""
    if not pb_round.postcode_areas:
        return True
    outward, inward = postcode.split(" ")
    for area in pb_round.postcode_areas:
        normal = normal_area(area) or ""
        if normal == postcode:
            return True
        parts = normal.split(" ")
        if parts[0] == outward and (len(parts) == 1 or inward.startswith(parts[1])):
            return True
    return False


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _identity(text: str) -> str:
    return " ".join(text.casefold().split())


def voter_key(pb_round: PBRound, postcode: str, born: date, identity: str) -> str:
    """The keyed hash that stands for one person in one round (nothing else is kept)."""
    secret = (
        str(current_app.config["SECRET_KEY"]).encode() + b":" + pb_round.eligibility_salt.encode()
    )
    message = f"{postcode}|{born.isoformat()}|{_identity(identity)}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def check_eligibility(
    pb_round: PBRound,
    *,
    postcode: str,
    born: date | None,
    identity: str,
    today: date | None = None,
) -> PBEligibleVoter:
    """The voter who gave these answers (the same row when they come back to change their
    ballot). Raises Conflict when the round has no eligibility check or voting is not open,
    Invalid (with fields) for an answer missing or outside the round's area or ages;
    nothing is stored then. Flushes."""
    if not pb_round.eligibility_check:
        raise Conflict(gettext("This round uses voting codes only."))
    if pb_round.status != "voting":
        raise Conflict(gettext("Voting is not open."))
    today = today or date.today()
    fields: dict[str, str] = {}
    normal = normal_postcode(postcode)
    if not postcode.strip():
        fields["postcode"] = gettext("Enter your postcode")
    elif normal is None:
        fields["postcode"] = gettext("Enter a real postcode, like RV1 2AB")
    elif not in_area(pb_round, normal):
        fields["postcode"] = gettext(
            "You cannot vote in this round: it is for people who live in the postcode areas "
            "%(areas)s",
            areas=", ".join(pb_round.postcode_areas),
        )
    if born is None:
        fields["date_of_birth"] = gettext("Enter your date of birth")
    elif born >= today:
        fields["date_of_birth"] = gettext("Your date of birth must be in the past")
    else:
        age = age_on(born, today)
        low, high = pb_round.min_age, pb_round.max_age
        if (low is not None and age < low) or (high is not None and age > high):
            fields["date_of_birth"] = gettext(
                "You cannot vote in this round: it is for people aged %(ages)s",
                ages=_ages(low, high),
            )
    if not identity.strip():
        fields["identity"] = gettext("Enter your full name or your email address")
    elif len(identity) > 254:
        fields["identity"] = gettext("Use 254 characters or fewer")
    if fields:
        raise Invalid(next(iter(fields.values())) + ".", fields=fields)
    assert normal is not None and born is not None
    key = voter_key(pb_round, normal, born, identity)
    return _voter(pb_round, key)


def _ages(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return gettext("%(low)s to %(high)s", low=low, high=high)
    if low is not None:
        return gettext("%(age)s or over", age=low)
    return gettext("%(age)s or under", age=high)


def _voter(pb_round: PBRound, key: str) -> PBEligibleVoter:
    query = select(PBEligibleVoter).where(
        PBEligibleVoter.round_id == pb_round.id, PBEligibleVoter.key_hash == key
    )
    found = db.session.scalar(query)
    if found is not None:
        return found
    try:
        with db.session.begin_nested():
            voter = PBEligibleVoter(round_id=pb_round.id, key_hash=key)
            db.session.add(voter)
    except IntegrityError:  # the same person, checked at the same moment elsewhere
        found = db.session.scalar(query)
        assert found is not None
        return found
    return voter
