"""Population margins: which dimensions and categories they may have (the about-you
questions' own options), checking them, reading them from CSV, and saving them."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext, ngettext
from sqlalchemy import select

from analysis.weights import Margins, MarginsError
from consult.consultations.about_you import ABOUT_YOU_CHOICES, ABOUT_YOU_LABELS, POSTCODE_DISTRICT
from consult.errors import Invalid, NotPermitted
from consult.extensions import db
from consult.models import AuditEntry, PopulationMargins, audit

SUM_SLACK = 0.5  # percentage points: shares of a dimension must add up to 100 +/- this
MAX_CSV_BYTES = 200_000
FIRST_YEAR, LAST_YEAR = 1800, 2100


@dataclass(frozen=True)
class Dimension:
    """An about-you question that margins can describe; `categories` is None for the area
    (postcode districts, any that match the pattern)."""

    name: str
    label: str
    categories: tuple[tuple[str, str], ...] | None

    def category_label(self, value: str) -> str:
        if self.categories is None:
            return value
        return dict(self.categories).get(value, value)


DIMENSIONS: dict[str, Dimension] = {
    name: Dimension(
        name,
        {
            "age_band": "Age",
            "gender": "Gender",
            "ethnicity": "Ethnic group",
            "disability": "Disability or long-term condition",
        }.get(name, ABOUT_YOU_LABELS[name]),
        tuple(choice for choice in choices if choice[0] != "prefer_not_to_say"),
    )
    for name, choices in ABOUT_YOU_CHOICES.items()
}
DIMENSIONS["area"] = Dimension("area", "Area (postcode district)", None)
#: The about-you field each dimension is read from.
PROFILE_FIELD = {**{name: name for name in ABOUT_YOU_CHOICES}, "area": "postcode_district"}

_GROUPS = {
    ("gender", "woman"): "women",
    ("gender", "man"): "men",
    ("gender", "non_binary"): "non-binary people",
    ("gender", "self_describe"): "people who describe their gender another way",
    ("ethnicity", "asian"): "Asian or Asian British people",
    ("ethnicity", "black"): "Black, Black British, Caribbean or African people",
    ("ethnicity", "mixed"): "people of mixed or multiple ethnic groups",
    ("ethnicity", "white"): "White people",
    ("ethnicity", "other"): "people of another ethnic group",
    ("disability", "yes"): "disabled people (or with a long-term condition)",
    ("disability", "no"): "people with no disability",
}


def group_name(dimension: str, category: str) -> str:
    """Plain words for the people in one category, for sentences ("people aged 16 to 24")."""
    if dimension == "age_band":
        return f"people aged {DIMENSIONS['age_band'].category_label(category)}"
    if dimension == "area":
        return f"people living in {category}"
    return _GROUPS.get((dimension, category), f"people in '{category}'")


def check_shares(shares: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    """Margins as fractions summing to 1 per dimension, from percentages (or fractions).

    Raises Invalid naming each dimension that is unknown, has a category that is not one of
    its about-you options, or whose shares do not add up to 100% within rounding."""
    fields: dict[str, str] = {}
    checked: dict[str, dict[str, float]] = {}
    if not shares:
        raise Invalid(
            gettext("Enter the shares for at least one dimension."),
            fields={"shares": gettext("Empty")},
        )
    for name, categories in shares.items():
        dimension = DIMENSIONS.get(name)
        if dimension is None:
            fields[name] = gettext(
                "'%(name)s' is not one of the about-you questions: use %(known)s",
                name=name,
                known=", ".join(DIMENSIONS),
            )
            continue
        known = {value for value, _ in dimension.categories or ()}
        wrong = [
            category
            for category in categories
            if (dimension.categories is not None and category not in known)
            or (dimension.categories is None and not POSTCODE_DISTRICT.match(category))
        ]
        if wrong:
            allowed = (
                ", ".join(sorted(known))
                if dimension.categories is not None
                else gettext("postcode districts like RV2")
            )
            fields[name] = ngettext(
                "%(dimension)s: %(wrong)s is not among the about-you options (%(allowed)s)",
                "%(dimension)s: %(wrong)s are not among the about-you options (%(allowed)s)",
                len(wrong),
                dimension=dimension.label,
                wrong=", ".join(repr(c) for c in wrong),
                allowed=allowed,
            )
            continue
        try:
            numbers = {category: float(share) for category, share in categories.items()}
        except (TypeError, ValueError):
            fields[name] = gettext(
                "%(dimension)s: every share must be a number", dimension=dimension.label
            )
            continue
        if any(value < 0 or value != value for value in numbers.values()):
            fields[name] = gettext(
                "%(dimension)s: shares cannot be negative", dimension=dimension.label
            )
            continue
        total = sum(numbers.values())
        as_percent = total if total > 1 + SUM_SLACK / 100 else total * 100
        if abs(as_percent - 100) > SUM_SLACK:
            fields[name] = gettext(
                "%(dimension)s: the shares add up to %(total)s%%, not 100%%",
                dimension=dimension.label,
                total=f"{as_percent:.1f}",
            )
            continue
        try:
            margins = Margins.from_mapping({name: numbers})
        except MarginsError as error:
            fields[name] = f"{dimension.label}: {error}"
            continue
        checked[name] = dict(margins.shares[name])
    if fields:
        names = ", ".join(DIMENSIONS[n].label if n in DIMENSIONS else n for n in fields)
        raise Invalid(gettext("Check the shares for: %(names)s.", names=names), fields=fields)
    return checked


def read_csv(data: bytes) -> dict[str, dict[str, float]]:
    """Rows of `dimension,category,share` (share in % or as a fraction) as a nested dict.
    Raises Invalid for a file that is not such a CSV, naming the row."""
    if not data:
        raise Invalid(gettext("Choose a CSV file."), fields={"file": gettext("Choose a CSV file")})
    if len(data) > MAX_CSV_BYTES:
        raise Invalid(
            gettext("The file is too big."),
            fields={"file": gettext("The file must be under 200 KB")},
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(
            gettext("The file is not a CSV."),
            fields={"file": gettext("Save the file as CSV (UTF-8)")},
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    columns = {(c or "").strip().lower() for c in reader.fieldnames or []}
    if not {"dimension", "category", "share"} <= columns:
        raise Invalid(
            gettext("The file needs the columns dimension, category and share."),
            fields={"file": gettext("The first row must be: dimension,category,share")},
        )
    nested: dict[str, dict[str, float]] = {}
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        dimension, category, share = row["dimension"], row["category"], row["share"]
        if not dimension and not category and not share:
            continue
        try:
            value = float(share.rstrip("%"))
        except ValueError:
            raise Invalid(
                gettext(
                    "Row %(row)s: the share %(share)s is not a number.",
                    row=number,
                    share=repr(share),
                ),
                fields={
                    "file": gettext(
                        "Row %(row)s: the share %(share)s is not a number",
                        row=number,
                        share=repr(share),
                    )
                },
            ) from None
        if not dimension or not category:
            raise Invalid(
                gettext("Row %(row)s has no dimension or category.", row=number),
                fields={
                    "file": gettext("Row %(row)s: give a dimension and a category", row=number)
                },
            )
        if category in nested.setdefault(dimension, {}):
            twice = gettext(
                "Row %(row)s: %(dimension)s lists %(category)s twice",
                row=number,
                dimension=dimension,
                category=category,
            )
            raise Invalid(twice + ".", fields={"file": twice})
        nested[dimension][category] = value
    return nested


def check_details(area: str, source: str, year: str | int) -> tuple[str, str, int]:
    """The area name (blank: the whole council), the source and the year, checked."""
    fields: dict[str, str] = {}
    area, source = (area or "").strip(), (source or "").strip()
    if len(area) > 120:
        fields["area_name"] = gettext("The area's name must be 120 characters or fewer")
    if not source:
        fields["source"] = gettext(
            "Enter where the figures come from, like 'Census 2021, table TS007A'"
        )
    elif len(source) > 300:
        fields["source"] = gettext("The source must be 300 characters or fewer")
    try:
        number = int(str(year).strip())
        if not FIRST_YEAR <= number <= LAST_YEAR:
            raise ValueError
    except ValueError:
        fields["year"] = gettext("Enter the year the figures are for, like 2021")
        number = 0
    if fields:
        raise Invalid(gettext("Check the details of the figures."), fields=fields)
    return area, source, number


def save_margins(
    *, area: str, source: str, year: str | int, shares: Mapping[str, Mapping[str, Any]], actor: Any
) -> PopulationMargins:
    """Create or replace the margins of `area` (blank: the whole council). Officers only.
    Raises Invalid (nothing changed) for bad details or shares. Flushes."""
    if not actor.has_role("officer"):
        raise NotPermitted(gettext("Only officers can change population figures."))
    errors: dict[str, str] = {}
    try:
        area, source, number = check_details(area, source, year)
    except Invalid as error:
        errors.update(error.fields)
    try:
        checked = check_shares(shares)
    except Invalid as error:
        errors.update(error.fields)
    if errors:
        raise Invalid(gettext("Nothing was saved: check the figures."), fields=errors)
    margins = db.session.scalar(select(PopulationMargins).where(PopulationMargins.area == area))
    if margins is None:
        margins = PopulationMargins(area=area, created_by_id=actor.id)
        db.session.add(margins)
    margins.source, margins.year, margins.shares = source, number, checked
    audit("population_margins.saved", actor=actor, subject=margins, dimensions=sorted(checked))
    return margins


def delete_margins(margins: PopulationMargins, *, actor: Any) -> None:
    """Remove one set of margins (consultations using it fall back to the council's)."""
    if not actor.has_role("officer"):
        raise NotPermitted(gettext("Only officers can change population figures."))
    AuditEntry.record("population_margins.deleted", actor=actor, subject=margins, area=margins.area)
    db.session.delete(margins)
    db.session.flush()


def all_margins() -> list[PopulationMargins]:
    return list(db.session.scalars(select(PopulationMargins).order_by(PopulationMargins.area)))


def council_margins() -> PopulationMargins | None:
    return db.session.scalar(select(PopulationMargins).where(PopulationMargins.area == ""))


def form_shares(form: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Shares from the entry form: fields `share-<dimension>-<category>` in percent and,
    for the area, lines of `DISTRICT PERCENT` in `area-lines`. A dimension left wholly blank
    is left out; a blank box in a dimension that has figures counts as 0."""
    shares: dict[str, dict[str, str]] = {}
    for name, dimension in DIMENSIONS.items():
        if dimension.categories is None:
            continue
        given = {
            value: (form.get(f"share-{name}-{value}") or "").strip()
            for value, _ in dimension.categories
        }
        if any(given.values()):
            shares[name] = {value: text or "0" for value, text in given.items()}
    lines = [line.strip() for line in (form.get("area-lines") or "").splitlines() if line.strip()]
    if lines:
        area: dict[str, str] = {}
        for line in lines:
            parts = line.replace(",", " ").replace("%", " ").split()
            district = parts[0].upper() if parts else ""
            area[district] = parts[1] if len(parts) == 2 else "not a number"
        shares["area"] = area
    return shares
