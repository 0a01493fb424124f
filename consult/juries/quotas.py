"""Citizens' juries: categories and quotas, and the plain pool the selection library reads
(`build_pool`, `check_quotas`). Verbs take `actor=`, audit and flush; the caller commits."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from analysis.io import csv_records
from analysis.sortition import (
    Categories,
    FeasibilityReport,
    Quota,
    Relaxation,
    Respondent,
    Respondents,
    SelectionInputError,
    categories_to_csv,
    check_feasibility,
    parse_categories,
    parse_category_labels,
)
from consult.cells import safe_csv
from consult.errors import Conflict, Invalid
from consult.extensions import db
from consult.juries.labels import WELSH_LABEL_COLUMNS
from consult.juries.rules import (
    ELIGIBLE_STATUSES,
    HOUSEHOLD_COLUMN,
    PREFER_NOT_TO_SAY,
    PREFER_NOT_TO_SAY_LABEL,
    _clean,
    _refuse_after_panel,
    _require_staff,
    value_name,
)
from consult.models import (
    AuditEntry,
    CategoryValue,
    Jury,
    JuryCategory,
    Registrant,
    audit,
)

# --- quotas ----------------------------------------------------------------------------------


def add_category(
    jury: Jury,
    *,
    label: str,
    values: Sequence[str],
    name: str | None = None,
    actor: Any,
    prefer_not_to_say: bool = True,
) -> JuryCategory:
    """A demographic category with its values (quotas 0 until set). `values` are labels;
    a "Prefer not to say" value is added (quota 0 to 1) unless asked not to."""
    _require_staff(actor, "officer")
    _refuse_after_panel(jury, "the categories", field="label")
    label = _clean(label)
    name = value_name(name or label)
    if not name:
        raise Invalid(
            gettext("Give the category a name."),
            fields={"label": gettext("Give the category a name")},
        )
    if any(category.name == name for category in jury.categories):
        raise Invalid(
            gettext("There is already a category with that name."),
            fields={"label": gettext("There is already a category with that name")},
        )
    labels = [_clean(v) for v in values if _clean(v)]
    if len(labels) < 2:
        raise Invalid(
            gettext("A category needs at least two answers."),
            fields={"values": gettext("Enter at least two answers, one per line")},
        )
    names = [value_name(v) for v in labels]
    if len(set(names)) != len(names) or not all(names):
        raise Invalid(
            gettext("Each answer must be different."),
            fields={"values": gettext("Each answer must be different")},
        )
    category = JuryCategory(name=name, label=label, position=len(jury.categories))
    for position, (value, value_label) in enumerate(zip(names, labels, strict=True)):
        category.values.append(
            CategoryValue(
                value=value,
                label=value_label,
                position=position,
                min_count=0,
                max_count=jury.panel_size,
            )
        )
    if prefer_not_to_say and PREFER_NOT_TO_SAY not in names:
        category.values.append(
            CategoryValue(
                value=PREFER_NOT_TO_SAY,
                label=PREFER_NOT_TO_SAY_LABEL,
                position=len(names),
                min_count=0,
                max_count=1,
            )
        )
    jury.categories.append(category)
    db.session.flush()
    audit("jury.category_added", actor=actor, subject=jury, category=name)
    return category


def delete_category(category: JuryCategory, *, actor: Any) -> None:
    """Remove a category and its quotas (registrants keep their answers)."""
    _require_staff(actor, "officer")
    jury = category.jury
    _refuse_after_panel(jury, "the categories")
    AuditEntry.record("jury.category_deleted", actor=actor, subject=jury, category=category.name)
    jury.categories.remove(category)
    for position, other in enumerate(jury.categories):
        other.position = position
    db.session.flush()


def set_quotas(jury: Jury, quotas: dict[int, tuple[str, str]], *, actor: Any) -> None:
    """Set min and max for values by id, from form text. Raises Invalid with a field per
    bad value (`min-<id>` / `max-<id>`); nothing changes unless all are right."""
    _require_staff(actor, "officer")
    _refuse_after_panel(jury, "the quotas")
    errors: dict[str, str] = {}
    parsed: dict[int, tuple[int, int]] = {}
    values = {value.id: value for category in jury.categories for value in category.values}
    for value_id, (low_text, high_text) in quotas.items():
        value = values.get(value_id)
        if value is None:
            continue
        where = f"{value.category.label}: {value.label}"
        low, high = _whole_number(low_text), _whole_number(high_text)
        if low is None:
            errors[f"min-{value_id}"] = gettext(
                "%(where)s: the minimum must be a whole number", where=where
            )
        elif high is None:
            errors[f"max-{value_id}"] = gettext(
                "%(where)s: the maximum must be a whole number", where=where
            )
        elif low < 0:
            errors[f"min-{value_id}"] = gettext(
                "%(where)s: the minimum cannot be negative", where=where
            )
        elif high < low:
            errors[f"max-{value_id}"] = gettext(
                "%(where)s: the maximum must be at least the minimum", where=where
            )
        else:
            parsed[value_id] = (low, high)
    if errors:
        raise Invalid(gettext("Some quotas are not right."), fields=errors)
    changed = {}
    for value_id, (low, high) in parsed.items():
        value = values[value_id]
        if (value.min_count, value.max_count) != (low, high):
            changed[f"{value.category.name}={value.value}"] = [low, high]
        value.min_count, value.max_count = low, high
    if changed:
        AuditEntry.record("jury.quotas_set", actor=actor, subject=jury, changed=changed)
    db.session.flush()


def _whole_number(text: str) -> int | None:
    """A quota bound typed on the quotas page (spaces around it allowed), or None."""
    try:
        return int(str(text).strip())
    except ValueError:
        return None


def jury_quotas(jury: Jury) -> Categories:
    """The jury's quota table as the selection library's `Categories`."""
    return Categories(
        tuple(
            Quota(
                category.name,
                value.value,
                value.min_count,
                value.max_count,
                value.min_flex,
                value.max_flex,
            )
            for category in jury.categories
            for value in category.values
        )
    )


def import_categories(jury: Jury, text: str, *, actor: Any) -> list[str]:
    """Replace the jury's categories with a categories file (`category,name,min,max` and
    its variants). Display labels come from the file's `category_label` and `name_label`
    columns (as `categories_csv` writes them), else from the jury's present labels, else
    from the names. Returns warnings (columns not understood). Raises Invalid naming the
    line for a bad file, Conflict once the panel is drawn."""
    _require_staff(actor, "officer")
    _refuse_after_panel(jury, "the categories")
    try:
        parsed = parse_categories(text)
    except SelectionInputError as error:
        raise Invalid(str(error), fields={"file": str(error)}) from error
    existing_labels = {
        (category.name, value.value): (category.label, value.label)
        for category in jury.categories
        for value in category.values
    }
    for (name, value), (category_label, value_label) in parse_category_labels(text).items():
        old = existing_labels.get((name, value), ("", ""))
        existing_labels[(name, value)] = (category_label or old[0], value_label or old[1])
    welsh = {
        (category.name, value.value): (category.label_cy or "", value.label_cy or "")
        for category in jury.categories
        for value in category.values
    }
    for key, (category_cy, value_cy) in _welsh_labels_in_file(text).items():
        old = welsh.get(key, ("", ""))
        welsh[key] = (category_cy or old[0], value_cy or old[1])
    jury.categories.clear()
    db.session.flush()
    for position, name in enumerate(parsed.names):
        category_label = next(
            (labels[0] for (c, _), labels in existing_labels.items() if c == name and labels[0]),
            name.replace("_", " ").capitalize(),
        )
        category_cy = next(
            (labels[0] for (c, _), labels in welsh.items() if c == name and labels[0]), None
        )
        category = JuryCategory(
            name=name[:60], label=category_label, label_cy=category_cy, position=position
        )
        for value_position, value in enumerate(parsed.values(name)):
            quota = parsed.quota(name, value)
            label = existing_labels.get((name, value), (None, None))[1] or (
                PREFER_NOT_TO_SAY_LABEL
                if value == PREFER_NOT_TO_SAY
                else value.replace("_", " ").capitalize()
            )
            category.values.append(
                CategoryValue(
                    value=value[:60],
                    label=label,
                    label_cy=welsh.get((name, value), ("", ""))[1] or None,
                    position=value_position,
                    min_count=quota.min,
                    max_count=quota.max,
                    min_flex=quota.min_flex,
                    max_flex=quota.max_flex,
                )
            )
        jury.categories.append(category)
    audit(
        "jury.categories_imported",
        actor=actor,
        subject=jury,
        categories=list(parsed.names),
        checksum=hashlib.sha256(text.encode()).hexdigest(),
    )
    welsh_columns = [f"“{column}”" for column in WELSH_LABEL_COLUMNS]
    return [w for w in parsed.warnings if not any(column in w for column in welsh_columns)]


def _header_key(cell: str) -> str:
    """A header as the categories file reader matches it (case, spaces, - and _ alike)."""
    return "_".join(cell.strip().casefold().replace("-", " ").replace("_", " ").split())


def _welsh_labels_in_file(text: str) -> dict[tuple[str, str], tuple[str, str]]:
    """The Welsh labels a categories file gives (its `category_label_cy` and
    `name_label_cy` columns) by (category, value): as `parse_category_labels` reads the
    English ones. Read after `parse_categories` accepted the file."""
    rows = [row for _, row in csv_records(text.lstrip("\ufeff"), "The categories file")]
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        return {}
    keys = [_header_key(cell) for cell in rows[0]]
    index = {key: i for i, key in reversed(list(enumerate(keys)))}
    category_key = "category" if "category" in index else "feature"
    value_key = next(
        (k for k in ("name", "value", "feature") if k in index and k != category_key), None
    )
    columns = [index.get(column) for column in WELSH_LABEL_COLUMNS]
    if category_key not in index or value_key is None or columns == [None, None]:
        return {}
    labels: dict[tuple[str, str], tuple[str, str]] = {}
    category_cy, value_cy = columns
    for row in rows[1:]:
        cells = row + [""] * (len(keys) - len(row))
        key = (cells[index[category_key]].strip(), cells[index[value_key]].strip())
        labels[key] = (
            _clean(cells[category_cy]) if category_cy is not None else "",
            _clean(cells[value_cy]) if value_cy is not None else "",
        )
    return labels


def categories_csv(jury: Jury) -> str:
    """The jury's quotas as a categories file, with each category's and value's display
    label (so a jury set up from it shows residents the same words), and their Welsh
    versions (`category_label_cy`, `name_label_cy`) when the jury has any."""
    labels = {
        (category.name, value.value): (category.label, value.label)
        for category in jury.categories
        for value in category.values
    }
    text = categories_to_csv(jury_quotas(jury), labels)
    welsh = {
        (category.name, value.value): (category.label_cy or "", value.label_cy or "")
        for category in jury.categories
        for value in category.values
    }
    if any(any(pair) for pair in welsh.values()):
        rows = list(csv.reader(io.StringIO(text)))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*rows[0], *WELSH_LABEL_COLUMNS])
        for row in rows[1:]:
            writer.writerow([*row, *welsh.get((row[0], row[1]), ("", ""))])
        text = out.getvalue()
    return safe_csv(text)


def set_welsh_labels(jury: Jury, labels: Mapping[str, str], *, actor: Any) -> int:
    """The Welsh versions of the jury's category and answer labels, from the quotas page:
    `category-<id>` and `value-<id>` to the text (blank: no Welsh version, the English
    shows). Display words only, so they may change after the draw too. Raises Invalid
    (nothing changes) for a label over 200 characters. Returns how many changed."""
    _require_staff(actor, "officer")
    rows: dict[str, Any] = {}
    for category in jury.categories:
        rows[f"category-{category.id}"] = category
        for value in category.values:
            rows[f"value-{value.id}"] = value
    errors = {
        key: gettext("The Welsh label must be 200 characters or fewer")
        for key, text in labels.items()
        if key in rows and len(_clean(text)) > 200
    }
    if errors:
        raise Invalid(gettext("Some Welsh labels are too long."), fields=errors)
    changed = {}
    for key, text in labels.items():
        row = rows.get(key)
        welsh = _clean(text) or None
        if row is not None and row.label_cy != welsh:
            row.label_cy = welsh
            changed[key] = welsh or ""
    if changed:
        AuditEntry.record("jury.welsh_labels_set", actor=actor, subject=jury, changed=changed)
    db.session.flush()
    return len(changed)


# --- the pool as the lottery sees it ----------------------------------------------------


@dataclass
class Pool:
    """The eligible pool in the library's terms. `left_out` lists registrants who cannot
    take part in the draw because an answer is not in the quota table, with the reason."""

    categories: Categories
    respondents: Respondents
    registrants: dict[str, Registrant]
    left_out: list[tuple[Registrant, str]] = field(default_factory=list)

    @property
    def people(self) -> tuple[Respondent, ...]:
        return self.respondents.people


def build_pool(
    jury: Jury, *, statuses: Iterable[str] = ELIGIBLE_STATUSES, include_ids: Iterable[int] = ()
) -> Pool:
    """Turn the jury's registrants (in `statuses`, plus `include_ids`) into respondents.

    Ids are registrant ids as text. Households get pseudonyms (`H0001`, numbered in order
    of their first registrant), so the same pool exported and read back gives the same
    checksum and the same panel without publishing anyone's address.
    """
    categories = jury_quotas(jury)
    known = {(q.category, q.value) for q in categories.quotas}
    wanted = set(statuses)
    extra_ids = set(include_ids)
    rows = db.session.scalars(
        select(Registrant).where(Registrant.jury_id == jury.id).order_by(Registrant.id)
    ).all()
    households: dict[str, str] = {}
    people: list[Respondent] = []
    by_id: dict[str, Registrant] = {}
    left_out: list[tuple[Registrant, str]] = []
    for registrant in rows:
        if registrant.status not in wanted and registrant.id not in extra_ids:
            continue
        features = registrant.features or {}
        problems = []
        for name in categories.names:
            value = features.get(name)
            if value is None:
                problems.append(f"no answer for {name}")
            elif (name, value) not in known:
                problems.append(f"{name} = {value} has no quota")
        if problems:
            left_out.append((registrant, "; ".join(problems)))
            continue
        household = ""
        if registrant.household_key:
            household = households.setdefault(
                registrant.household_key, f"H{len(households) + 1:04d}"
            )
        person_id = str(registrant.id)
        people.append(
            Respondent(
                person_id,
                {name: features[name] for name in categories.names},
                {HOUSEHOLD_COLUMN: household},
            )
        )
        by_id[person_id] = registrant
    respondents = Respondents(tuple(people), id_column="id", extra_columns=(HOUSEHOLD_COLUMN,))
    return Pool(categories, respondents, by_id, left_out)


def check_quotas(jury: Jury, pool: Pool | None = None) -> FeasibilityReport | None:
    """Can the quotas be met by the current pool? None when there is nothing to check."""
    pool = pool or build_pool(jury)
    if not pool.categories.quotas or not pool.people:
        return None
    try:
        return check_feasibility(
            pool.respondents,
            pool.categories,
            jury.panel_size,
            household_column=HOUSEHOLD_COLUMN,
        )
    except SelectionInputError as error:
        return FeasibilityReport(False, [str(error)], [])


def relaxation_choices(report: FeasibilityReport | None) -> list[list[Relaxation]]:
    """The changes an officer may apply with one button: every smallest relaxation the
    report found (only its first when there are countless equally small ones)."""
    if report is None or report.feasible:
        return []
    return [list(choice) for choice in (report.alternatives or [report.relaxation]) if choice]


def offered(choices: list[list[Relaxation]]) -> str:
    """The choices as one line of text, so a form can say which it showed."""
    return " | ".join("; ".join(str(change) for change in choice) for choice in choices)


def apply_relaxation(
    jury: Jury, *, choice: int, actor: Any, shown: str | None = None
) -> list[Relaxation]:
    """Apply the `choice`-th smallest relaxation of the quotas the current pool cannot meet
    (as the quotas page lists them), audited as `jury.relaxation_applied`. Raises Conflict
    when the quotas can be met already, are frozen, or changed since the page was shown;
    Invalid for a choice that is not offered. The choices keep within the imported
    `min_flex`/`max_flex` when any change can; when none can (the page says so), applying
    one widens the flexibility to it, audited `beyond_flex`."""
    _require_staff(actor, "officer")
    _refuse_after_panel(jury, "the quotas")
    report = check_quotas(jury)
    choices = relaxation_choices(report)
    if not choices:
        raise Conflict(
            gettext("There is no change to apply: the quotas can be met, or no quota change helps.")
        )
    if shown is not None and shown != offered(choices):
        raise Conflict(
            gettext("The pool or quotas changed meanwhile: look at the changes offered again.")
        )
    if not 0 <= choice < len(choices):
        raise Invalid(
            gettext("Choose one of the changes offered."),
            fields={"choice": gettext("Choose a change")},
        )
    values = {
        (category.name, value.value): value
        for category in jury.categories
        for value in category.values
    }
    for change in choices[choice]:
        value = values[(change.category, change.value)]
        if change.bound == "min":
            value.min_count = change.suggested
            if value.min_flex is not None and value.min_flex > change.suggested:
                value.min_flex = change.suggested  # the officer chose to go beyond it
        else:
            value.max_count = change.suggested
            if value.max_flex is not None and value.max_flex < change.suggested:
                value.max_flex = change.suggested
    audit(
        "jury.relaxation_applied",
        actor=actor,
        subject=jury,
        choice=choice + 1,
        of=len(choices),
        changes=[str(change) for change in choices[choice]],
        beyond_flex=report.within_flex is False,
    )
    return choices[choice]
