"""The published draw in the jury app: freeze the inputs, publish the lottery before the
random value exists, enter the value, confirm the panel; `verify` accepts the published
files and rejects them when one byte changes; frozen inputs refuse every edit; roles."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from analysis.sortition.published import sha256_hex, verify_draw
from consult.extensions import db

PLAN_FILES = ("inputs.json", "lottery.csv", "panel.csv")


@pytest.fixture
def demo_jury(app: Flask, officer: dict[str, Any]) -> str:
    """The demo Transport jury's pool and quotas (240 people, panel of 24), not yet drawn."""
    from consult.demo import content
    from consult.demo.loader import add_categories, add_registrants
    from consult.models import Jury

    data = content.jury()
    with app.app_context():
        jury = Jury(
            slug="demo-transport",
            title=data["title"],
            question=data["question"],
            status="recruiting",
            panel_size=data["panel_size"],
            registration_open=True,
        )
        add_categories(jury, data["categories"])
        db.session.add(jury)
        db.session.flush()
        add_registrants(jury, data["registrants"])
        db.session.commit()
    return "demo-transport"


def publish(client: Any, slug: str) -> Any:
    return client.post(f"/juries/{slug}/plan/publish", data={"understood": "y"})


def published_files(client: Any, slug: str, number: int = 1) -> dict[str, bytes]:
    files = {}
    for name in PLAN_FILES:
        response = client.get(f"/juries/{slug}/plans/{number}/{name}")
        assert response.status_code == 200, name
        files[name] = response.data
    return files


def snapshot(app: Flask, slug: str) -> dict[str, Any]:
    """Everything a draw depends on, as plain data."""
    from consult.models import Jury, Registrant

    with app.app_context():
        jury = db.session.query(Jury).filter_by(slug=slug).one()
        return {
            "panel_size": jury.panel_size,
            "quotas": sorted(
                (c.name, v.value, v.min_count, v.max_count)
                for c in jury.categories
                for v in c.values
            ),
            "pool": sorted(
                (r.id, r.status, sorted(r.features.items()), r.household_key)
                for r in db.session.query(Registrant).filter_by(jury_id=jury.id)
            ),
        }


