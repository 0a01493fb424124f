"""The demo's juries: people with names from the many backgrounds of a real English town,
the Citizens' Jury on Transport (recruiting: quotas, a 240-person pool, agenda) and the
finished Citizens' Jury on Climate and Energy (members, recommendations and votes, a
minority report, council responses with progress, ideas)."""

from __future__ import annotations

import random
import unicodedata
from datetime import datetime, timedelta

from consult.demo.prose import (
    AREA_DISTRICTS,
    AREA_STREETS,
    BLOCKS_OF_FLATS,
    CLIMATE_COUNCIL_RESPONSES,
    CLIMATE_IDEAS,
    CLIMATE_JURY,
    CLIMATE_MINORITY_REPORT,
    CLIMATE_RECOMMENDATIONS,
    DEFAULT_SEED,
    JURY_CATEGORIES,
    NAME_GROUPS,
    TRANSPORT_AGENDA,
    TRANSPORT_JURY,
    TRANSPORT_JURY_SESSIONS,
    WB_MEN,
    WB_SURNAMES,
    WB_WOMEN,
    WHITE_GROUPS,
    plain,
)
from consult.demo.residents import moment, weighted

# ---------------------------------------------------------------------------------------
# People for the juries: names from the many backgrounds of a real English town.
# ---------------------------------------------------------------------------------------

# Share of each background among people who register (white British first).
NAME_GROUP_WEIGHTS = {
    "white_british": 69.0,
    "irish_scottish_welsh": 6.0,
    "eastern_european": 6.5,
    "southern_european": 2.0,
    "indian": 3.5,
    "pakistani_bangladeshi": 3.0,
    "black_caribbean": 1.8,
    "black_african": 2.6,
    "east_asian": 1.3,
    "middle_eastern": 1.3,
    "mixed": 2.0,
}

_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in the inward half of UK postcodes


def _generation(jury_age: str) -> str:
    return {"16-29": "young", "30-44": "young", "45-64": "middle", "65+": "older"}[jury_age]


def _name(rng: random.Random, group: str, gender: str, jury_age: str) -> tuple[str, str]:
    if gender == "non_binary":
        gender = rng.choice(("woman", "man"))
    if group in ("white_british", "mixed"):
        generation = _generation(jury_age)
        if jury_age == "30-44" and rng.random() < 0.5:
            generation = "middle"
        first = rng.choice((WB_WOMEN if gender == "woman" else WB_MEN)[generation])
        if group == "mixed":
            other = rng.choice(("black_caribbean", "black_african", "indian", "east_asian"))
            return first, _surname(rng, NAME_GROUPS[other][2], gender)
        return first, rng.choice(WB_SURNAMES)
    women, men, surnames = NAME_GROUPS[group]
    return rng.choice(women if gender == "woman" else men), _surname(rng, surnames, gender)


def _surname(rng: random.Random, surnames: tuple, gender: str) -> str:
    return _gendered(rng.choice(surnames), gender)


def _gendered(surname, gender: str) -> str:
    if isinstance(surname, tuple):
        return surname[1] if gender == "woman" else surname[0]
    return surname


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(c for c in folded if c.isascii() and (c.isalnum() or c in ".-_")).lower()


def _email(rng: random.Random, first: str, last: str, taken: set[str]) -> str:
    f, last_ = _ascii(first), _ascii(last)
    for _ in range(20):
        local = weighted(
            rng,
            (
                f"{f}.{last_}",
                f"{f}{last_}{rng.randint(1, 99)}",
                f"{f[0]}{last_}",
                f"{f}_{last_}{rng.randint(60, 99)}",
                f"{last_}.{f}",
                f"{f}.{last_}{rng.randint(1, 9)}",
            ),
            (30, 20, 15, 10, 10, 15),
        )
        email = f"{local}@{rng.choice(('example.org', 'example.com'))}"
        if email not in taken:
            taken.add(email)
            return email
    raise RuntimeError("could not make a unique e-mail address")  # pragma: no cover


# ---------------------------------------------------------------------------------------
# The Citizens' Jury on Transport: recruiting, with its quotas, pool and agenda.
# ---------------------------------------------------------------------------------------


