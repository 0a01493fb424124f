"""The participatory budgeting blueprint, and what its public and officer pages share."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Blueprint
from flask_babel import gettext

from consult.dates import local_strftime
from consult.i18n import current_language, register_browser_strings
from consult.pb.ballots import choice_name

bp = Blueprint("pb", __name__, url_prefix="/pb")


def pb_strings() -> dict[str, str]:
    """What static/js/pb-ballot.js shows (a ballot's running total), by key, in the page's
    language: the same sentences the ballot templates write, so each is translated once."""
    return {
        "pbChosenLeft": gettext("Chosen so far: %(chosen)s of %(budget)s, %(left)s left."),
        "pbChosenOver": gettext(
            "Chosen so far: %(chosen)s, %(over)s over the budget of %(budget)s."
        ),
        "pbPointsLeft": gettext("Points given so far: %(given)s of %(limit)s, %(left)s left."),
        "pbPointsOver": gettext(
            "Points given so far: %(given)s, %(over)s more than the %(limit)s you have."
        ),
    }


register_browser_strings(bp.name, pb_strings)
# "first choice", "ail ddewis": a ranking ballot's ranks in the page's language
bp.add_app_template_global(choice_name, "pb_choice_name")


def pounds(value: Any, currency: str = "GBP") -> str:
    """Money for reading: £12,000 (or 12,000 EUR for another currency)."""
    number = float(value or 0)
    text = f"{number:,.0f}" if abs(number - round(number)) < 0.005 else f"{number:,.2f}"
    return f"£{text}" if currency == "GBP" else f"{text} {currency}"


@bp.app_template_filter("money")
def money_filter(value: Any, currency: str = "GBP") -> str:
    return pounds(value, currency)


@bp.app_template_filter("pb_date")
def pb_date(value: date | None) -> str:
    """A phase's date in the page's language: 10 December 2026, 10 Rhagfyr 2026."""
    return local_strftime(value, "%-d %B %Y", current_language()) if value else ""


_CURRENCY_AFTER = re.compile(r"(\d[\d,]*(?:\.\d+)?) GBP\b")


@bp.app_template_filter("money_words")
def money_words(text: str) -> str:
    """analysis.pb writes sums as "3,000 GBP"; pages in pounds read "£3,000"."""
    return _CURRENCY_AFTER.sub(lambda match: f"£{match.group(1)}", text)
