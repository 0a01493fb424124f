"""Moderation text rules for consultations: personal data redaction and spam/abuse flags.

Pure functions on strings (no Flask, no database), applied when an answer is saved so that
both the original (officers only) and the redacted text (everything shown or published)
are stored."""

from __future__ import annotations

import re
from pathlib import Path

EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# UK numbers: mobiles (07...), +44 / 0044 international, 01/02/03/08 landlines; spaces,
# dashes, dots and brackets allowed between digit groups.
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?44\s?\(?0?\)?|\(?0)"
    r"(?:[\s.-]?\(?\d\)?){9,10}(?!\d)"
)
# A full UK postcode: outward code (area + district) and inward code (sector + unit).
POSTCODE = re.compile(
    r"\b(?:GIR\s?0AA|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?)\s?\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
STREET_WORDS = (
    "road|rd|street|st|lane|ln|avenue|ave|close|drive|dr|way|crescent|place|terrace|"
    "gardens|court|grove|hill|row|walk|square|mews|parade|green|park road|view|rise"
)
ADDRESS = re.compile(
    r"\b(?:(?:flat|apartment|apt|unit)\s+\d+[A-Za-z]?,?\s+)?"
    r"\d{1,4}[A-Za-z]?,?\s+"
    r"(?:[A-Z][a-z]+\s+){1,3}"
    rf"(?:{STREET_WORDS})\b\.?",
    re.IGNORECASE,
)
ADDRESS_NAMED_FLAT = re.compile(r"\b(?:flat|apartment|apt)\s+\d+[A-Za-z]?\b", re.IGNORECASE)

PLACEHOLDERS = {
    "email": "[email]",
    "phone": "[phone]",
    "postcode": "[postcode]",
    "address": "[address]",
    "name": "[name]",
    "ni_number": "[NI number]",
    "nhs_number": "[NHS number]",
    "date_of_birth": "[date of birth]",
}

LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
REPEATED_CHARACTERS = re.compile(r"(\S)\1{9,}")
REPEATED_WORDS = re.compile(r"\b(\w+)(?:\W+\1\b){5,}", re.IGNORECASE)
SPAM_PHRASES = (
    "buy now",
    "click here",
    "free money",
    "cheap pills",
    "work from home and earn",
    "crypto investment",
    "casino bonus",
    "limited time offer",
    "visit my website",
)
# A short list kept deliberately mild in code; matching is on whole words.
ABUSIVE_WORDS = (
    "idiot",
    "idiots",
    "moron",
    "morons",
    "scum",
    "bastard",
    "bastards",
    "crap",
    "shit",
    "fuck",
    "fucking",
    "wanker",
    "wankers",
    "twat",
    "dickhead",
    "tosser",
)
ABUSE = re.compile(r"\b(?:" + "|".join(ABUSIVE_WORDS) + r")\b", re.IGNORECASE)


# Spelt-out e-mail addresses: "jane dot doe at example dot com", "a.khan [at] isp [dot] com".
_SPELT_AT = r"(?:\s*[\[(]\s*at\s*[\])]\s*|\s+at\s+)"
_SPELT_DOT = r"(?:\s*[\[(]\s*dot\s*[\])]\s*|\s+dot\s+)"
_ANY_DOT = rf"(?:{_SPELT_DOT}|\.)"
_TOP_LEVEL = (
    r"(?:com|org|net|uk|gov|edu|info|io|co|me|biz|wales|cymru|scot|ie|eu|ac|nhs|sch|ltd|plc)"
)
SPELT_EMAIL = re.compile(
    rf"(?<![\w.@])[A-Za-z0-9_%+'-]+(?:{_ANY_DOT}[A-Za-z0-9_%+'-]+)*"
    rf"(?:{_SPELT_AT}|\s*@\s*)"
    rf"[A-Za-z0-9-]+(?:{_ANY_DOT}[A-Za-z0-9-]+)*{_ANY_DOT}{_TOP_LEVEL}\b",
    re.IGNORECASE,
)
# National Insurance numbers: two prefix letters (not D, F, I, Q, U, V; not O second),
# six digits, a suffix A-D; some prefixes are never issued.
NI_NUMBER = re.compile(
    r"\b([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b",
    re.IGNORECASE,
)
NI_NEVER_ISSUED = {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}
# NHS numbers: ten digits, often written 3-3-4, whose last digit is a modulus 11 check.
NHS_NUMBER = re.compile(r"(?<![\d+])\d{3}[\s-]?\d{3}[\s-]?\d{4}(?![\d-])")
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTHS}\.?,?\s+\d{{4}}"
    rf"|{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)
