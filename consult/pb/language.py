"""A participatory budgeting round in the resident's language (issue 19): its title,
summary and area from their Welsh columns on a Welsh page when an officer filled them,
else the English, inside lang="en-GB", with the visible fallback note
(templates/consultations/_fallback_note.html), as consultations and juries do. Proposals
are residents' own words and show as written."""

from __future__ import annotations

from typing import Any

from consult.i18n import Localised, current_language
from consult.models.pb import PBRound, eligibility_words
from consult.wording import N_

WELSH_FIELDS = ("title", "summary", "area")


class LocalisedPBRound(Localised):
    """A read-only view of a PBRound in the page's language (see consult.i18n.Localised)."""

    TEXT_FIELDS = WELSH_FIELDS

    @property
    def title(self) -> str:
        return self.text("title")

    @property
    def summary(self) -> str:
        return self.text("summary")

    @property
    def area(self) -> str:
        return self.text("area")

    @property
    def eligibility(self) -> str:
        """Who may take part, with the area in the page's language."""
        row = self._row
        return eligibility_words(self.area, row.min_age, row.max_age)


def localised_round(pb_round: PBRound | Any) -> LocalisedPBRound:
    """The round in the current request's language (a view already made is kept)."""
    if isinstance(pb_round, LocalisedPBRound):
        return pb_round
    return LocalisedPBRound(pb_round, current_language())


def missing_welsh(pb_round: PBRound) -> list[str]:
    """The parts of the round with English text and no Welsh version, as the staff round
    page lists them before the round opens."""
    shown = LocalisedPBRound(pb_round, "cy")
    names = {"title": N_("Title"), "summary": N_("Summary"), "area": N_("Area")}
    return [names[field] for field in WELSH_FIELDS if shown.falls_back(field)]
