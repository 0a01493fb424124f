"""The panel after the draw: invitations with one-time codes and QR codes, the juror's
answer, officers recording answers, dropouts replaced so the quotas still hold."""

from __future__ import annotations

import logging
import re
from collections import Counter

import pytest

from consult.extensions import db
from consult.juries import services
from consult.live import seating
from consult.models import AuditEntry, PanelMember, Registrant, SelectionDraw, User


@pytest.fixture
def drawn_jury(app, officer_client, make_pool_jury, slug_of):  # type: ignore[no-untyped-def]
    """A jury of 30 with a confirmed panel of 8; returns (jury id, slug)."""

    def make(**options):  # type: ignore[no-untyped-def]
        jury_id = make_pool_jury(seed="panel seed", **options)
        slug = slug_of(jury_id)
        assert (
            officer_client.post(f"/juries/{slug}/draw", data={"algorithm": "leximin"}).status_code
            == 302
        )
        with app.app_context():
            draw_id = db.session.scalar(
                db.select(SelectionDraw.id).where(SelectionDraw.jury_id == jury_id)
            )
        assert officer_client.post(f"/juries/{slug}/draws/{draw_id}/confirm").status_code == 302
        return jury_id, slug

    return make


def _members(app, jury_id: int) -> list[PanelMember]:
    with app.app_context():
        members = db.session.scalars(
            db.select(PanelMember).where(PanelMember.jury_id == jury_id).order_by(PanelMember.id)
        ).all()
        for member in members:
            db.session.expunge(member)
        return members


def _codes(html: str) -> list[str]:
    import re

    return re.findall(r"data-code>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})<", html)