# A date is a date of birth only after a cue ("born on", "date of birth", "DOB"): the dates
# of meetings and bus changes in answers are not personal data.
DATE_OF_BIRTH = re.compile(
    r"\b(?:born(?:\s+on)?(?:\s+the)?|date\s+of\s+birth(?:\s+is)?|d\.?\s?o\.?\s?b\.?"
    r"|birthday\s+is(?:\s+on)?(?:\s+the)?)\s*[:-]?\s*"
    rf"({_DATE})(?!\d)",
    re.IGNORECASE,
)


def _is_street_address(match: re.Match[str]) -> bool:
    """Reject numbers that are quantities ("20 more buses way", "a 10 minute walk").

    Capitalised name words before the street word make an address, as people write them;
    in lower case, the words between the number and the street word must not be ordinary
    words, units or street words themselves ("10 minutes down the road", "2 way street"),
    except a lone "the" ("108 the crescent")."""
    words = match.group(0).split()
    name_words = [w.rstrip(",") for w in words if not w.rstrip(",").isdigit() and w[:1].isalpha()]
    street = name_words[-1].rstrip(".").lower() if name_words else ""
    before = [w.lower() for w in name_words[:-1]]
    if before and before[0] in {"flat", "apartment", "apt", "unit"}:
        before = before[2:] if len(before) > 1 and before[1][:1].isdigit() else before[1:]
    if any(w[:1].isupper() for w in name_words[:-1]):
        return True
    if before == ["the"]:
        return street in _PLAIN_STREET_WORDS
    return bool(before) and not any(
        w in _ORDINARY_WORDS or w in _STREET_WORD_SET or w.isdigit() for w in before
    )


_STREET_WORD_SET = set(STREET_WORDS.split("|")) | {"park"}
_PLAIN_STREET_WORDS = {"crescent", "avenue", "green", "parade", "drive", "grove", "mews"}
_DATA = Path(__file__).parent / "data"


def _word_list(name: str) -> frozenset[str]:
    """A word list from ``data/``: one lower-case entry per line, ``#`` starts a comment."""
    lines = (_DATA / name).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


_FUNCTION_WORDS = _word_list("function_words.txt")
_ORDINARY_WORDS = _FUNCTION_WORDS | {
    # units, quantities and words that follow numbers in answers
    "minute",
    "minutes",
    "min",
    "mins",
    "hour",
    "hours",
    "hr",
    "hrs",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "mile",
    "miles",
    "mph",
    "km",
    "metre",
    "metres",
    "meter",
    "meters",
    "yard",
    "yards",
    "foot",
    "feet",
    "times",
    "percent",
    "pound",
    "pounds",
    "more",
    "extra",
    "new",
    "less",
    "fewer",
    "lane",
    "lanes",
    "bus",
    "buses",
    "car",
    "cars",
    "bed",
    "bedroom",
    "star",
    "storey",
    "story",
    "seater",
    "way",
    "main",
    "major",
    "minor",
    "single",
    "double",
    "dual",
    "narrow",
    "wide",
    "busy",
    "quiet",
}


