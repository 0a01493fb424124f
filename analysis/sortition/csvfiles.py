"""Read and write the stratification CSV files that selection practitioners use.

Part of the pure `analysis.sortition` library. Two files describe a selection, as in the
Sortition Foundation's stratification app, `sortition-algorithms` and Panelot:

* the categories file, one row per value: `category,name,min,max` (also accepted:
  `feature,value,min,max`, pgoelz's `category,feature,min,max`, any capitalisation or
  spacing; optional `min_flex`/`max_flex`, the relaxation the organiser allows; other
  columns are ignored with a warning);
* the respondents file, one row per person: an id column (`id`, `nationbuilder_id`,
  `person_id`, `respondent_id`, Geneva's `pool_member_identifier`, OpenDLP's `unique_id`,
  ..., or any column named by the caller) and one column per category; other columns are
  kept as extra data (e.g. an address for households) and listed in the warnings. A file
  with no id column at all (the LEXIMIN paper's replication data) is read with the row
  number as id (1 = the first person), and a warning says so.

Readers raise `SelectionInputError` (a ValueError) naming the line; writers produce the
same format (`category,name,min,max` and `id,<categories...>,<extra...>`).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from pathlib import Path

from ..io import InputError, csv_records
from .model import (
    Categories,
    PoolLike,
    Quota,
    Respondent,
    Respondents,
    SelectionInputError,
    as_people,
)

ID_COLUMNS = (
    "id",
    "nationbuilder_id",
    "person_id",
    "respondent_id",
    "participant_id",
    "registrant_id",
    "candidate_id",
    "uid",
    "identifier",
    "pool_member_identifier",
    "unique_id",
)
FLEX_COLUMNS = ("min_flex", "max_flex")
#: Optional columns of the categories file with the words people see for a category and a
#: value ("Access to a car", "16 to 29"); Consult writes them so a round trip keeps them.
LABEL_COLUMNS = ("category_label", "name_label")
#: `Respondents.id_column` when the file has no id column and row numbers are used.
ROW_NUMBER_ID = "(row number)"


def _columns(names: Iterable[str]) -> str:
    """Column names in plain words: 'the column “max”', 'the columns “a”, “b” and “c”'."""
    quoted = [f"“{name}”" for name in names]
    if len(quoted) == 1:
        return f"the column {quoted[0]}"
    return f"the columns {', '.join(quoted[:-1])} and {quoted[-1]}"


def extra_columns_warning(names: Iterable[str]) -> str:
    """The warning for respondents-file columns that are not quota categories (kept as
    extra information about each person, such as an address for households)."""
    names = list(names)
    verb = "is not a quota category" if len(names) == 1 else "are not quota categories"
    kept = "it is" if len(names) == 1 else "they are"
    return f"{_columns(names)} {verb}, so {kept} kept as extra information about each person"


def _norm(header: str) -> str:
    """Header/value key: case-insensitive, spaces, hyphens and underscores alike."""
    return "_".join(header.strip().casefold().replace("-", " ").replace("_", " ").split())


def _read_rows(text: str, what: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        records = csv_records(text.lstrip("\ufeff"), f"The {what} file")
    except InputError as error:
        raise SelectionInputError(str(error)) from None
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for line, row in records:
        if header is None:
            if not any(cell.strip() for cell in row):
                continue
            header = [cell.strip() for cell in row]
            continue
        if not any(cell.strip() for cell in row):
            continue  # blank line
        rows.append((line, row))
    if header is None:
        raise SelectionInputError(f"The {what} file is empty (no header row).")
    return header, rows


def _integer(cell: str, column: str, line: int) -> int:
    text = cell.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is not None and number.is_integer():
        return int(number)
    raise SelectionInputError(f"{column} must be a whole number, got {cell!r}.", row=line)


def parse_categories(text: str) -> Categories:
    """Parse a categories (quotas) file's text. Raises SelectionInputError."""
    header, rows = _read_rows(text, "categories")
    keys = [_norm(h) for h in header]
    index = {key: i for i, key in reversed(list(enumerate(keys)))}
    if "category" in index:
        category_key = "category"
        value_key = next((k for k in ("name", "value", "feature") if k in index), None)
    elif "feature" in index:
        category_key = "feature"
        value_key = next((k for k in ("name", "value") if k in index), None)
    else:
        raise SelectionInputError(
            "The categories file needs a 'category' (or 'feature') column; "
            f"found: {', '.join(header)}."
        )
    missing = [
        name
        for name, key in (("name (or value)", value_key), ("min", "min"), ("max", "max"))
        if key is None or key not in index
    ]
    if missing:
        raise SelectionInputError(
            f"The categories file is missing {_columns(missing)}; found: {', '.join(header)}."
        )
    assert value_key is not None
    used = {category_key, value_key, "min", "max"}
    warnings = []
    for i, (original, key) in enumerate(zip(header, keys, strict=True)):
        if key in used and index[key] == i:
            continue
        if key not in FLEX_COLUMNS and key not in LABEL_COLUMNS:
            warnings.append(f"{_columns([original])} is not one we read, so it was ignored")
    quotas: list[Quota] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        cells = row + [""] * (len(header) - len(row))
        category = cells[index[category_key]].strip()
        value = cells[index[value_key]].strip()
        if not category or not value:
            raise SelectionInputError("category and value must not be empty.", row=line)
        low = _integer(cells[index["min"]], "min", line)
        high = _integer(cells[index["max"]], "max", line)
        if low < 0 or high < 0:
            raise SelectionInputError("min and max cannot be negative.", row=line)
        if low > high:
            raise SelectionInputError(
                f"{category} = {value}: min ({low}) is larger than max ({high}).", row=line
            )
        key = (_norm(category), _norm(value))
        if key in seen:
            raise SelectionInputError(
                f"{category} = {value} already has a quota on line {seen[key]}.", row=line
            )
        seen[key] = line
        flex = [
            _integer(cells[index[key]], key, line)
            if key in index and cells[index[key]].strip()
            else None
            for key in FLEX_COLUMNS
        ]
        if flex[0] is not None and not 0 <= flex[0] <= low:
            raise SelectionInputError(
                f"{category} = {value}: min_flex ({flex[0]}) must be between 0 and min ({low}).",
                row=line,
            )
        if flex[1] is not None and flex[1] < high:
            raise SelectionInputError(
                f"{category} = {value}: max_flex ({flex[1]}) is smaller than max ({high}).",
                row=line,
            )
        quotas.append(Quota(category, value, low, high, flex[0], flex[1]))
    if not quotas:
        raise SelectionInputError("The categories file has no quota rows.")
    return Categories(tuple(quotas), tuple(warnings))


