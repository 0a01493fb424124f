"""Read-only questions the jury pages ask of the database beyond services.py's: the juries
listed for staff, a row of a jury found by id, households in the pool, the people of a
draw, why members dropped out, and the labels of a jury's categories. Nothing here
changes a row."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

from sqlalchemy import func, select

from consult.errors import NotFound
from consult.extensions import db
from consult.juries import services
from consult.models import (
    AuditEntry,
    DrawRun,
    Jury,
    PanelMember,
    Registrant,
    SelectionDraw,
)


class _OfJury(Protocol):
    jury_id: int


Row = TypeVar("Row", bound=_OfJury)


def jury(slug: str) -> Jury:
    """The jury at `slug`; NotFound otherwise."""
    found = services.jury_by_slug(slug)
    if found is None:
        raise NotFound("There is no jury at that address.")
    return found


def of_jury(model: type[Row], row_id: int, jury: Jury, missing: str) -> Row:
    """The row `row_id` of `model` if it belongs to `jury`; NotFound (with `missing`)
    otherwise, so an id from another jury never reaches a service."""
    row = db.session.get(model, row_id)
    if row is None or row.jury_id != jury.id:
        raise NotFound(missing)
    return row


def member(jury: Jury, member_id: int) -> PanelMember:
    return of_jury(PanelMember, member_id, jury, "That juror is not on this jury's panel.")


def registrant(jury: Jury, registrant_id: int) -> Registrant:
    return of_jury(Registrant, registrant_id, jury, "That person is not in this jury's pool.")


def selection_draw(jury: Jury, draw_id: int) -> SelectionDraw:
    return of_jury(SelectionDraw, draw_id, jury, "There is no such draw for this jury.")


def draw_numbers(jury: Jury) -> dict[int, int]:
    """Each of the jury's draws' number within the jury (1, 2, ... in the order they were
    made), for pages: a draw's row id counts across every jury."""
    ids = db.session.scalars(
        select(SelectionDraw.id).where(SelectionDraw.jury_id == jury.id).order_by(SelectionDraw.id)
    ).all()
    return {draw_id: number for number, draw_id in enumerate(ids, start=1)}


def draw_run(jury: Jury, run_id: int) -> DrawRun:
    return of_jury(DrawRun, run_id, jury, "There is no such draw for this jury.")


def juries_newest_first() -> Sequence[Jury]:
    return db.session.scalars(select(Jury).order_by(Jury.created_at.desc())).all()


def pool_counts_by_jury(juries: Sequence[Jury]) -> dict[int, dict[str, int]]:
    """`services.pool_counts` for each of `juries`, in one query (the staff's list)."""
    counts = {
        jury.id: dict.fromkeys(("registered", "reserve", "selected", "withdrawn", "total"), 0)
        for jury in juries
    }
    if not counts:
        return counts
    rows = db.session.execute(
        select(Registrant.jury_id, Registrant.status, func.count())
        .where(Registrant.jury_id.in_(list(counts)))
        .group_by(Registrant.jury_id, Registrant.status)
    ).all()
    for jury_id, status, number in rows:
        counts[jury_id][status] = number
        counts[jury_id]["total"] += number
    return counts


def household_sizes(jury: Jury) -> dict[str, int]:
    """How many people of the pool share each household (people with no address have
    none), so the pool page can mark those who live together."""
    return dict(
        Counter(
            db.session.scalars(
                select(Registrant.household_key).where(
                    Registrant.jury_id == jury.id, Registrant.household_key.is_not(None)
                )
            )
        )
    )


def registrants_by_id(ids: Iterable[int]) -> dict[str, Registrant]:
    """The registrants with these ids, keyed by the id as text (as a draw's result is)."""
    wanted = list(ids)
    if not wanted:
        return {}
    return {
        str(person.id): person
        for person in db.session.scalars(select(Registrant).where(Registrant.id.in_(wanted)))
    }


def drop_reasons(jury: Jury) -> dict[int, str]:
    """Why each member who dropped out did, from the audit log, by member id."""
    ids = [m.id for m in jury.members if m.status == "dropped"]
    if not ids:
        return {}
    entries = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "member.dropped",
            AuditEntry.subject_type == "PanelMember",
            AuditEntry.subject_id.in_(ids),
        )
    )
    return {
        entry.subject_id: entry.details.get("reason", "")
        for entry in entries
        if entry.subject_id is not None
    }


def category_labels(jury: Jury) -> dict[tuple[str, str], tuple[str, str]]:
    """(category name, value) -> (category label, value label) for every value."""
    return {
        (category.name, value.value): (category.label, value.label)
        for category in jury.categories
        for value in category.values
    }


def value_labels(jury: Jury) -> dict[tuple[str, str], str]:
    """(category name, value) -> the value's label."""
    return {key: value for key, (_, value) in category_labels(jury).items()}


def members_to_invite(jury: Jury, *, everyone: bool) -> list[PanelMember]:
    """Members still on the panel to send a code to: all of them, or those without one."""
    return [
        m
        for m in jury.members
        if m.status in services.ACTIVE_MEMBER_STATUSES and (everyone or m.join_code_hash is None)
    ]
