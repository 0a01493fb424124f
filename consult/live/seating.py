"""Seating a jury at tables: the one module for it, used by the live console (socket
events), the juries feature's tables page and the load bench. A plan is balanced across
the jury's categories by `analysis.sortition.allocate_tables` (with `remix`, it also
keeps apart people who already sat together); people can then be moved by hand, and a
table can have a scribe. Services take `actor`, check permission, audit (`tables.*`),
publish to the live rooms and flush; callers commit. Audit entries written before this
module existed keep their names (`session.tables_allocated`, `session.member_moved`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, is_dataclass
from functools import partial
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from analysis.sortition import allocate_tables as balanced_plan
from analysis.sortition import table_report
from consult.errors import Conflict, Invalid
from consult.extensions import db
from consult.juries.services import PREFER_NOT_TO_SAY
from consult.live import connections
from consult.live.checks import clean_int, get_in_session, get_juror, require_staff
from consult.live.outbox import (
    after_commit,
    member_room,
    publish,
    session_room,
    staff_room,
    table_room,
)
from consult.models import (
    JurySession,
    JuryTable,
    PanelMember,
    TableAllocation,
    TableSeat,
    audit,
    newest,
)

DEFAULT_TABLE_SIZE = 6
MAX_TABLE_SIZE = 30


def session_members(jury_session: JurySession) -> list[PanelMember]:
    """The jurors who take part: the jury's members who have not declined or dropped out."""
    return list(
        db.session.scalars(
            select(PanelMember)
            .where(
                PanelMember.jury_id == jury_session.jury_id,
                PanelMember.status.not_in(("declined", "dropped")),
            )
            .order_by(PanelMember.id)
        )
    )


def active_allocation(jury_session: JurySession) -> TableAllocation | None:
    return newest(
        TableAllocation,
        TableAllocation.session_id == jury_session.id,
        TableAllocation.active.is_(True),
    )


def seating(jury_session: JurySession) -> dict[int, int]:
    """member id -> table id in the active allocation."""
    allocation = active_allocation(jury_session)
    if allocation is None:
        return {}
    return dict(
        db.session.execute(
            select(TableSeat.member_id, TableSeat.table_id).where(
                TableSeat.allocation_id == allocation.id
            )
        ).all()
    )


def table_of(jury_session: JurySession, member: Any) -> JuryTable | None:
    """The juror's table in the active allocation (None for staff or the unseated)."""
    if getattr(member, "kind", None) != "member":
        return None
    allocation = active_allocation(jury_session)
    if allocation is None:
        return None
    return db.session.scalar(
        select(JuryTable)
        .join(TableSeat, TableSeat.table_id == JuryTable.id)
        .where(TableSeat.allocation_id == allocation.id, TableSeat.member_id == member.id)
    )


def table_numbered(jury_session: JurySession, number: Any) -> JuryTable:
    """The session's table with that number; raises Invalid (field `table`) otherwise."""
    table = next((t for t in jury_session.tables if t.number == number), None)
    if table is None:
        raise Invalid(gettext("Choose a table."), fields={"table": gettext("Choose a table")})
    return table


def _previous_allocations(jury_session: JurySession) -> list[dict[int, int]]:
    """Every earlier seating plan of the jury (all sessions), as member id -> table number."""
    plans: dict[int, dict[int, int]] = defaultdict(dict)
    rows = db.session.execute(
        select(TableSeat.allocation_id, TableSeat.member_id, JuryTable.number)
        .join(JuryTable, TableSeat.table_id == JuryTable.id)
        .join(TableAllocation, TableSeat.allocation_id == TableAllocation.id)
        .join(JurySession, TableAllocation.session_id == JurySession.id)
        .where(JurySession.jury_id == jury_session.jury_id)
        .order_by(TableSeat.allocation_id)
    ).all()
    for allocation_id, member_id, number in rows:
        plans[allocation_id][member_id] = number
    return [plans[key] for key in sorted(plans)]


