"""The demo council's bilingual consultation (issue 19): "Library opening hours" /
"Oriau agor y llyfrgelloedd", every text in English and Welsh (title, summary, background,
each question, hint and option), and a few responses, some answered in Welsh. Plain data,
like content.py; the loader turns it into rows. Riverside and its places are fictional."""

from __future__ import annotations

from typing import Any

SLUG = "library-opening-hours"

BACKGROUND = """## Why we are asking

Riverside's four libraries are open 38 hours a week, mostly on weekdays. We can keep the
same hours but move them, so that more people can come when they are free.

## What happens next

We will publish what we heard, and the new opening hours, in February 2027."""

BACKGROUND_CY = """## Pam rydym yn gofyn

Mae pedair llyfrgell Riverside ar agor 38 awr yr wythnos, yn ystod yr wythnos yn bennaf.
Gallwn gadw'r un oriau ond eu symud, fel y gall mwy o bobl ddod pan fyddant yn rhydd.

## Beth sy'n digwydd nesaf

Byddwn yn cyhoeddi'r hyn a glywsom, a'r oriau agor newydd, ym mis Chwefror 2027."""


def _question(
    key: str,
    kind: str,
    prompt: tuple[str, str],
    *,
    hint: tuple[str, str] = ("", ""),
    options: tuple[tuple[str, str, str], ...] = (),
    **settings: Any,
) -> dict[str, Any]:
    """A question spec as the loader reads it, from (English, Welsh) pairs and options as
    (value, English label, Welsh label)."""
    spec: dict[str, Any] = {"key": key, "type": kind, "prompt": prompt[0], "prompt_cy": prompt[1]}
    if hint[0]:
        spec |= {"hint": hint[0], "hint_cy": hint[1]}
    if options:
        spec["options"] = [{"value": value, "label": label} for value, label, _ in options]
        spec["options_cy"] = [welsh for _, _, welsh in options]
    return spec | settings


QUESTIONS: list[dict[str, Any]] = [
    _question(
        "visits",
        "single_choice",
        (
            "How often do you visit a Riverside library?",
            "Pa mor aml ydych chi'n ymweld â llyfrgell yn Riverside?",
        ),
        options=(
            ("weekly", "Every week", "Bob wythnos"),
            ("monthly", "Every month", "Bob mis"),
            ("rarely", "A few times a year", "Ychydig o weithiau'r flwyddyn"),
            ("never", "Never", "Byth"),
        ),
        required=True,
    ),
    _question(
        "times",
        "multiple_choice",
        (
            "When would you most like the libraries to be open?",
            "Pryd yr hoffech i'r llyfrgelloedd fod ar agor fwyaf?",
        ),
        hint=("Select all that apply.", "Dewiswch bob un sy'n berthnasol."),
        options=(
            ("mornings", "Early mornings, 8am to 10am", "Yn gynnar yn y bore, 8yb i 10yb"),
            ("evenings", "Evenings, 5pm to 8pm", "Gyda'r nos, 5yh i 8yh"),
            ("saturdays", "Saturdays", "Dydd Sadwrn"),
            ("sundays", "Sundays", "Dydd Sul"),
        ),
    ),
    _question(
        "welsh",
        "likert",
        (
            "The libraries offer enough books and events in Welsh.",
            "Mae'r llyfrgelloedd yn cynnig digon o lyfrau a digwyddiadau yn Gymraeg.",
        ),
    ),
    _question(
        "ideas",
        "free_text",
        (
            "What would make you use the libraries more?",
            "Beth fyddai'n gwneud i chi ddefnyddio'r llyfrgelloedd yn fwy?",
        ),
        hint=(
            "For example, events, space to study or more books in Welsh.",
            "Er enghraifft, digwyddiadau, lle i astudio neu ragor o lyfrau Cymraeg.",
        ),
        max_length=1000,
    ),
]

RESPONSES: list[dict[str, Any]] = [
    {
        "submitted_at": "2026-11-09T19:12:00",
        "language": "cy",
        "answers": {
            "visits": "weekly",
            "times": ["evenings", "saturdays"],
            "welsh": 2,
            "ideas": "Mwy o lyfrau Cymraeg i blant, a sesiynau stori ar fore Sadwrn.",
        },
    },
    {
        "submitted_at": "2026-11-11T08:40:00",
        "language": "cy",
        "answers": {
            "visits": "monthly",
            "times": ["mornings"],
            "welsh": 3,
            "ideas": "Byddai agor yn gynnar yn help mawr cyn mynd i'r gwaith.",
        },
    },
    {
        "submitted_at": "2026-11-14T13:05:00",
        "answers": {
            "visits": "rarely",
            "times": ["sundays", "saturdays"],
            "welsh": 4,
            "ideas": "Quiet space to study at weekends, with reliable wifi.",
        },
    },
    {
        "submitted_at": "2026-11-20T17:30:00",
        "answers": {"visits": "never", "times": ["evenings"], "welsh": 3},
    },
]


def bilingual_consultation() -> dict[str, Any]:
    """The consultation as the loader reads it (the same keys as open_consultation's,
    with `*_cy` beside each text and `language` on each response)."""
    return {
        "slug": SLUG,
        "title": "Library opening hours",
        "title_cy": "Oriau agor y llyfrgelloedd",
        "summary": "Tell us when you would like Riverside's libraries to be open.",
        "summary_cy": "Dywedwch wrthym pryd yr hoffech i lyfrgelloedd Riverside fod ar agor.",
        "background": BACKGROUND,
        "background_cy": BACKGROUND_CY,
        "status": "open",
        "opens_at": "2026-11-02T09:00:00",
        "closes_at": "2027-01-29T23:59:00",
        "documents": [],
        "questions": QUESTIONS,
        "responses": RESPONSES,
    }
