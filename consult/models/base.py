"""Column types and small mixins shared by every model module."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, TypeDecorator, select
from sqlalchemy.orm import Mapped, mapped_column

from consult.extensions import db


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (what every timestamp column stores)."""
    return datetime.now(UTC)


def values_of(row: Any, *names: str) -> dict[str, Any]:
    """The named attributes of `row`, by name (what a payload or a copy takes as it is)."""
    return {name: getattr(row, name) for name in names}


def newest(model: Any, *criteria: Any) -> Any:
    """The row of `model` added last (the highest id) among those that meet `criteria`,
    or None when none does."""
    return db.session.scalar(select(model).where(*criteria).order_by(model.id.desc()).limit(1))


class UTCDateTime(TypeDecorator):
    """Stores naive UTC (SQLite has no time zones) and always gives back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use consult.models.utcnow()")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class CreatedMixin:
    """A `created_at` column set when the row is first written."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TimestampMixin(CreatedMixin):
    """`created_at` plus an `updated_at` kept current on every update."""

    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
