"""Plain data for jury selection: quotas, the pool of respondents, and results.

Part of the pure `analysis.sortition` library (no Flask, no database). Everything here is
a frozen dataclass or a plain container, so the app, the CLI and `bench/` can build
them from rows or CSV files and pass them to the selection functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


class SelectionInputError(ValueError):
    """Input the officer has to fix: a bad file, impossible quotas, an unknown value.

    `row` is the 1-based line number in the file (the header is line 1) when the problem
    comes from one row, else None.
    """

    def __init__(self, message: str, *, row: int | None = None) -> None:
        super().__init__(message if row is None else f"line {row}: {message}")
        self.message = message
        self.row = row


class InfeasibleQuotasError(SelectionInputError):
    """No panel of the requested size meets every quota; `report` says why and what to relax."""

    def __init__(self, message: str, report: Any = None) -> None:
        super().__init__(message)
        self.report = report


class ReplacementError(SelectionInputError):
    """No one left in the pool can replace a member without breaking a quota."""


@dataclass(frozen=True)
class Quota:
    """At least `min` and at most `max` panel members must have `value` in `category`.

    `min_flex`/`max_flex` (optional, as in the Sortition Foundation's files) are how far
    the organiser allows the quota to be relaxed: `min` may go down to `min_flex` and
    `max` up to `max_flex`. None means no limit was given.
    """

    category: str
    value: str
    min: int
    max: int
    min_flex: int | None = None
    max_flex: int | None = None


@dataclass(frozen=True)
class Categories:
    """The quota table: one `Quota` per value of each category, in file order.

    `warnings` lists columns of the source file that were not understood (ignored).
    """

    quotas: tuple[Quota, ...]
    warnings: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Category names, in order of first appearance."""
        return tuple(dict.fromkeys(q.category for q in self.quotas))

    def values(self, category: str) -> tuple[str, ...]:
        return tuple(q.value for q in self.quotas if q.category == category)

    def quota(self, category: str, value: str) -> Quota:
        for q in self.quotas:
            if q.category == category and q.value == value:
                return q
        raise KeyError((category, value))


@dataclass(frozen=True)
class Respondent:
    """One pool member: an id, one value per quota category, and any other columns."""

    id: str
    features: Mapping[str, str]
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Respondents:
    """The pool. `extra_columns` were kept but are not quota categories; `warnings` say so."""

    people: tuple[Respondent, ...]
    id_column: str = "id"
    extra_columns: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.people)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.people)

    def by_id(self) -> dict[str, Respondent]:
        return {person.id: person for person in self.people}


@dataclass(frozen=True)
class QuotaLine:
    """How many of a value the panel holds, beside its quota."""

    category: str
    value: str
    min: int
    max: int
    selected: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "value": self.value,
            "min": self.min,
            "max": self.max,
            "selected": self.selected,
        }


@dataclass(frozen=True)
class SelectionResult:
    """A drawn panel with every pool member's selection probability under the algorithm.

    `notes` carries remarks for the officer (not part of `as_dict`), e.g. how many panels
    the LEXIMIN distribution uses, or people who cannot be on any quota-meeting panel.
    """

    algorithm: str
    seed: int | str
    panel: list[str]
    probabilities: dict[str, float]
    min_probability: float
    gini: float
    quota_report: list[QuotaLine]
    seconds: float
    notes: tuple[str, ...] = ()
    complete: bool = True  # False: a time limit stopped LEXIMIN before its last level

    def as_dict(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "seed": self.seed,
            "panel": list(self.panel),
            "probabilities": {str(k): float(v) for k, v in self.probabilities.items()},
            "min_probability": float(self.min_probability),
            "gini": float(self.gini),
            "quota_report": [line.as_dict() for line in self.quota_report],
            "seconds": float(self.seconds),
        }


QuotasLike = Categories | Sequence[Quota]
PoolLike = Respondents | Sequence[Respondent]


def as_categories(quotas: QuotasLike) -> Categories:
    """Accept a `Categories` or a plain sequence of `Quota`."""
    return quotas if isinstance(quotas, Categories) else Categories(tuple(quotas))


def as_people(pool: PoolLike) -> tuple[Respondent, ...]:
    """Accept a `Respondents` or a plain sequence of `Respondent`."""
    return pool.people if isinstance(pool, Respondents) else tuple(pool)


def validate_pool(categories: Categories, people: Iterable[Respondent]) -> None:
    """Raise SelectionInputError for quota problems or people whose values are unknown."""
    seen: set[tuple[str, str]] = set()
    for q in categories.quotas:
        if (q.category, q.value) in seen:
            raise SelectionInputError(f"{q.category} = {q.value} has two quota rows.")
        seen.add((q.category, q.value))
        if q.min < 0 or q.max < 0:
            raise SelectionInputError(f"{q.category} = {q.value}: quotas cannot be negative.")
        if q.min > q.max:
            raise SelectionInputError(
                f"{q.category} = {q.value}: min ({q.min}) is larger than max ({q.max})."
            )
    names = categories.names
    ids: set[str] = set()
    for person in people:
        if person.id in ids:
            raise SelectionInputError(f"id {person.id!r} appears twice in the pool.")
        ids.add(person.id)
        for name in names:
            value = person.features.get(name)
            if value is None:
                raise SelectionInputError(f"person {person.id!r} has no value for {name!r}.")
            if (name, value) not in seen:
                raise SelectionInputError(
                    f"person {person.id!r} has {name} = {value!r}, which is not in the "
                    f"quota table (known: {', '.join(categories.values(name))})."
                )


#: One column name, or several (an address over several columns), or None for no households.
HouseholdColumns = str | Sequence[str] | None


def household_columns(columns: HouseholdColumns) -> tuple[str, ...]:
    """The household columns as a tuple (empty when households are not used)."""
    if columns is None:
        return ()
    if isinstance(columns, str):
        return (columns,)
    return tuple(columns)


def household_of(person: Respondent, household_column: HouseholdColumns) -> str | None:
    """The household key of a person (None when unknown or no column is used).

    With several columns (e.g. `primary_address1`, `primary_zip`, as sortition-algorithms
    checks them), two people share a household when every column matches exactly after
    case and spacing are ignored; a person whose columns are all empty has no household.
    """
    columns = household_columns(household_column)
    if not columns:
        return None
    parts = []
    for column in columns:
        value = person.extra.get(column)
        if value is None:
            value = person.features.get(column)
        parts.append(" ".join(str(value or "").split()).casefold())
    if not any(parts):
        return None
    return parts[0] if len(parts) == 1 else "\x1f".join(parts)
