"""Infeasible quotas fixed with one button (#15 item 22): the suggested smallest change is
applied and audited; where several are equally small the officer chooses; a stale page,
a choice not offered, frozen quotas and other roles are refused and change nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from consult.extensions import db

# a panel of 8 cannot hold 5 women and 5 men: lowering either minimum to 3 fixes it
TIGHT = (
    ("gender", "Gender", (("woman", "Woman", 5, 5), ("man", "Man", 5, 5))),
    (
        "age",
        "Age",
        (("young", "16 to 39", 2, 4), ("middle", "40 to 64", 2, 4), ("old", "65 and over", 1, 3)),
    ),
)


def bounds(app: Flask, slug: str) -> dict[str, tuple[int, int]]:
    from consult.models import Jury

    with app.app_context():
        jury = db.session.query(Jury).filter_by(slug=slug).one()
        return {
            f"{c.name}={v.value}": (v.min_count, v.max_count)
            for c in jury.categories
            for v in c.values
        }


def test_the_officer_chooses_among_equally_small_changes_and_applies_one(
    app: Flask, officer_client: Any, make_pool_jury: Callable[..., int], slug_of: Any
) -> None:
    from consult.models import AuditEntry

    slug = slug_of(make_pool_jury(quotas=TIGHT))
    page = officer_client.get(f"/juries/{slug}/quotas").get_data(as_text=True)
    assert "Each of these 2 changes is as small as possible" in page
    assert page.count('name="choice" type="radio"') == 2
    offered = page.split('name="offered" value="')[1].split('"')[0]
    second = "woman" if "lower min of gender = woman" in offered.split(" | ")[1] else "man"
    before = bounds(app, slug)

    stale = officer_client.post(
        f"/juries/{slug}/quotas/relax", data={"choice": "1", "offered": "something else"}
    )
    assert stale.status_code == 409 and bounds(app, slug) == before
    missing = officer_client.post(
        f"/juries/{slug}/quotas/relax", data={"choice": "7", "offered": offered}
    )
    assert missing.status_code == 422 and bounds(app, slug) == before

    applied = officer_client.post(
        f"/juries/{slug}/quotas/relax", data={"choice": "1", "offered": offered}
    )
    assert applied.status_code == 302
    after = bounds(app, slug)
    assert after[f"gender={second}"] == (3, 5)
    assert {k: v for k, v in after.items() if k != f"gender={second}"} == {
        k: v for k, v in before.items() if k != f"gender={second}"
    }
    page = officer_client.get(f"/juries/{slug}/quotas").get_data(as_text=True)
    assert 'id="feasibility"' in page and "can meet every quota" in page
    with app.app_context():
        entry = db.session.query(AuditEntry).filter_by(action="jury.relaxation_applied").one()
        assert entry.details["choice"] == 2 and entry.details["of"] == 2
        assert entry.details["changes"] == [f"lower min of gender = {second} from 5 to 3"]


def test_relaxation_is_refused_when_frozen_feasible_or_not_an_officer(
    app: Flask,
    officer_client: Any,
    make_pool_jury: Callable[..., int],
    slug_of: Any,
    make_user: Callable[..., int],
    sign_in: Callable[..., None],
) -> None:
    feasible = slug_of(make_pool_jury())
    nothing = officer_client.post(f"/juries/{feasible}/quotas/relax", data={"choice": "0"})
    assert nothing.status_code == 409

    slug = slug_of(make_pool_jury(quotas=TIGHT))
    before = bounds(app, slug)
    facilitator = app.test_client()
    make_user("facilitator", email="facilitator@council.example")
    sign_in(facilitator, email="facilitator@council.example")
    assert facilitator.post(f"/juries/{slug}/quotas/relax", data={"choice": "0"}).status_code == 403
    assert bounds(app, slug) == before

    from consult.juries import services
    from consult.models import Jury, User

    with app.app_context():  # a published plan freezes the quotas (publish needs them met)
        jury = db.session.query(Jury).filter_by(slug=slug).one()
        officer = db.session.query(User).filter_by(role="officer").first()
        services.apply_relaxation(jury, choice=0, actor=officer)
        from consult.juries import plans

        plans.publish_plan(jury, actor=officer)
        value = jury.categories[0].values[0]
        value.min_count, value.max_count = 6, 6  # infeasible again, behind the plan's back
        db.session.commit()
    frozen = officer_client.post(f"/juries/{slug}/quotas/relax", data={"choice": "0"})
    assert frozen.status_code == 409 and "Draw plan 1 is published" in frozen.get_data(as_text=True)