# Registration pools skew older and female, and under-represent ethnic minorities and
# people without a car: the quotas are there to correct that.
_POOL_AGES = ("16-29", "30-44", "45-64", "65+")
_POOL_AGE_WEIGHTS = (5, 16, 37, 42)
_POOL_CAR_BY_AGE = {"16-29": 0.55, "30-44": 0.8, "45-64": 0.86, "65+": 0.8}


def _transport_agenda() -> list[dict]:
    return plain(TRANSPORT_AGENDA)


def jury(seed: int = DEFAULT_SEED) -> dict:
    """The Riverside Citizens' Jury on Transport, recruiting: quotas, pool and agenda."""
    rng = random.Random(seed + 2)
    target = 240
    emails: set[str] = set()
    phones = [n for n in range(1000) if n not in (123, 321, 456, 654, 789)]
    rng.shuffle(phones)
    sessions = [s["date"] for s in TRANSPORT_JURY_SESSIONS]
    registrants: list[dict] = []
    household_no = 0
    postcodes: set[str] = set()
    while len(registrants) < target:
        household_no += 1
        area = weighted(rng, list(AREA_DISTRICTS), (30, 38, 32))
        district = rng.choice(AREA_DISTRICTS[area])
        while True:
            postcode = (
                f"{district} {rng.randint(1, 9)}"
                f"{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
            )
            if postcode not in postcodes:
                postcodes.add(postcode)
                break
        street = rng.choice(AREA_STREETS[area])
        if rng.random() < 0.18:
            address = f"Flat {rng.randint(1, 40)}, {rng.choice(BLOCKS_OF_FLATS)}, {street}"
        else:
            address = f"{rng.randint(1, 180)} {street}"
        group = weighted(rng, list(NAME_GROUP_WEIGHTS), list(NAME_GROUP_WEIGHTS.values()))
        age = weighted(rng, _POOL_AGES, _POOL_AGE_WEIGHTS)
        car = rng.random() < _POOL_CAR_BY_AGE[age] - (0.15 if area == "central" else 0)
        gender = weighted(rng, ("woman", "man", "non_binary"), (57, 41.5, 1.5))
        first, last = _name(rng, group, gender, age)
        members = [(first, last, gender, age, group)]
        size = weighted(rng, (1, 2, 3), (81, 15, 4))
        if size >= 2:
            if age != "16-29" and (size == 3 or rng.random() < 0.72):  # a partner
                p_gender = (
                    rng.choice(("woman", "man"))
                    if rng.random() < 0.08
                    else ("man" if gender == "woman" else "woman")
                )
                p_group = (
                    group
                    if rng.random() < 0.88
                    else weighted(rng, list(NAME_GROUP_WEIGHTS), list(NAME_GROUP_WEIGHTS.values()))
                )
                p_first, p_last = _name(rng, p_group, p_gender, age)
                if rng.random() < 0.65:
                    p_last = _same_family(last, p_gender)
                members.append((p_first, p_last, p_gender, age, p_group))
            if len(members) < size and age in ("45-64", "65+"):  # a grown-up child
                c_age = "16-29" if age == "45-64" else "30-44"
                c_gender = weighted(rng, ("woman", "man", "non_binary"), (48, 48, 4))
                c_first, _ = _name(rng, group, c_gender, c_age)
                members.append((c_first, _same_family(last, c_gender), c_gender, c_age, group))
        registered = datetime(2026, 10, 5) + timedelta(
            days=min(weighted(rng, range(40), [1.0 / (1 + d / 4) for d in range(40)]), 39)
        )
        for first, last, gender, age_band, grp in members:
            if len(registrants) >= target and len(members) == 1:
                break
            if rng.random() < 0.82:
                availability = list(sessions)
            else:
                availability = sorted(rng.sample(sessions, rng.choice((1, 2, 2))))
            registrants.append(
                {
                    "first_name": first,
                    "last_name": last,
                    "email": _email(rng, first, last, emails),
                    "phone": f"07700 900{phones.pop():03d}",
                    "address_line": address,
                    "postcode": postcode,
                    "household": f"H{household_no:03d}",
                    "features": {
                        "gender": gender,
                        "age": age_band,
                        "ethnicity": "white" if grp in WHITE_GROUPS else "ethnic_minority",
                        "area": area,
                        "car_access": "yes" if car else "no",
                    },
                    "availability": availability,
                    "registered_at": moment(rng, registered.date()),
                }
            )
            registered += timedelta(hours=rng.randint(0, 30))
    registrants.sort(key=lambda r: r["registered_at"])
    return {
        **plain(TRANSPORT_JURY),
        "panel_size": 24,
        "categories": [{**c, "values": [dict(v) for v in c["values"]]} for c in JURY_CATEGORIES],
        "sessions": plain(TRANSPORT_JURY_SESSIONS),  # each day with its own agenda
        "registrants": registrants,
        "agenda": _transport_agenda(),
    }