def allocate_tables(
    jury_session: JurySession,
    *,
    actor: Any,
    table_size: Any = DEFAULT_TABLE_SIZE,
    seed: Any = None,
    remix: bool = False,
) -> TableAllocation:
    """Seat the session's jurors at tables of at most `table_size`, as diverse as possible
    across the jury's categories; with `remix`, also so that few pairs who already sat
    together (in any of the jury's sessions) meet again. The same `seed` (a whole number
    or text; by default one derived from the jury's lottery seed) gives the same plan. The
    new plan becomes the active one; earlier ones are kept, inactive, for later remixes.
    Staff only. Raises Invalid for a table size outside 2–30 or a bad seed, Conflict when
    there is nobody to seat. Audited as `tables.allocated`. Flushes."""
    require_staff(actor, gettext("Only the facilitator can allocate tables."))
    table_size = clean_int(table_size, field="table_size", low=2, high=MAX_TABLE_SIZE)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | str)):
        raise Invalid(
            gettext("The seed is a whole number or text."), fields={"seed": gettext("Enter a seed")}
        )
    members = session_members(jury_session)
    if not members:
        raise Conflict(gettext("There is nobody to seat yet."))
    jury = jury_session.jury
    names = [category.name for category in jury.categories]
    features = {
        m.id: {name: (m.features or {}).get(name, PREFER_NOT_TO_SAY) for name in names}
        for m in members
    }
    earlier = _previous_allocations(jury_session)
    previous = earlier if remix else []
    if seed is None:
        seed = f"{jury.lottery_seed or jury.slug}|tables|{len(earlier)}"
    plan = balanced_plan(features, table_size=table_size, seed=seed, previous_allocations=previous)
    for old in db.session.scalars(
        select(TableAllocation).where(
            TableAllocation.session_id == jury_session.id, TableAllocation.active.is_(True)
        )
    ):
        old.active = False
    tables = {table.number: table for table in jury_session.tables}
    for number in sorted(set(plan.values())):
        if number not in tables:
            table = JuryTable(session_id=jury_session.id, number=number, name=f"Table {number}")
            db.session.add(table)
            jury_session.tables.append(table)
            tables[number] = table
    db.session.flush()
    allocation = TableAllocation(
        session_id=jury_session.id,
        from_round_id=jury_session.current_round_id,
        method="remix" if remix else "balanced",
        report=_jsonable(table_report(features, plan, previous_allocations=previous)),
        active=True,
    )
    db.session.add(allocation)
    for member_id, number in sorted(plan.items()):
        allocation.seats.append(TableSeat(table_id=tables[number].id, member_id=member_id))
    db.session.flush()
    audit(
        "tables.allocated",
        actor=actor,
        subject=allocation,
        session=jury_session.id,
        table_size=table_size,
        remix=remix,
        seed=str(seed),
        tables=len(set(plan.values())),
    )
    publish(jury_session, session_room(jury_session), "tables_changed", {})
    _reseat_connections(jury_session, {m: tables[n].id for m, n in plan.items()})
    return allocation


def _reseat_connections(jury_session: JurySession, seats: dict[int, int]) -> None:
    """After commit, move the connected jurors of `seats` (member id -> table id) into
    their table's room and out of the others, and staff into every table's room."""
    table_ids = [table.id for table in jury_session.tables]
    after_commit(partial(connections.reseat, jury_session.id, dict(seats), table_ids))


def _jsonable(value: Any) -> Any:
    """The library's report (a dataclass, dict or list) as JSON-able data."""
    if hasattr(value, "as_dict"):
        return _jsonable(value.as_dict())
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return _jsonable(asdict(value))
    if isinstance(value, float | int | str | bool) or value is None:
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def move_member(
    jury_session: JurySession, member_id: Any, table_id: Any, *, actor: Any
) -> TableSeat:
    """Move a juror to another table by hand (starting a manual plan if there is none).
    Staff only. Raises NotFound for a juror or table outside the session. Audited as
    `tables.member_moved`; the juror and the staff are told. Flushes."""
    require_staff(actor, gettext("Only the facilitator can move people between tables."))
    member = get_juror(jury_session, member_id)
    table = get_in_session(JuryTable, table_id, jury_session, field="table_id")
    allocation = active_allocation(jury_session)
    if allocation is None:
        allocation = TableAllocation(
            session_id=jury_session.id, method="manual", report={}, active=True
        )
        db.session.add(allocation)
        db.session.flush()
    seat = db.session.scalar(
        select(TableSeat).where(
            TableSeat.allocation_id == allocation.id, TableSeat.member_id == member.id
        )
    )
    old_table_id = seat.table_id if seat else None
    if seat is None:
        seat = TableSeat(allocation_id=allocation.id, member_id=member.id, table_id=table.id)
        db.session.add(seat)
    seat.table_id = table.id
    audit(
        "tables.member_moved",
        actor=actor,
        subject=member,
        session=jury_session.id,
        allocation=allocation.id,
        from_table=old_table_id,
        to_table=table.id,
    )
    body = {"member_id": member.id, "table_id": table.id, "table_name": table.name}
    publish(jury_session, member_room(member.id), "table_changed", body)
    publish(jury_session, staff_room(jury_session), "table_changed", body)
    _reseat_connections(jury_session, {member.id: table.id})
    return seat


def set_scribe(
    jury_session: JurySession, table_id: Any, member_id: Any, *, actor: Any
) -> JuryTable:
    """Choose a table's scribe (who takes its notes and runs its queue), or none. Staff
    only. Flushes."""
    require_staff(actor, gettext("Only the facilitator can choose a scribe."))
    table = get_in_session(JuryTable, table_id, jury_session, field="table_id")
    if member_id in (None, ""):
        table.scribe_member_id = None
    else:
        member = get_juror(jury_session, member_id)
        table.scribe_member_id = member.id
    db.session.flush()
    publish(
        jury_session,
        table_room(table.id),
        "scribe_changed",
        {"table_id": table.id, "scribe_member_id": table.scribe_member_id},
    )
    return table


def is_scribe(actor: Any, table: JuryTable | None) -> bool:
    return (
        table is not None
        and getattr(actor, "kind", None) == "member"
        and table.scribe_member_id == actor.id
    )
