"""Wording shared by every page and flash message: a count with its noun in the right
number ("1 answer", "2 answers", "1 person", "3 people"), never "answer(s)". Registered
as the Jinja filter `plural` by the app factory."""

from __future__ import annotations


def N_(text: str) -> str:
    """Mark `text` for the translation catalogues without translating it here: for labels
    kept in English in data structures (exports, staff pages) and translated where a
    resident's page shows them, with `_(label)` in the template (docs/translations.md)."""
    return text


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`count` and the noun that fits it: `plural(1, "answer")` is "1 answer",
    `plural(3, "person", "people")` is "3 people". Without `plural_form`, the plural adds
    "s" (or "es" after s, x, z, ch and sh). Counts over 999 get thousands separators."""
    count = int(count or 0)  # a template may hand over None for "none yet"
    if count == 1:
        return f"1 {singular}"
    if plural_form is None:
        ending = "es" if singular.endswith(("s", "x", "z", "ch", "sh")) else "s"
        plural_form = singular + ending
    return f"{count:,} {plural_form}"


def noun(count: int, singular: str, plural_form: str | None = None) -> str:
    """Only the noun that fits `count` ("is"/"are" style choices too): `noun(1, "was",
    "were")` is "was"."""
    return plural(count, singular, plural_form).split(" ", 1)[1]
