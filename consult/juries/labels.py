"""A jury's category and answer labels in the page's language (issue 19): the questions
of its registration form ("Age", "16 to 29") have Welsh versions (`label_cy`) the officer
enters on the quotas page or imports from a categories file; a Welsh registrant sees them,
or the English inside lang="en-GB" under the fallback note."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from consult.i18n import Localised, current_language
from consult.juries.rules import PREFER_NOT_TO_SAY
from consult.models import Jury

#: the Welsh label columns of a categories file, beside `category_label` and `name_label`
WELSH_LABEL_COLUMNS = ("category_label_cy", "name_label_cy")


class LocalisedLabel(Localised):
    """A JuryCategory or CategoryValue with its label in the page's language."""

    TEXT_FIELDS = ("label",)

    @property
    def label(self) -> str:
        return self.text("label")


def label_in_language(row: Any) -> Markup:
    """The row's label in the page's language, marked lang="en-GB" when it falls back."""
    return LocalisedLabel(row, current_language()).mark("label")


def label_text(row: Any) -> str:
    """The row's label in the page's language, as plain text (for messages)."""
    return LocalisedLabel(row, current_language()).label


def labelled_rows(jury: Jury) -> list[Any]:
    """The categories and their answers people see on the registration form (the "Prefer
    not to say" answer is the interface's own words, translated with it)."""
    rows: list[Any] = []
    for category in jury.categories:
        rows.append(category)
        rows += [value for value in category.values if value.value != PREFER_NOT_TO_SAY]
    return rows


def labels_fall_back(jury: Jury) -> bool:
    """Whether a Welsh registrant would see some label of `jury` in English."""
    return any(LocalisedLabel(row, "cy").falls_back("label") for row in labelled_rows(jury))


def missing_welsh_labels(jury: Jury) -> list[str]:
    """The labels with no Welsh version, as the officer's pages list them ("Age: 16 to
    29")."""
    missing = []
    for row in labelled_rows(jury):
        if LocalisedLabel(row, "cy").falls_back("label"):
            category = getattr(row, "category", None)
            missing.append(f"{category.label}: {row.label}" if category else row.label)
    return missing