def test_the_whole_published_sequence_on_the_demo_jury_verifies(
    app: Flask, officer_client: Any, demo_jury: str, runner: Any, tmp_path: Path
) -> None:
    from consult.models import AuditEntry, DrawPlan, PanelMember

    slug = demo_jury
    page = officer_client.get(f"/juries/{slug}/plan")
    assert page.status_code == 200 and b"Freeze the inputs" in page.data
    unticked = officer_client.post(f"/juries/{slug}/plan/publish", data={})
    assert unticked.status_code == 400 and b"Tick the box" in unticked.data

    assert publish(officer_client, slug).status_code == 302
    public = officer_client.get(f"/juries/{slug}").get_data(as_text=True)
    with app.app_context():
        plan = db.session.query(DrawPlan).one()
        inputs_checksum = plan.inputs_checksum
        assert plan.number == 1 and plan.status == "frozen" and plan.pool_size == 240
        assert plan.lottery_file is None and plan.random_value is None
    assert inputs_checksum in public and "Download the inputs" in public
    assert "Download the lottery" not in public  # not computed yet
    inputs = officer_client.get(f"/juries/{slug}/plans/1/inputs.json")
    assert sha256_hex(inputs.data) == inputs_checksum
    assert b"@" not in inputs.data and b"Street" not in inputs.data  # no contact details
    assert officer_client.get(f"/juries/{slug}/plans/1/lottery.csv").status_code == 404

    # computed as a background job (inline in tests): its progress page, then the plan
    computed = officer_client.post(f"/juries/{slug}/plan/1/lottery")
    assert computed.status_code == 302 and "/draw-runs/" in computed.location
    done = officer_client.get(computed.location)
    assert done.status_code == 302 and done.location.endswith(f"/juries/{slug}/plan")
    with app.app_context():
        plan = db.session.query(DrawPlan).one()
        lottery_checksum = plan.lottery_checksum
        assert plan.status == "lottery" and plan.random_value is None
    public = officer_client.get(f"/juries/{slug}").get_data(as_text=True)
    assert lottery_checksum in public and "Download the lottery" in public
    assert "Download the panel" not in public

    missing = officer_client.post(f"/juries/{slug}/plan/1/value", data={"value": "3 6 1"})
    assert missing.status_code == 400 and b"Say where the value came from" in missing.data
    drawn = officer_client.post(
        f"/juries/{slug}/plan/1/value",
        data={"value": "3 6 1 1 5 2 4 6 2 3", "source": "ten dice rolled on the live stream"},
    )
    assert drawn.status_code == 302 and "/draws/" in drawn.location
    with app.app_context():
        plan = db.session.query(DrawPlan).one()
        assert plan.status == "drawn" and plan.random_value == "3 6 1 1 5 2 4 6 2 3"
        assert plan.value_entered_by_id is not None and plan.value_entered_at is not None
        draw_id = plan.draw_id
        actions = [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
        assert actions[-5:] == [
            "jury.plan_published",
            "jury.lottery_started",
            "jury.lottery_published",
            "jury.drawn",
            "jury.random_value_entered",
        ]
        assert db.session.query(PanelMember).count() == 0  # a proposal until confirmed

    asks = officer_client.get(f"/juries/{slug}/draws/{draw_id}/confirm")
    assert asks.status_code == 200 and b"Yes, confirm the panel" in asks.data
    with app.app_context():
        assert db.session.query(PanelMember).count() == 0  # asking changes nothing
    assert officer_client.post(f"/juries/{slug}/draws/{draw_id}/confirm").status_code == 302
    with app.app_context():
        assert db.session.query(PanelMember).count() == 24

    public = officer_client.get(f"/juries/{slug}").get_data(as_text=True)
    assert "python -m analysis.sortition verify" in public and "Download the panel" in public
    files = published_files(officer_client, slug)
    verification = verify_draw(
        files["inputs.json"],
        inputs_checksum,
        files["lottery.csv"],
        lottery_checksum,
        "3 6 1 1 5 2 4 6 2 3",
        files["panel.csv"],
    )
    assert verification.ok, verification.as_dict()

    for name, data in files.items():
        (tmp_path / name).write_bytes(data)

    def cli_verify() -> Any:
        return runner.invoke(
            args=[
                "jury",
                "verify",
                "--inputs",
                str(tmp_path / "inputs.json"),
                "--inputs-checksum",
                inputs_checksum,
                "--lottery",
                str(tmp_path / "lottery.csv"),
                "--lottery-checksum",
                lottery_checksum,
                "--random-value",
                "3 6 1 1 5 2 4 6 2 3",
                "--panel",
                str(tmp_path / "panel.csv"),
                "--no-recompute",
            ]
        )

    result = cli_verify()
    assert result.exit_code == 0 and "The draw is verified." in result.output
    # the demo's own downloads, each changed by one byte, are rejected
    for name, data in files.items():
        changed = bytearray(data)
        changed[len(data) // 2] ^= 1
        (tmp_path / name).write_bytes(bytes(changed))
        rejected = cli_verify()
        assert rejected.exit_code == 1 and "The draw is verified." not in rejected.output, name
        (tmp_path / name).write_bytes(data)
    assert cli_verify().exit_code == 0


@pytest.fixture
def drawn_plan(
    app: Flask, officer_client: Any, make_pool_jury: Callable[..., int], slug_of: Any
) -> dict[str, Any]:
    """A small jury taken through the published sequence: its slug, files and checksums."""
    from consult.models import DrawPlan

    slug = slug_of(make_pool_jury(people=30, shared_households=3))
    publish(officer_client, slug)
    officer_client.post(f"/juries/{slug}/plan/1/lottery")
    officer_client.post(
        f"/juries/{slug}/plan/1/value", data={"value": "42 17 5", "source": "balls drawn"}
    )
    with app.app_context():
        plan = db.session.query(DrawPlan).one()
        assert plan.status == "drawn"
        checksums = (plan.inputs_checksum, plan.lottery_checksum)
    return {"slug": slug, "files": published_files(officer_client, slug), "checksums": checksums}


def _verify(files: dict[str, bytes], checksums: tuple[str, str], value: str) -> Any:
    return verify_draw(
        files["inputs.json"],
        checksums[0],
        files["lottery.csv"],
        checksums[1],
        value,
        files["panel.csv"],
        recompute=False,
    )


@pytest.mark.parametrize("name", PLAN_FILES)
def test_verify_rejects_a_published_file_changed_by_one_byte(
    drawn_plan: dict[str, Any], name: str
) -> None:
    files, checksums = drawn_plan["files"], drawn_plan["checksums"]
    assert _verify(files, checksums, "42 17 5").ok
    for position in (0, len(files[name]) // 2, len(files[name]) - 2):
        changed = bytearray(files[name])
        changed[position] ^= 1
        verification = _verify({**files, name: bytes(changed)}, checksums, "42 17 5")
        assert not verification.ok, (name, position)


def test_verify_rejects_another_random_value(drawn_plan: dict[str, Any]) -> None:
    files, checksums = drawn_plan["files"], drawn_plan["checksums"]
    verification = _verify(files, checksums, "42 17 6")
    assert verification.failed == ["the random value selects the announced panel"]


def _frozen_edits(client: Any, app: Flask, slug: str) -> dict[str, Any]:
    """Try every edit that would change the draw; return the responses by name."""
    from consult.models import CategoryValue, Jury, JuryCategory, Registrant

    with app.app_context():
        jury = db.session.query(Jury).filter_by(slug=slug).one()
        person = db.session.query(Registrant).filter_by(jury_id=jury.id).first()
        value = db.session.query(CategoryValue).join(JuryCategory).filter_by(jury_id=jury.id)
        value = value.first()
        category_id, person_id, value_id = value.category_id, person.id, value.id
        features = dict(person.features)
    changed = dict(features, gender="man" if features["gender"] == "woman" else "woman")
    csv_file = "id,gender,age\nx1,woman,young\n"
    return {
        "import pool": client.post(
            f"/juries/{slug}/pool/import",
            data={"file": (io.BytesIO(csv_file.encode()), "pool.csv")},
            content_type="multipart/form-data",
        ),
        "edit answers": client.post(
            f"/juries/{slug}/pool/{person_id}",
            data={
                "first_name": "Person0",
                "last_name": "Family0",
                "email": "person0@example.org",
                "address_line": "1 Other Street",
                "postcode": "RV1 1AA",
                **{f"feature-{k}": v for k, v in changed.items()},
            },
        ),
        "withdraw": client.post(f"/juries/{slug}/pool/{person_id}/withdraw", data={"reason": "x"}),
        "quotas": client.post(f"/juries/{slug}/quotas", data={f"min-{value_id}": "0"}),
        "add category": client.post(
            f"/juries/{slug}/quotas/categories",
            data={"label": "Tenure", "values": "Owner\nRenter"},
        ),
        "delete category": client.post(f"/juries/{slug}/quotas/categories/{category_id}/delete"),
        "import quotas": client.post(
            f"/juries/{slug}/quotas/import",
            data={"file": (io.BytesIO(b"category,value,min,max\ngender,woman,0,8\n"), "q.csv")},
            content_type="multipart/form-data",
        ),
        "panel size": client.post(
            f"/juries/{slug}/manage",
            data={"title": "Jury", "question": "Q", "panel_size": "9", "registration_open": "y"},
        ),
        "old-style draw": client.post(f"/juries/{slug}/draw", data={"algorithm": "leximin"}),
    }


def test_edits_to_frozen_inputs_are_refused_and_change_nothing(
    app: Flask,
    officer_client: Any,
    make_pool_jury: Callable[..., int],
    slug_of: Any,
    make_user: Callable[..., int],
) -> None:
    slug = slug_of(make_pool_jury(people=30, seed="an old seed"))
    assert publish(officer_client, slug).status_code == 302
    before = snapshot(app, slug)
    responses = _frozen_edits(officer_client, app, slug)
    for name, response in responses.items():
        assert response.status_code in (400, 409), (name, response.status_code)
        text = response.get_data(as_text=True)
        assert "Draw plan 1 is published" in text, name
    assert snapshot(app, slug) == before

    register = app.test_client().post(f"/juries/{slug}/register", data={})
    assert b"Register your interest" not in register.data or register.status_code != 302
    from consult.juries import services
    from consult.models import Jury

    with app.app_context():
        jury = db.session.query(Jury).filter_by(slug=slug).one()
        assert jury.registration_open is False
        with pytest.raises(services.Conflict, match="closed"):
            services.register_interest(
                jury,
                first_name="Late",
                last_name="Comer",
                email="late@example.org",
                phone=None,
                address_line="1 Late Lane",
                postcode="RV1 1AB",
                features={"gender": "woman", "age": "young"},
                consent=True,
            )
    # names and emails do not change the draw: correcting them is still allowed
    assert snapshot(app, slug) == before


def test_starting_over_is_a_new_audited_plan_the_public_page_lists(
    app: Flask, officer_client: Any, drawn_plan: dict[str, Any]
) -> None:
    from consult.models import AuditEntry, DrawPlan

    slug = drawn_plan["slug"]
    no_reason = officer_client.post(f"/juries/{slug}/plan/1/start-over", data={"reason": ""})
    assert no_reason.status_code == 400
    over = officer_client.post(
        f"/juries/{slug}/plan/1/start-over", data={"reason": "Two people were entered twice."}
    )
    assert over.status_code == 302
    # the inputs can change again, then a new plan freezes them
    with app.app_context():
        from consult.models import Jury

        jury = db.session.query(Jury).filter_by(slug=slug).one()
        jury_id = jury.id
    assert (
        officer_client.post(
            f"/juries/{slug}/manage",
            data={"title": "Jury", "question": "Q", "panel_size": "9", "registration_open": ""},
        ).status_code
        == 302
    )
    assert publish(officer_client, slug).status_code == 302
    with app.app_context():
        numbers = [
            (p.number, p.status, p.panel_size)
            for p in db.session.query(DrawPlan).filter_by(jury_id=jury_id).order_by("number")
        ]
        assert numbers == [(1, "abandoned", 8), (2, "frozen", 9)]
        entry = db.session.query(AuditEntry).filter_by(action="jury.plan_abandoned").one()
        assert entry.details["reached"] == "drawn" and entry.details["random_value"] == "42 17 5"
    public = officer_client.get(f"/juries/{slug}").get_data(as_text=True)
    assert "Draw plan 1: abandoned" in public and "Two people were entered twice." in public
    assert "Draw plan 2: inputs frozen" in public and "2 draw plans" in public
    # the abandoned plan's files stay published, and its proposal cannot be confirmed
    assert officer_client.get(f"/juries/{slug}/plans/1/panel.csv").status_code == 200
    with app.app_context():
        old_draw = db.session.query(DrawPlan).filter_by(number=1, jury_id=jury_id).one().draw_id
    refused = officer_client.post(f"/juries/{slug}/draws/{old_draw}/confirm")
    assert refused.status_code == 409


def test_the_sequence_keeps_its_order(
    app: Flask, officer_client: Any, make_pool_jury: Callable[..., int], slug_of: Any
) -> None:
    slug = slug_of(make_pool_jury(people=30))
    publish(officer_client, slug)
    assert publish(officer_client, slug).status_code == 409  # one live plan at a time
    draw_page = officer_client.get(f"/juries/{slug}/draw").get_data(as_text=True)
    assert 'id="plan-notice"' in draw_page and "Compute a draw" not in draw_page
    early = officer_client.post(
        f"/juries/{slug}/plan/1/value", data={"value": "1 2 3", "source": "dice"}
    )
    assert early.status_code == 409 and "Inputs frozen" in early.get_data(as_text=True)
    assert officer_client.post(f"/juries/{slug}/plan/1/lottery").status_code == 302
    assert officer_client.post(f"/juries/{slug}/plan/1/lottery").status_code == 409
    assert officer_client.get(f"/juries/{slug}/plans/9/inputs.json").status_code == 404


def test_only_officers_run_the_published_draw(
    app: Flask,
    officer_client: Any,
    make_pool_jury: Callable[..., int],
    slug_of: Any,
    make_user: Callable[..., int],
    sign_in: Callable[..., None],
) -> None:
    from consult.models import DrawPlan

    slug = slug_of(make_pool_jury(people=30))
    facilitator = app.test_client()
    make_user("facilitator", email="facilitator@council.example")
    sign_in(facilitator, email="facilitator@council.example")
    anonymous = app.test_client()
    assert (
        facilitator.post(f"/juries/{slug}/plan/publish", data={"understood": "y"}).status_code
        == 403
    )
    assert anonymous.post(f"/juries/{slug}/plan/publish", data={"understood": "y"}).status_code in (
        302,
        401,
    )
    assert facilitator.get(f"/juries/{slug}/plan").status_code == 403
    publish(officer_client, slug)
    for client in (facilitator, anonymous):
        assert client.post(f"/juries/{slug}/plan/1/lottery").status_code in (302, 401, 403)
        assert client.post(
            f"/juries/{slug}/plan/1/start-over", data={"reason": "x"}
        ).status_code in (302, 401, 403)
    with app.app_context():
        assert db.session.query(DrawPlan).one().status == "frozen"
    officer_client.post(f"/juries/{slug}/plan/1/lottery")
    for client in (facilitator, anonymous):
        response = client.post(f"/juries/{slug}/plan/1/value", data={"value": "1", "source": "d"})
        assert response.status_code in (302, 401, 403)
    with app.app_context():
        assert db.session.query(DrawPlan).one().random_value is None
    # the published files are public
    assert anonymous.get(f"/juries/{slug}/plans/1/inputs.json").status_code == 200
    assert anonymous.get(f"/juries/{slug}/plans/1/lottery.csv").status_code == 200


def test_draws_are_numbered_per_jury_and_public_states_match_the_stage(
    app: Flask,
    officer_client: Any,
    make_pool_jury: Callable[..., int],
    make_jury: Callable[..., int],
    slug_of: Any,
    officer: dict[str, Any],
) -> None:
    from consult.juries import services
    from consult.models import Jury, User

    with app.app_context():
        actor = db.session.get(User, officer["id"])
        for jury_id in (make_pool_jury(seed="first jury"), make_pool_jury(seed="second jury")):
            jury = db.session.get(Jury, jury_id)
            services.draw_panel(jury, algorithm="legacy", actor=actor)
            services.draw_panel(jury, algorithm="legacy", actor=actor)
        db.session.commit()
        draw_ids = [d.id for d in services.draws(jury)]  # the second jury's, newest first
    slug = slug_of(jury_id)
    page = officer_client.get(f"/juries/{slug}/draw").get_data(as_text=True)
    assert ">Draw 1</a>" in page and ">Draw 2</a>" in page and ">Draw 3</a>" not in page
    newest = officer_client.get(f"/juries/{slug}/draws/{draw_ids[0]}").get_data(as_text=True)
    assert "Draw 2: a proposal" in newest
    asks = officer_client.get(f"/juries/{slug}/draws/{draw_ids[0]}/confirm")
    assert "Confirm the panel of draw 2?" in asks.get_data(as_text=True)

    finished = slug_of(make_jury(status="finished"))
    public = officer_client.get(f"/juries/{finished}").get_data(as_text=True)
    assert "It will appear here before the draw" not in public
    assert "No seed was published on this site for this jury" in public
    recruiting = slug_of(make_jury())
    public = officer_client.get(f"/juries/{recruiting}").get_data(as_text=True)
    assert "It will appear here before the draw" in public


def test_a_published_draw_panel_is_confirmed_and_replaced_from_its_random_value(
    app: Flask, officer_client: Any, drawn_plan: dict[str, Any], officer: dict[str, Any]
) -> None:
    from consult.juries import services
    from consult.models import AuditEntry, DrawPlan, PanelMember, User

    slug = drawn_plan["slug"]
    with app.app_context():
        draw_id = db.session.query(DrawPlan).one().draw_id
    assert officer_client.post(f"/juries/{slug}/draws/{draw_id}/confirm").status_code == 302
    assert (
        officer_client.post(
            f"/juries/{slug}/plan/1/start-over", data={"reason": "too late"}
        ).status_code
        == 409
    )  # a confirmed panel cannot start over
    with app.app_context():
        actor = db.session.get(User, officer["id"])
        member = db.session.query(PanelMember).order_by(PanelMember.id).first()
        services.drop_member(member, reason="moved away", actor=actor)
        services.replace_member(member, actor=actor)
        db.session.commit()
        entry = db.session.query(AuditEntry).filter_by(action="member.replaced").one()
        assert entry.details["seed"] == f"42 17 5|replace|{member.registrant_id}"
