"""One seating module (consult/live/seating.py) for the live console and the juries
tables page: one audit vocabulary, one set of refusals, no silent fallback; and the
outbox's unit of work, which commits before anything is broadcast and drops what was
queued when the work fails."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.errors import Conflict, Invalid
from consult.extensions import db
from consult.live import outbox, seating
from consult.models import AuditEntry, JurySession, LiveEvent, PanelMember, User
from tests.live.conftest import emit, received


def _staff_and_session(setup):
    staff = db.session.scalar(select(User).where(User.email == setup.facilitator_email))
    return staff, db.session.get(JurySession, setup.session_id)


def test_allocating_over_the_socket_writes_one_audit_entry_in_the_shared_vocabulary(
    app, make_live_session, connect
):
    setup = make_live_session(jurors=4, start=True)
    staff = connect(setup.session_id, email=setup.facilitator_email)
    allocated = emit(staff, "allocate_tables", session_id=setup.session_id, table_size=2, seed=7)
    assert allocated["ok"]
    member_id = setup.members[0][0]
    with app.app_context():
        tables = [t.id for t in db.session.get(JurySession, setup.session_id).tables]
    moved = emit(
        staff, "move_member", session_id=setup.session_id, member_id=member_id, table_id=tables[1]
    )
    assert moved["ok"]
    with app.app_context():
        actions = list(
            db.session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.action.like("%table%") | AuditEntry.action.like("%moved%"))
                .order_by(AuditEntry.id)
            )
        )
    assert actions == ["tables.allocated", "tables.member_moved"]
    assert [e["member_id"] for e in received(staff, "table_changed")] == [member_id]


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"table_size": 1}, "table_size"),
        ({"table_size": 31}, "table_size"),
        ({"table_size": "six"}, "table_size"),
        ({"table_size": 3, "seed": {"not": "a seed"}}, "seed"),
        ({"table_size": 3, "seed": True}, "seed"),
    ],
)
def test_bad_table_sizes_and_seeds_are_refused_and_nothing_is_seated(
    app, make_live_session, options, field
):
    setup = make_live_session(jurors=3)
    with app.app_context():
        staff, jury_session = _staff_and_session(setup)
        with pytest.raises(Invalid) as refused:
            seating.allocate_tables(jury_session, actor=staff, **options)
        assert field in refused.value.fields
        db.session.rollback()
        assert seating.active_allocation(jury_session) is None


def test_a_jury_with_nobody_left_to_seat_gets_a_conflict(app, make_live_session):
    setup = make_live_session(jurors=2)
    with app.app_context():
        staff, jury_session = _staff_and_session(setup)
        for member_id, _ in setup.members:
            db.session.get(PanelMember, member_id).status = "dropped"
        db.session.flush()
        with pytest.raises(Conflict, match="nobody to seat"):
            seating.allocate_tables(jury_session, actor=staff)


def test_a_jury_without_categories_is_seated_in_balanced_tables_from_the_seed(
    app, make_live_session
):
    setup = make_live_session(jurors=5)
    with app.app_context():
        staff, jury_session = _staff_and_session(setup)
        assert jury_session.jury.categories == []
        first = seating.allocate_tables(jury_session, actor=staff, table_size=2, seed="day 1")
        plan = sorted((s.member_id, s.table.number) for s in first.seats)
        again = seating.allocate_tables(jury_session, actor=staff, table_size=2, seed="day 1")
        assert sorted((s.member_id, s.table.number) for s in again.seats) == plan
        assert first.method == again.method == "balanced"
        assert sorted(n for _, n in plan) == [1, 1, 2, 2, 3]
        assert not first.active and again.active


def test_the_tables_page_move_tells_the_live_room(app, make_live_session, connect, sign_in):
    setup = make_live_session(jurors=4, start=True)
    staff = connect(setup.session_id, email=setup.facilitator_email)
    assert emit(staff, "allocate_tables", session_id=setup.session_id, table_size=2)["ok"]
    member_id = setup.members[0][0]
    with app.app_context():
        jury_session = db.session.get(JurySession, setup.session_id)
        slug = jury_session.jury.slug
        seats = seating.seating(jury_session)
        numbers = {t.id: t.number for t in jury_session.tables}
    target = next(n for table_id, n in numbers.items() if table_id != seats[member_id])
    staff.get_received("/live")
    moved = staff.http.post(
        f"/juries/{slug}/tables/move", data={"member_id": member_id, "table": target}
    )
    assert moved.status_code == 302
    changed = received(staff, "table_changed")
    assert [(e["member_id"], numbers[e["table_id"]]) for e in changed] == [(member_id, target)]


def test_a_failed_unit_of_work_rolls_back_and_broadcasts_nothing(app, make_live_session):
    setup = make_live_session(jurors=1)
    with app.app_context():
        _, jury_session = _staff_and_session(setup)
        before = jury_session.last_seq
        with pytest.raises(RuntimeError), outbox.unit_of_work():
            outbox.publish(jury_session, outbox.session_room(jury_session), "note", {"x": 1})
            raise RuntimeError("the work failed")
        assert outbox.outbox() == []  # nothing left queued to broadcast
        assert db.session.get(JurySession, setup.session_id).last_seq == before
        assert db.session.scalar(select(LiveEvent).where(LiveEvent.event == "note")) is None