def test_invitations_give_each_member_a_working_code_with_a_qr_code_and_an_email(
    app, officer_client, drawn_jury, caplog, monkeypatch
):
    jury_id, slug = drawn_jury()
    # Alembic's fileConfig (run by the migrations that built the test database) disables
    # loggers that already existed; the mail log is how mail is "sent" without a server.
    monkeypatch.setattr(logging.getLogger("consult.mail"), "disabled", False)
    caplog.set_level("INFO", logger="consult.mail")
    response = officer_client.post(
        f"/juries/{slug}/invitations", data={"scope": "new", "send_email": "y", "days_valid": "30"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    codes = _codes(html)
    assert len(codes) == 8 == len(set(codes))
    assert html.count('src="data:image/svg+xml') == 8
    assert "style=" not in html and "<script>" not in html
    assert "img-src 'self' data:" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "/join?code=" in html
    mails = [r for r in caplog.records if "You have been chosen" in r.getMessage()]
    assert len(mails) == 8
    assert codes[0] in "".join(r.getMessage() for r in mails)
    members = _members(app, jury_id)
    assert all(m.invited_at is not None and m.join_code_hash for m in members)
    # a code signs the juror in, and the juror confirms on the invitation page
    juror = app.test_client()
    assert juror.post("/join", data={"code": codes[0]}).status_code == 302
    page = juror.get("/juries/invitation")
    assert page.status_code == 200 and "Your invitation" in page.get_data(as_text=True)
    assert juror.post("/juries/invitation", data={"answer": "confirm"}).status_code == 302
    # a second run for "members without a code" finds no one
    again = officer_client.post(
        f"/juries/{slug}/invitations", data={"scope": "new", "days_valid": "30"}
    )
    assert again.status_code == 302


def test_a_new_code_makes_the_old_one_stop_working(app, officer_client, drawn_jury):
    jury_id, slug = drawn_jury()
    first = _codes(
        officer_client.post(
            f"/juries/{slug}/invitations", data={"scope": "new", "days_valid": "60"}
        ).get_data(as_text=True)
    )
    member = _members(app, jury_id)[0]
    second = _codes(
        officer_client.post(f"/juries/{slug}/members/{member.id}/invitation").get_data(as_text=True)
    )
    assert len(second) == 1 and second[0] not in first
    old_code = first[0]
    refused = app.test_client().post("/join", data={"code": old_code})
    assert refused.status_code == 400
    assert app.test_client().post("/join", data={"code": second[0]}).status_code == 302


def test_a_juror_who_declines_is_signed_out_and_can_be_replaced(app, officer_client, drawn_jury):
    jury_id, slug = drawn_jury()
    codes = _codes(
        officer_client.post(
            f"/juries/{slug}/invitations", data={"scope": "new", "days_valid": "60"}
        ).get_data(as_text=True)
    )
    juror = app.test_client()
    juror.post("/join", data={"code": codes[0]})
    response = juror.post("/juries/invitation", data={"answer": "decline"})
    assert "Thank you for letting us know" in response.get_data(as_text=True)
    assert juror.get("/juries/invitation").status_code == 302  # signed out
    declined = next(m for m in _members(app, jury_id) if m.status == "declined")
    assert declined.responded_at is not None
    replaced = officer_client.post(f"/juries/{slug}/members/{declined.id}/replace")
    assert replaced.status_code == 302
    replacement = next(m for m in _members(app, jury_id) if m.replaces_id == declined.id)
    assert replacement.status == "invited"


def test_officer_records_an_answer_given_by_phone(app, officer_client, drawn_jury):
    jury_id, slug = drawn_jury()
    member = _members(app, jury_id)[2]
    response = officer_client.post(
        f"/juries/{slug}/members/{member.id}/response", data={"response": "confirmed"}
    )
    assert response.status_code == 302
    assert _members(app, jury_id)[2].status == "confirmed"
    with app.app_context():
        assert db.session.scalar(
            db.select(AuditEntry).where(AuditEntry.action == "member.response_recorded")
        ).details == {"response": "confirmed"}


def _quota_counts(app, jury_id: int) -> Counter:
    counts: Counter = Counter()
    for member in _members(app, jury_id):
        if member.status in ("invited", "confirmed"):
            for name, value in member.features.items():
                counts[(name, value)] += 1
    return counts


def test_a_dropout_is_replaced_from_the_pool_keeping_every_quota(app, officer_client, drawn_jury):
    jury_id, slug = drawn_jury(people=30, shared_households=10)
    member = _members(app, jury_id)[0]
    response = officer_client.post(
        f"/juries/{slug}/members/{member.id}/drop", data={"reason": "Moved away", "replace": "y"}
    )
    assert response.status_code == 302
    members = _members(app, jury_id)
    dropped = next(m for m in members if m.id == member.id)
    assert dropped.status == "dropped" and dropped.join_code_hash is None
    replacement = next(m for m in members if m.replaces_id == member.id)
    assert replacement.status == "invited" and replacement.registrant_id != member.registrant_id
    active = [m for m in members if m.status in ("invited", "confirmed")]
    assert len(active) == 8
    with app.app_context():
        quotas = services.jury_quotas(db.session.get(PanelMember, member.id).jury)
        keys = [db.session.get(Registrant, m.registrant_id).household_key for m in active]
        entry = db.session.scalar(
            db.select(AuditEntry).where(AuditEntry.action == "member.dropped")
        )
        assert entry.details["reason"] == "Moved away"
        assert (
            db.session.scalar(
                db.select(AuditEntry).where(AuditEntry.action == "member.replaced")
            ).details["replaces"]
            == member.id
        )
    counts = _quota_counts(app, jury_id)
    for quota in quotas.quotas:
        assert quota.min <= counts[(quota.category, quota.value)] <= quota.max
    assert len(keys) == len(set(keys))  # still one person per household
    panel = officer_client.get(f"/juries/{slug}/panel").get_data(as_text=True)
    assert "Moved away" in panel and f"replaced by {replacement.display_name}" in panel


def test_replacement_is_fair_not_the_next_name(app, officer_client, drawn_jury):
    """The replacement comes from the seeded lottery among those who keep the quotas:
    recomputed with the library, it is the same person."""
    from analysis.sortition import replace_member

    jury_id, slug = drawn_jury()
    member = _members(app, jury_id)[3]
    with app.app_context():
        jury = db.session.get(PanelMember, member.id).jury
        panel = [str(m.registrant_id) for m in jury.members]
        pool = services.build_pool(jury, include_ids=[int(i) for i in panel])
        expected = replace_member(
            pool.respondents,
            pool.categories,
            panel,
            str(member.registrant_id),
            seed=f"panel seed|replace|{member.registrant_id}",
            household_column="household",
        )
    officer_client.post(
        f"/juries/{slug}/members/{member.id}/drop", data={"reason": "Ill", "replace": "y"}
    )
    replacement = next(m for m in _members(app, jury_id) if m.replaces_id == member.id)
    assert str(replacement.registrant_id) == expected


def test_dropping_out_needs_a_reason(app, officer_client, drawn_jury):
    jury_id, slug = drawn_jury()
    member = _members(app, jury_id)[0]
    response = officer_client.post(f"/juries/{slug}/members/{member.id}/drop", data={"reason": ""})
    assert response.status_code == 400
    assert "Say why they dropped out" in response.get_data(as_text=True)
    assert _members(app, jury_id)[0].status == "invited"


def test_replacement_refused_when_no_one_keeps_the_quotas(
    app, officer_client, make_pool_jury, slug_of
):
    # a pool of exactly the panel: no one is left to replace anyone
    jury_id = make_pool_jury(
        people=8,
        seed="tight",
        quotas=(("gender", "Gender", (("woman", "Woman", 4, 4), ("man", "Man", 4, 4))),),
    )
    slug = slug_of(jury_id)
    officer_client.post(f"/juries/{slug}/draw", data={"algorithm": "legacy"})
    with app.app_context():
        draw_id = db.session.scalar(db.select(SelectionDraw.id))
    officer_client.post(f"/juries/{slug}/draws/{draw_id}/confirm")
    member = _members(app, jury_id)[0]
    response = officer_client.post(
        f"/juries/{slug}/members/{member.id}/drop", data={"reason": "Busy", "replace": "y"}
    )
    assert response.status_code == 400
    assert "No one left in the pool can replace" in response.get_data(as_text=True)
    assert _members(app, jury_id)[0].status == "invited"  # nothing changed


def test_tables_are_balanced_and_a_remix_avoids_repeated_pairs(
    app, officer_client, drawn_jury, make_pool_jury
):
    jury_id, slug = drawn_jury(people=40)
    # a bigger panel makes tables meaningful: add members by hand to 16
    with app.app_context():
        for index in range(8):
            db.session.add(
                PanelMember(
                    jury_id=jury_id,
                    display_name=f"Extra {index}",
                    features={"gender": ("woman", "man")[index % 2], "age": "old"},
                )
            )
        db.session.commit()
    response = officer_client.post(f"/juries/{slug}/tables", data={"table_size": "4"})
    assert response.status_code == 302
    page = officer_client.get(f"/juries/{slug}/tables").get_data(as_text=True)
    assert len(re.findall(r'id="table-\d', page)) == 4
    from consult.models import TableAllocation, TableSeat

    with app.app_context():
        first = db.session.scalar(db.select(TableAllocation).where(TableAllocation.active))
        seats = db.session.scalars(
            db.select(TableSeat).where(TableSeat.allocation_id == first.id)
        ).all()
        assert len(seats) == 16
        assert sorted(Counter(s.table_id for s in seats).values()) == [4, 4, 4, 4]
        assert all(v <= 1 for v in first.report["imbalance"].values())
        first_id = first.id
    remix = officer_client.post(f"/juries/{slug}/tables", data={"table_size": "4", "remix": "y"})
    assert remix.status_code == 302
    with app.app_context():
        second = db.session.scalar(db.select(TableAllocation).where(TableAllocation.active))
        assert second.id != first_id and second.method == "remix"
        assert db.session.get(TableAllocation, first_id).active is False
        assert second.report["repeated_pairs"] <= 2
        member_id = second.seats[0].member_id
        table_numbers = {t.id: t.number for t in second.seats[0].table.session.tables}
        current = table_numbers[second.seats[0].table_id]
    target = 1 if current != 1 else 2
    moved = officer_client.post(
        f"/juries/{slug}/tables/move", data={"member_id": member_id, "table": target}
    )
    assert moved.status_code == 302
    with app.app_context():
        seat = db.session.scalar(
            db.select(TableSeat).where(
                TableSeat.allocation_id == second.id, TableSeat.member_id == member_id
            )
        )
        assert seat.table.number == target


def test_allocate_session_tables_is_a_service_facilitators_may_call(app, drawn_jury, make_user):
    from consult.models import JurySession

    jury_id, _ = drawn_jury()
    facilitator_id = make_user("facilitator")
    with app.app_context():
        facilitator = db.session.get(User, facilitator_id)
        session = JurySession(jury_id=jury_id, title="Day 1")
        db.session.add(session)
        db.session.flush()
        allocation = seating.allocate_tables(session, table_size=3, actor=facilitator, seed="day 1")
        db.session.commit()
        assert len(allocation.seats) == 8
        assert {s.table.number for s in allocation.seats} == {1, 2, 3}
        again = seating.allocate_tables(session, table_size=3, actor=facilitator, seed="day 1")

        def plan(seating):  # type: ignore[no-untyped-def]
            return sorted((seat.member_id, seat.table.number) for seat in seating.seats)

        assert plan(again) == plan(allocation)  # deterministic from the seed
        member = db.session.scalar(db.select(PanelMember).where(PanelMember.jury_id == jury_id))
        with pytest.raises(services.NotPermitted):
            seating.allocate_tables(session, table_size=3, actor=member)
