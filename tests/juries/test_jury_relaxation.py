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


# 1 person (a1, b2), 3 (a2, b1), 2 (a2, b2); a panel of 3 cannot hold 3 of b1 and 1 of
# b2: the smallest fix ignoring flexibility lowers b1's minimum to 2
FLEX_PEOPLE = [
    {"A": "a1", "B": "b2"},
    *[{"A": "a2", "B": "b1"}] * 3,
    *[{"A": "a2", "B": "b2"}] * 2,
]
FLEX_QUOTAS = (
    ("A", "A", (("a1", "a1", 0, 3), ("a2", "a2", 0, 2))),
    ("B", "B", (("b1", "b1", 3, 3), ("b2", "b2", 1, 3))),
)


def _import_quotas(client: Any, slug: str, rows: str) -> None:
    import io

    text = "category,name,min,max,min_flex,max_flex\n" + rows
    response = client.post(
        f"/juries/{slug}/quotas/import",
        data={"file": (io.BytesIO(text.encode()), "categories.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]


def test_relaxation_keeps_to_the_imported_flexibility_when_the_smallest_fix_breaks_it(
    app: Flask, officer_client: Any, make_pool_jury: Callable[..., int], slug_of: Any
) -> None:
    from consult.models import AuditEntry

    slug = slug_of(make_pool_jury(people=6, panel_size=3, quotas=FLEX_QUOTAS, features=FLEX_PEOPLE))
    page = officer_client.get(f"/juries/{slug}/quotas").get_data(as_text=True)
    assert "lower min of B = b1 from 3 to 2" in page  # without flexibility: the smallest fix
    # the organiser's file says b1's minimum may not move (min_flex 3)
    _import_quotas(officer_client, slug, "A,a1,0,3,0,3\nA,a2,0,2,0,3\nB,b1,3,3,3,3\nB,b2,1,3,0,3\n")
    with app.app_context():
        from consult.models import CategoryValue

        flex = {v.value: (v.min_flex, v.max_flex) for v in db.session.query(CategoryValue)}
        assert flex == {"a1": (0, 3), "a2": (0, 3), "b1": (3, 3), "b2": (0, 3)}
    page = officer_client.get(f"/juries/{slug}/quotas").get_data(as_text=True)
    assert "it keeps within the flexibility you allowed" in page
    offered = page.split('name="offered" value="')[1].split('"')[0]
    assert "b1" not in offered
    assert sorted(offered.split("; ")) == [
        "lower min of B = b2 from 1 to 0",
        "raise max of A = a2 from 2 to 3",
    ]
    applied = officer_client.post(
        f"/juries/{slug}/quotas/relax", data={"choice": "0", "offered": offered}
    )
    assert applied.status_code == 302
    after = bounds(app, slug)
    assert after == {"A=a1": (0, 3), "A=a2": (0, 3), "B=b1": (3, 3), "B=b2": (0, 3)}
    page = officer_client.get(f"/juries/{slug}/quotas").get_data(as_text=True)
    assert "can meet every quota" in page
    with app.app_context():
        entry = db.session.query(AuditEntry).filter_by(action="jury.relaxation_applied").one()
        assert entry.details["beyond_flex"] is False
    # the exported categories file carries the flexibility on
    with officer_client.get(f"/juries/{slug}/quotas/categories.csv") as response:
        exported = response.get_data(as_text=True)
    assert exported.splitlines()[0].startswith("category,name,min,max,min_flex,max_flex")
    assert exported.splitlines()[3].startswith("B,b1,3,3,3,3")


def test_no_fix_within_the_flexibility_is_said_and_one_beyond_it_widens_it(
    app: Flask, officer_client: Any, make_pool_jury: Callable[..., int], slug_of: Any
) -> None:
    from consult.models import AuditEntry, CategoryValue

    slug = slug_of(make_pool_jury(people=6, panel_size=3, quotas=FLEX_QUOTAS, features=FLEX_PEOPLE))
    _import_quotas(officer_client, slug, "A,a1,0,3,0,3\nA,a2,0,2,0,2\nB,b1,3,3,3,3\nB,b2,1,3,1,3\n")
    page = officer_client.get(f"/juries/{slug}/quotas").get_data(as_text=True)
    assert "this cannot be fixed within the flexibility you allowed" in page
    assert "no change within the flexibility you allowed" in page
    offered = page.split('name="offered" value="')[1].split('"')[0]
    assert offered == "lower min of B = b1 from 3 to 2"
    applied = officer_client.post(
        f"/juries/{slug}/quotas/relax", data={"choice": "0", "offered": offered}
    )
    assert applied.status_code == 302 and bounds(app, slug)["B=b1"] == (2, 3)
    with app.app_context():
        b1 = db.session.query(CategoryValue).filter_by(value="b1").one()
        assert (b1.min_flex, b1.max_flex) == (2, 3)
        entry = db.session.query(AuditEntry).filter_by(action="jury.relaxation_applied").one()
        assert entry.details["beyond_flex"] is True
