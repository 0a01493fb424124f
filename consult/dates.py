"""Dates typed by people, the GOV.UK way: separate day, month and year boxes (never the
browser's date picker, which shows mm/dd/yyyy to some and is hard to use with a screen
reader), an optional time typed as "17:00" or "5pm", and the Design System's error
messages ("Date must include a month", "Date must be a real date").

`date_from_form` reads a date from any form (`<name>-day`, `<name>-month`, `<name>-year`,
or one ISO value under `<name>` from scripts and older clients); `DateTimeField` is the
same for WTForms forms, with the time beside it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from wtforms import Field
from wtforms.validators import StopValidation

PARTS = ("day", "month", "year")
# Welsh month names and am/pm (Welsh Government style: 5:00yb, 5:00yh) for `local_strftime`;
# English uses the C library's names, as before.
WELSH_MONTHS = (
    "Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin",
    "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr",
)  # fmt: skip
WELSH_DAYS = (
    "Dydd Llun", "Dydd Mawrth", "Dydd Mercher", "Dydd Iau", "Dydd Gwener", "Dydd Sadwrn",
    "Dydd Sul",
)  # fmt: skip
WELSH_AM_PM = ("yb", "yh")
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


class DateProblem(ValueError):
    """What is wrong with a typed date, in the words the page shows."""


def local_strftime(value: date, pattern: str, language: str = "en") -> str:
    """`value.strftime(pattern)` with the month's (%B) and day's (%A) names and am/pm (%p)
    in `language`:
    "10 December 2026, 5:00pm" in English, "10 Rhagfyr 2026, 5:00yh" in Welsh. The English
    am/pm is lower case, as GOV.UK writes it."""
    if language == "cy":
        pattern = pattern.replace("%B", WELSH_MONTHS[value.month - 1])
        pattern = pattern.replace("%A", WELSH_DAYS[value.weekday()])
        if isinstance(value, datetime):
            pattern = pattern.replace("%p", WELSH_AM_PM[value.hour >= 12])
    text = value.strftime(pattern)
    return text.replace("AM", "am").replace("PM", "pm")


def parse_date(day: str, month: str, year: str, *, what: str = "Date") -> date | None:
    """The date of three typed parts; None when all three are blank. Raises DateProblem."""
    parts = {"day": day.strip(), "month": month.strip(), "year": year.strip()}
    missing = [name for name, value in parts.items() if not value]
    if len(missing) == 3:
        return None
    if missing:
        return _raise(f"{what} must include a {' and a '.join(missing)}")
    if not all(value.isascii() and value.isdecimal() for value in parts.values()):
        return _raise(f"{what} must be a real date")
    if len(parts["year"]) != 4:
        return _raise("Year must include 4 numbers")
    try:
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        return _raise(f"{what} must be a real date")


def parse_time(text: str) -> time | None:
    """A time typed as 17:00, 17.00, 5pm or 5:30pm; None when blank. Raises DateProblem."""
    text = text.strip().replace(" ", "")
    if not text:
        return None
    match = _TIME.match(text)
    if match is None:
        return _raise("Enter the time like 17:00 or 5pm")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").lower()
    if suffix:
        if not 1 <= hour <= 12:
            return _raise("Enter the time like 17:00 or 5pm")
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        return _raise("Time must be a real time")
    return time(hour, minute)


def _raise(message: str) -> Any:
    raise DateProblem(message)


def date_from_form(form: Mapping[str, Any], name: str, *, what: str = "Date") -> date | None:
    """The date typed under `name` in a form (three boxes, or one ISO date for scripts).
    None when left blank; raises DateProblem with the message for the page."""
    if any(f"{name}-{part}" in form for part in PARTS):
        return parse_date(*(str(form.get(f"{name}-{part}") or "") for part in PARTS), what=what)
    value = str(form.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return _raise(f"{what} must be a real date")


def typed_parts(form: Mapping[str, Any], name: str, value: date | None) -> dict[str, str]:
    """What to show in the boxes: what was typed if anything was, else `value`'s parts."""
    if any(f"{name}-{part}" in form for part in PARTS):
        return {part: str(form.get(f"{name}-{part}") or "") for part in PARTS}
    return _parts_of(value)


def _parts_of(value: date | None) -> dict[str, str]:
    if value is None:
        return dict.fromkeys(PARTS, "")
    return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}


class DateTimeField(Field):
    """A WTForms field for a date in three boxes and an optional time (local, naive).

    A blank time means `default_time` (for a closing date, the end of the day). `required`
    is the message shown when nothing is typed; without it the field may stay blank.
    Templates use `parts` (the boxes' values) and `time_text`."""

    def __init__(
        self,
        label: str | None = None,
        validators: Any = None,
        *,
        default_time: time = time(0, 0),
        required: str | None = None,
        what: str = "Date",
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.default_time = default_time
        self.required = required
        self.what = what
        self.parts: dict[str, str] = dict.fromkeys(PARTS, "")
        self.time_text = ""

    with_time = True

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        self.process_errors = []
        if callable(data):
            data = data()
        kind = datetime if self.with_time else date
        self.object_data = self.data = data if isinstance(data, kind) else None
        self.raw_data: list[str] = []  # what was typed, for validators such as Optional
        if formdata is not None and (
            self.name in formdata or any(f"{self.name}-{p}" in formdata for p in PARTS)
        ):
            self._from_form(formdata)

    def _from_form(self, formdata: Any) -> None:
        self.data = None
        if self.name in formdata:  # one ISO value (scripts, older clients)
            self.time_text = ""
            raw = str(formdata.get(self.name) or "").strip()
            self.raw_data = [raw] if raw else []
            parse = datetime.fromisoformat if self.with_time else date.fromisoformat
            try:
                self.data = parse(raw) if raw else None
            except ValueError:
                self.process_errors.append(f"{self.what} must be a real date")
            return
        self.parts = {p: str(formdata.get(f"{self.name}-{p}") or "") for p in PARTS}
        self.time_text = str(formdata.get(f"{self.name}-time") or "")
        typed = " ".join([*self.parts.values(), self.time_text]).strip()
        self.raw_data = [typed] if typed else []
        try:
            day = parse_date(*(self.parts[p] for p in PARTS), what=self.what)
            at = parse_time(self.time_text)
        except DateProblem as problem:
            self.process_errors.append(str(problem))
            return
        if day is None:
            if at is not None:
                self.process_errors.append(f"Enter the {self.what.lower()} as well as the time")
            return
        self.data = datetime.combine(day, at or self.default_time) if self.with_time else day

    @property
    def shown_parts(self) -> dict[str, str]:
        """The boxes' values: what was typed, else the saved date's."""
        if any(self.parts.values()) or self.data is None:
            return self.parts
        return _parts_of(self.data)

    @property
    def shown_time(self) -> str:
        if self.time_text or not isinstance(self.data, datetime):
            return self.time_text
        return "" if self.data.time() == self.default_time else f"{self.data:%H:%M}"

    def pre_validate(self, form: Any) -> None:
        if self.required and self.data is None and not self.process_errors:
            raise StopValidation(self.required)

    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""


class DateField(DateTimeField):
    """The same three boxes for a date alone (no time box); `data` is a `date`."""

    with_time = False