def _same_family(surname: str, gender: str) -> str:
    """The family's surname in the form this person would use (Kowalski / Kowalska)."""
    for *_names, surnames in NAME_GROUPS.values():
        for s in surnames:
            if isinstance(s, tuple) and surname in s:
                return _gendered(s, gender)
    return surname


# ---------------------------------------------------------------------------------------
# The finished Citizens' Jury on Climate and Energy.
# ---------------------------------------------------------------------------------------


def _climate_members(rng: random.Random) -> list[dict]:
    """The twenty jurors, as they appear in the published record (first name, initial)."""
    plan = [  # (gender, age, ethnicity, area, car) roughly matching the borough
        ("woman", "16-29", "white", "north", "no"),
        ("man", "16-29", "ethnic_minority", "central", "no"),
        ("woman", "16-29", "white", "south", "yes"),
        ("man", "16-29", "white", "central", "yes"),
        ("woman", "30-44", "ethnic_minority", "central", "no"),
        ("man", "30-44", "white", "north", "yes"),
        ("woman", "30-44", "white", "south", "yes"),
        ("man", "30-44", "white", "south", "yes"),
        ("non_binary", "30-44", "white", "central", "no"),
        ("woman", "45-64", "white", "north", "yes"),
        ("man", "45-64", "ethnic_minority", "south", "yes"),
        ("woman", "45-64", "white", "central", "yes"),
        ("man", "45-64", "white", "north", "yes"),
        ("woman", "45-64", "white", "south", "yes"),
        ("man", "45-64", "white", "central", "yes"),
        ("woman", "65+", "white", "north", "yes"),
        ("man", "65+", "white", "south", "yes"),
        ("woman", "65+", "white", "central", "no"),
        ("man", "65+", "white", "north", "yes"),
        ("woman", "65+", "ethnic_minority", "south", "yes"),
    ]
    members = []
    minority_groups = ("indian", "pakistani_bangladeshi", "black_caribbean", "black_african")
    for gender, age, ethnicity, area, car in plan:
        if ethnicity == "white":
            group = weighted(
                rng, ("white_british", "irish_scottish_welsh", "eastern_european"), (8, 1, 1)
            )
        else:
            group = rng.choice(minority_groups)
        first, last = _name(rng, group, gender, age)
        members.append(
            {
                "display_name": f"{first} {last[0]}.",
                "features": {
                    "gender": gender,
                    "age": age,
                    "ethnicity": ethnicity,
                    "area": area,
                    "car_access": car,
                },
            }
        )
    return members


def finished_jury(seed: int = DEFAULT_SEED) -> dict:
    """The Riverside Citizens' Jury on Climate and Energy: finished and responded to."""
    rng = random.Random(seed + 3)
    panel = 20
    threshold = 0.8
    recommendations = []
    for rec in CLIMATE_RECOMMENDATIONS:
        assert rec["support"] + rec["against"] + rec["abstain"] == panel
        recommendations.append({**rec, "passed": rec["support"] >= threshold * panel})
    return {
        **plain(CLIMATE_JURY),  # title, question, description, sessions, dates
        "panel_size": panel,
        "threshold": threshold,
        "members": _climate_members(rng),
        # the quotas the panel was drawn to, so its make-up can be set against the area
        "categories": [{**c, "values": [dict(v) for v in c["values"]]} for c in JURY_CATEGORIES],
        "recommendations": recommendations,
        "minority_report": dict(CLIMATE_MINORITY_REPORT),
        "council_responses": [
            {**r, "progress": [dict(p) for p in r["progress"]]} for r in CLIMATE_COUNCIL_RESPONSES
        ],
        "ideas": list(CLIMATE_IDEAS),
    }
