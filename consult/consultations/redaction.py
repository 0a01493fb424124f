"""Moderation text rules for consultations: personal data redaction and spam/abuse flags.

Pure functions on strings (no Flask, no database), applied when an answer is saved so that
both the original (officers only) and the redacted text (everything shown or published)
are stored."""

from __future__ import annotations

import re

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


def _is_street_address(match: re.Match[str]) -> bool:
    """Reject numbers that are quantities ("20 more buses way") by requiring capitalised
    name words before the street word, as people write addresses."""
    words = match.group(0).split()
    name_words = [w for w in words if not w.rstrip(",").isdigit() and w[:1].isalpha()]
    return any(w[:1].isupper() for w in name_words)


def redact(text: str) -> tuple[str, list[str]]:
    """Replace emails, UK phone numbers, full UK postcodes and street addresses with
    placeholders. Returns the redacted text and the kinds of data found (sorted)."""
    found: set[str] = set()

    def replace(kind: str):  # type: ignore[no-untyped-def]
        def substitute(match: re.Match[str]) -> str:
            if kind == "address" and not _is_street_address(match):
                return match.group(0)
            found.add(kind)
            return PLACEHOLDERS[kind]

        return substitute

    result = EMAIL.sub(replace("email"), text)
    result = POSTCODE.sub(replace("postcode"), result)
    result = PHONE.sub(replace("phone"), result)
    result = ADDRESS.sub(replace("address"), result)
    if "address" in found:
        result = ADDRESS_NAMED_FLAT.sub(replace("address"), result)
    return result, sorted(found)


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