# --- names ---------------------------------------------------------------------------
# Names are found by what surrounds them, as a reader would: a cue ("my name is", "I'm",
# "my son", a title such as "Mrs"), a sign-off at the end ("Kind regards, Jane Smith"), or
# a common first name followed by a capitalised surname. A list of first names alone
# would remove "Rose Hill" and "Victoria Park"; so would capitalised pairs alone.
_FIRST_NAMES = _word_list("first_names.txt")
_WORD = r"[^\W\d_][^\W\d_]*(?:['’-][^\W\d_]+)*"
_CAPITALISED = r"(?:[^\W\d_a-z][^\W\d_]*(?:['’-][^\W\d_]+)*)"
_PARTICLE = r"(?:ap|ab|de|van|von|der|le|la|di|da|bin|al|el)"
# A capitalised name of one to three words, with particles ("Owain ap Gwilym").
_FULL_NAME = rf"{_CAPITALISED}(?:[ \t]+(?:{_PARTICLE}[ \t]+)?{_CAPITALISED}){{0,2}}"
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Rev|Revd)\.?"
_INITIALS = r"(?:[A-Z]\.?[ \t]+){1,2}"
TITLED_NAME = re.compile(rf"\b{_TITLE}[ \t]+(?:{_INITIALS})?({_FULL_NAME})")
NAME_CUE = re.compile(
    r"\b(?:my\s+name\s+is|my\s+name's|i\s+am|i'm|i’m|this\s+is|signed|speaking\s+as\s+a\s+\w+,)"
    rf"[ \t,:]+(?:{_TITLE}[ \t]+)?({_WORD}(?:[ \t]+{_WORD}){{0,3}})",
    re.IGNORECASE,
)
RELATION_CUE = re.compile(
    r"\b(?:[Mm]y|[Oo]ur)\s+(?:[a-z]+\s+)?(?:son|daughter|husband|wife|partner|neighbour|"
    r"neighbor|mum|mother|mam|dad|father|brother|sister|grandson|granddaughter|grandmother|"
    r"grandfather|nan|grandad|carer|friend|child|boy|girl|uncle|aunt|aunty|auntie|cousin|"
    r"niece|nephew|landlord|landlady|tenant|lodger),?"
    rf"[ \t]+({_FULL_NAME})"
)
SIGN_OFF = re.compile(
    r"(?:^|(?<=[.!?\n]))[ \t]*(?i:kind\s+regards|warm\s+regards|best\s+regards|regards|"
    r"best\s+wishes|many\s+thanks|thanks|thank\s+you|cheers|yours\s+sincerely|"
    r"yours\s+faithfully|sincerely|best|love|signed)[ \t]*[,.!:-]?\s+"
    rf"((?:{_TITLE}[ \t]+)?{_FULL_NAME}(?:[ \t]+(?:and|&)[ \t]+{_FULL_NAME})?)"
    r"[ \t]*(?=$|\n|[,(])",
)
DASH_SIGN_OFF = re.compile(rf"(?:^|\s)[-–—][ \t]*({_FULL_NAME})[ \t]*$")
# The surname is in a lookahead so that "Contact Sophie Turner" is tried at "Sophie" too.
FIRST_AND_SURNAME = re.compile(
    rf"\b({_CAPITALISED})(?=[ \t]+((?:{_PARTICLE}[ \t]+)?{_CAPITALISED}))"
)
_NOT_SURNAMES = _word_list("not_surnames.txt")
_NOT_NAME_WORDS = _FUNCTION_WORDS | _word_list("not_name_words.txt")
_PARTICLES = {"ap", "ab", "de", "van", "von", "der", "le", "la", "di", "da", "bin", "al", "el"}


def _is_name(words: list[str]) -> bool:
    """Words after a cue are a name when none is an ordinary word ("I am not sure")."""
    return bool(words) and all(
        w.lower().strip("'’.,") not in _NOT_NAME_WORDS or w.lower() in _PARTICLES for w in words
    )