def parse_category_labels(text: str) -> dict[tuple[str, str], tuple[str, str]]:
    """The display labels a categories file gives (its `category_label` and `name_label`
    columns), by (category, value) as written in the
    file: {(category, value): (category label, value label)}, a label left blank as "".
    Empty when the file has no label columns. Read after `parse_categories` accepted the
    file, so it raises nothing of its own."""
    header, rows = _read_rows(text, "categories")
    keys = [_norm(h) for h in header]
    index = {key: i for i, key in reversed(list(enumerate(keys)))}
    category_key = "category" if "category" in index else "feature"
    value_key = next(
        (k for k in ("name", "value", "feature") if k in index and k != category_key), None
    )
    category_label, value_label = (index.get(column) for column in LABEL_COLUMNS)
    if (
        category_key not in index
        or value_key is None
        or (category_label is None and value_label is None)
    ):
        return {}
    labels: dict[tuple[str, str], tuple[str, str]] = {}
    for _, row in rows:
        cells = row + [""] * (len(header) - len(row))
        key = (cells[index[category_key]].strip(), cells[index[value_key]].strip())
        labels[key] = (
            cells[category_label].strip() if category_label is not None else "",
            cells[value_label].strip() if value_label is not None else "",
        )
    return labels


def parse_respondents(
    text: str, categories: Categories, *, id_column: str | None = None
) -> Respondents:
    """Parse a respondents (pool) file's text against the quota table.

    Values are matched to the categories file ignoring case and spacing and stored in the
    categories file's spelling. Raises SelectionInputError for a missing id or category
    column, an empty or duplicate id, or a value the categories file does not know.
    """
    header, rows = _read_rows(text, "respondents")
    keys = [_norm(h) for h in header]
    if len(set(keys)) != len(keys):
        duplicates = sorted({h for h, k in zip(header, keys, strict=True) if keys.count(k) > 1})
        raise SelectionInputError(f"The respondents file repeats {_columns(duplicates)}.")
    if id_column is not None:
        if _norm(id_column) not in keys:
            raise SelectionInputError(f"The respondents file has no {id_column!r} column.")
        id_index = keys.index(_norm(id_column))
    else:
        id_index = next((keys.index(k) for k in ID_COLUMNS if k in keys), -1)
    category_index: dict[str, int] = {}
    missing = []
    for name in categories.names:
        if _norm(name) in keys and keys.index(_norm(name)) != id_index:
            category_index[name] = keys.index(_norm(name))
        else:
            missing.append(name)
    if missing:
        raise SelectionInputError(
            f"The respondents file is missing the category {_columns(missing)[4:]}."
        )
    used = {id_index, *category_index.values()}
    extra = [(i, header[i]) for i in range(len(header)) if i not in used]
    warnings = []
    if id_index < 0:
        warnings.append(
            "there is no column of ids (such as id or nationbuilder_id), so people are "
            "numbered by their row: 1 is the first person after the header"
        )
    if extra:
        warnings.append(extra_columns_warning(name for _, name in extra))
    lookup = {name: {_norm(v): v for v in categories.values(name)} for name in categories.names}
    people: list[Respondent] = []
    ids: dict[str, int] = {}
    for number, (line, row) in enumerate(rows, start=1):
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            raise SelectionInputError(
                f"this row has {len(row)} cells but the header has {len(header)}.", row=line
            )
        cells = row + [""] * (len(header) - len(row))
        person_id = cells[id_index].strip() if id_index >= 0 else str(number)
        if not person_id:
            raise SelectionInputError("the id is empty.", row=line)
        if person_id in ids:
            raise SelectionInputError(
                f"id {person_id!r} already appears on line {ids[person_id]}.", row=line
            )
        ids[person_id] = line
        features = {}
        for name, i in category_index.items():
            raw = cells[i].strip()
            value = lookup[name].get(_norm(raw)) if raw else None
            if value is None:
                known = ", ".join(categories.values(name))
                raise SelectionInputError(
                    f"{name} = {raw!r} for id {person_id!r} is not a value in the "
                    f"categories file (known: {known}).",
                    row=line,
                )
            features[name] = value
        people.append(
            Respondent(person_id, features, {name: cells[i].strip() for i, name in extra})
        )
    return Respondents(
        tuple(people),
        id_column=header[id_index] if id_index >= 0 else ROW_NUMBER_ID,
        extra_columns=tuple(name for _, name in extra),
        warnings=tuple(warnings),
    )


