"""The demo council's content, as plain data: Riverside Borough Council (fictional).

The front of a pure generator (standard library and PyYAML, no app): the prose, names and
lists are the data files of consult/demo/data/, read once by `prose`; `residents` composes
the consultations' responses and `juries` the juries. Every function is deterministic for
a given seed and returns plain dicts and lists with ISO 8601 strings for dates and times
(naive, meaning UK local time); the loader in the app turns them into rows.

- `open_consultation()`   "Riverside 2030: your town, your say", open, ~340 responses
- `closed_consultation()` "Millbrook Park masterplan", closed 2026-09-30, ~150 responses
- `jury()`                the Citizens' Jury on Transport: quotas, 240 registrants, agenda
- `finished_jury()`       the Citizens' Jury on Climate and Energy: recommendations, votes,
                          a minority report, council responses with progress, ideas
- `staff()`               demo staff accounts (no passwords here)

Free text is composed from the hand-written fragment pools in the data files (per question: several
sub-themes of unequal size, each with specific points, reasons and very short answers),
wrapped in openings and closings that depend on a hidden persona (age, children, car,
disability, tenure) and a tone, then lightly roughened (lower case, typos). About forty
whole answers are written out in full, including personal data to redact, abuse and spam
for moderation, and organisations' responses; one organised campaign ("Save Our Weekly
Bins") answers the bins question from a template letter.

Each response also carries `_labels` (the themes its free text was composed from, and
whether it is campaign, hand-written, personal-data or abuse/spam text): ground truth for
tests and benchmarks, not something to load or show.

All names, places, postcodes (RV1-RV6), phone numbers (Ofcom's 07700 900xxx drama range),
e-mail addresses (example.org/.com) and web addresses (.example) are fictional.
"""

from __future__ import annotations

from consult.demo.juries import finished_jury, jury
from consult.demo.prose import DEFAULT_SEED, STAFF, plain
from consult.demo.residents import closed_consultation, open_consultation

__all__ = [
    "DEFAULT_SEED",
    "closed_consultation",
    "finished_jury",
    "jury",
    "open_consultation",
    "staff",
]


# ---------------------------------------------------------------------------------------
# Staff.
# ---------------------------------------------------------------------------------------


def staff() -> list[dict]:
    """The demo staff accounts. Passwords are the loader's business, never stored here."""
    return plain(STAFF)