def _capitalised_prefix(words: list[str]) -> list[str]:
    taken: list[str] = []
    for word in words:
        if word[:1].isupper() or (taken and word.lower() in _PARTICLES):
            taken.append(word)
        else:
            break
    while taken and taken[-1].lower() in _PARTICLES:
        taken.pop()
    return taken


def _cued_name(phrase: str, *, lower_case_allowed: bool) -> list[str]:
    """The name at the start of ``phrase``: its capitalised words, or (after "my name is")
    a known first name in lower case and the surname after it ("chloe evans")."""
    words = phrase.split()
    taken = _capitalised_prefix(words)
    if taken or not lower_case_allowed or not words or words[0].lower() not in _FIRST_NAMES:
        return taken
    taken = [words[0]]
    if len(words) > 1 and words[1].lower() not in _NOT_NAME_WORDS:
        taken.append(words[1])
    return taken


def _span_of(text: str, start: int, words: list[str]) -> tuple[int, int]:
    """Where ``words`` (split from text[start:]) end, keeping the original spacing."""
    end = start
    for word in words:
        end = text.index(word, end) + len(word)
    return (start, end)


def _name_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for match in TITLED_NAME.finditer(text):
        words = _capitalised_prefix(match.group(1).split())
        if _is_name(words[:1]):
            # The title and any initials go too ("Mrs J. Hargreaves").
            spans.append((match.start(), _span_of(text, match.start(1), words)[1]))
    for match in NAME_CUE.finditer(text):
        cue = match.group(0).lower()
        name_cue = cue.startswith(("my name", "signed"))
        words = _cued_name(match.group(1), lower_case_allowed=name_cue)
        if not _is_name(words):
            continue
        if not name_cue and words[0].lower() not in _FIRST_NAMES:
            continue  # "I am Happy", "This is Scandalous"
        spans.append(_span_of(text, match.start(1), words))
    for match in RELATION_CUE.finditer(text):
        words = _capitalised_prefix(match.group(1).split())
        if _is_name(words):
            spans.append(_span_of(text, match.start(1), words))
    for pattern in (SIGN_OFF, DASH_SIGN_OFF):
        for match in pattern.finditer(text):
            offset = match.start(1)
            for part in re.split(r"([ \t]+(?:and|&)[ \t]+)", match.group(1)):
                words = [w for w in part.split() if not re.fullmatch(_TITLE, w)]
                if part.strip().lower() not in {"and", "&"} and _is_name(words):
                    spans.append((offset, offset + len(part)))
                offset += len(part)
    for match in FIRST_AND_SURNAME.finditer(text):
        first, surname = match.group(1), match.group(2).split()[-1]
        if (
            first.lower() in _FIRST_NAMES
            and surname.lower() not in _NOT_SURNAMES
            and surname.lower() not in _NOT_NAME_WORDS
        ):
            spans.append((match.start(1), match.end(2)))
    return spans