def _read_text(path: str | os.PathLike[str]) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise SelectionInputError(f"{path} is not UTF-8 text: {error}") from error


def read_categories(path: str | os.PathLike[str]) -> Categories:
    """Read a categories file (see module docstring). Raises SelectionInputError."""
    return parse_categories(_read_text(path))


def read_respondents(
    path: str | os.PathLike[str], categories: Categories, *, id_column: str | None = None
) -> Respondents:
    """Read a respondents file against the quota table. Raises SelectionInputError."""
    return parse_respondents(_read_text(path), categories, id_column=id_column)


def categories_to_csv(
    categories: Categories | Iterable[Quota],
    labels: dict[tuple[str, str], tuple[str, str]] | None = None,
) -> str:
    """The categories file's text: `category,name,min,max`, then `min_flex,max_flex` when
    a quota has them, then `category_label,name_label` when `labels` (by (category,
    value), as `parse_category_labels` returns them) are given."""
    quotas = categories.quotas if isinstance(categories, Categories) else tuple(categories)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    flex = any(q.min_flex is not None or q.max_flex is not None for q in quotas)
    writer.writerow(
        [
            "category",
            "name",
            "min",
            "max",
            *(FLEX_COLUMNS if flex else ()),
            *(LABEL_COLUMNS if labels else ()),
        ]
    )
    for q in quotas:
        cells: list[str | int] = [q.category, q.value, q.min, q.max]
        if flex:
            cells += ["" if q.min_flex is None else q.min_flex]
            cells += ["" if q.max_flex is None else q.max_flex]
        if labels:
            cells += list(labels.get((q.category, q.value), ("", "")))
        writer.writerow(cells)
    return out.getvalue()


def respondents_to_csv(respondents: PoolLike, categories: Categories) -> str:
    """The respondents file's text: `id`, one column per category, then extra columns."""
    people = as_people(respondents)
    id_column = respondents.id_column if isinstance(respondents, Respondents) else "id"
    if id_column == ROW_NUMBER_ID:
        id_column = "id"
    extra = list(respondents.extra_columns) if isinstance(respondents, Respondents) else []
    for person in people:
        for name in person.extra:
            if name not in extra:
                extra.append(name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([id_column, *categories.names, *extra])
    for person in people:
        writer.writerow(
            [
                person.id,
                *(person.features[name] for name in categories.names),
                *(person.extra.get(name, "") for name in extra),
            ]
        )
    return out.getvalue()


def write_categories(
    categories: Categories | Iterable[Quota], path: str | os.PathLike[str]
) -> None:
    """Write a categories file (UTF-8, `category,name,min,max`)."""
    Path(path).write_text(categories_to_csv(categories), encoding="utf-8")


def write_respondents(
    respondents: PoolLike, categories: Categories, path: str | os.PathLike[str]
) -> None:
    """Write a respondents file (UTF-8, id column first)."""
    Path(path).write_text(respondents_to_csv(respondents, categories), encoding="utf-8")