def _nhs_number_is_valid(digits: str) -> bool:
    total = sum(int(digit) * (10 - position) for position, digit in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _spelt_email_ok(candidate: str) -> bool:
    """A spelt-out address needs "at" or "dot" spelt out; and where "at" is a bare word, a
    local part that looks like one ("mike.b", "k_osei") or a spelt "dot" in the domain:
    "have a look at riverside.gov.uk" is a web address, not an e-mail address."""
    lowered = candidate.lower()
    spelt_dot = re.search(r"[\[(]\s*dot\s*[\])]|\sdot\s", lowered)
    if "@" in candidate:
        return bool(spelt_dot)  # a plain address is EMAIL's
    if re.search(r"[\[(]\s*at\s*[\])]", lowered):
        return True
    local, _at, domain = re.split(r"(\s+at\s+)", candidate, maxsplit=1, flags=re.IGNORECASE)
    return bool(re.search(r"\sdot\s", domain.lower())) or bool(re.search(r"[._\d]", local))


def _spans(text: str) -> list[tuple[int, int, str]]:
    """Every piece of personal data found in ``text``, as (start, end, kind)."""
    found = [(m.start(), m.end(), "email") for m in EMAIL.finditer(text)]
    found += [
        (m.start(), m.end(), "email")
        for m in SPELT_EMAIL.finditer(text)
        if _spelt_email_ok(m.group(0))
    ]
    found += [
        (m.start(), m.end(), "nhs_number")
        for m in NHS_NUMBER.finditer(text)
        if _nhs_number_is_valid(re.sub(r"\D", "", m.group(0)))
    ]
    found += [
        (m.start(), m.end(), "ni_number")
        for m in NI_NUMBER.finditer(text)
        if m.group(1).upper() not in NI_NEVER_ISSUED
    ]
    found += [(m.start(), m.end(), "postcode") for m in POSTCODE.finditer(text)]
    found += [(m.start(1), m.end(1), "date_of_birth") for m in DATE_OF_BIRTH.finditer(text)]
    found += [(m.start(), m.end(), "phone") for m in PHONE.finditer(text)]
    addresses = [
        (m.start(), m.end(), "address") for m in ADDRESS.finditer(text) if _is_street_address(m)
    ]
    if addresses:
        found += addresses
        found += [(m.start(), m.end(), "address") for m in ADDRESS_NAMED_FLAT.finditer(text)]
    found += [(start, end, "name") for start, end in _name_spans(text)]
    return found


_PRIORITY = {
    kind: rank
    for rank, kind in enumerate(
        (
            "email",
            "nhs_number",
            "ni_number",
            "postcode",
            "date_of_birth",
            "phone",
            "address",
            "name",
        )
    )
}


def _merge(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping spans. Where two overlap, they become one span covering both (so no
    fragment of personal data is left), named for the kind found first in this order:
    e-mail, NHS number, NI number, postcode, date of birth, phone, address, name."""
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(found):
        if merged and start < merged[-1][1]:
            last_start, last_end, last_kind = merged[-1]
            best = min(last_kind, kind, key=_PRIORITY.__getitem__)
            merged[-1] = (last_start, max(last_end, end), best)
            continue
        merged.append((start, end, kind))
    return merged


def personal_data_spans(text: str) -> list[tuple[int, int, str]]:
    """Where personal data is in ``text``: sorted, non-overlapping (start, end, kind)."""
    return _merge(_spans(text))


def redact(text: str) -> tuple[str, list[str]]:
    """Replace personal data with placeholders: e-mail addresses (also spelt out), UK phone
    numbers, postcodes, street addresses, names, National Insurance and NHS numbers, and
    dates of birth. Returns the redacted text and the kinds of data found (sorted)."""
    spans = personal_data_spans(text)
    pieces: list[str] = []
    position = 0
    for start, end, kind in spans:
        pieces.append(text[position:start])
        pieces.append(PLACEHOLDERS[kind])
        position = end
    pieces.append(text[position:])
    return "".join(pieces), sorted({kind for _start, _end, kind in spans})


def flags_for(text: str) -> list[str]:
    """Moderation flags for a text: "spam" (three or more links, long runs of a repeated
    character or word, known spam phrases) and "abusive" (a small word list)."""
    flags = []
    lowered = text.lower()
    if (
        len(LINK.findall(text)) >= 3
        or REPEATED_CHARACTERS.search(text)
        or REPEATED_WORDS.search(text)
        or any(phrase in lowered for phrase in SPAM_PHRASES)
    ):
        flags.append("spam")
    if ABUSE.search(text):
        flags.append("abusive")
    return flags


def moderate(text: str) -> tuple[str, list[str]]:
    """Redacted text and every flag: the moderation flags plus "pii:<kind>" for each kind of
    personal data that was removed."""
    redacted, found = redact(text)
    return redacted, flags_for(text) + [f"pii:{kind}" for kind in found]
