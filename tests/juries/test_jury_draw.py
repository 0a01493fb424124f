"""Quotas, the published seed and the draw: infeasible quotas explained, households kept
apart, the same pool, quotas and seed giving the same panel, every draw audited, and the
public page carrying what anyone needs to re-run it. (Draws are computed in the
background, inline in tests: `test_jury_draw_runs.py` covers that machinery.)"""

from __future__ import annotations

import json

import pytest

from consult.extensions import db
from consult.models import AuditEntry, CategoryValue, Jury, PanelMember, Registrant, SelectionDraw


def _draw(client, slug: str, algorithm: str = "leximin"):  # type: ignore[no-untyped-def]
    """Compute a draw (inline in tests): the answer redirects to the draw's progress page."""
    return client.post(f"/juries/{slug}/draw", data={"algorithm": algorithm})


def _latest_draw(app, jury_id: int) -> SelectionDraw:
    with app.app_context():
        draw = db.session.scalar(
            db.select(SelectionDraw)
            .where(SelectionDraw.jury_id == jury_id)
            .order_by(SelectionDraw.id.desc())
        )
        db.session.expunge(draw)
        return draw


def test_draw_is_refused_until_a_seed_is_published(app, officer_client, make_pool_jury, slug_of):
    jury_id = make_pool_jury()
    slug = slug_of(jury_id)
    refused = _draw(officer_client, slug)
    assert refused.status_code == 409
    assert "Publish the lottery seed before the draw" in refused.get_data(as_text=True)
    published = officer_client.post(
        f"/juries/{slug}/seed", data={"seed": "National Lottery 2026-11-21: 04 12 19 33 41 47"}
    )
    assert published.status_code == 302
    assert "04 12 19 33 41 47" in officer_client.get(f"/juries/{slug}").get_data(as_text=True)
    assert _draw(officer_client, slug).status_code == 302


def test_the_seed_cannot_change_once_a_draw_was_made(app, officer_client, make_pool_jury, slug_of):
    slug = slug_of(make_pool_jury(seed="first seed"))
    assert _draw(officer_client, slug).status_code == 302
    response = officer_client.post(f"/juries/{slug}/seed", data={"seed": "a better seed"})
    assert response.status_code == 400
    assert "cannot change" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(Jury.lottery_seed).where(Jury.slug == slug)) == (
            "first seed"
        )


def test_same_pool_quotas_and_seed_give_the_same_panel(
    app, officer_client, runner, make_pool_jury, slug_of, tmp_path
):
    jury_id = make_pool_jury(seed="04 12 19 33 41 47")
    slug = slug_of(jury_id)
    assert _draw(officer_client, slug).status_code == 302
    first = _latest_draw(app, jury_id)
    assert _draw(officer_client, slug).status_code == 302
    second = _latest_draw(app, jury_id)
    assert second.id != first.id
    assert second.inputs_checksum == first.inputs_checksum
    assert second.result["panel"] == first.result["panel"]
    assert len(first.result["panel"]) == 8
    # the officer's export of the pool and quotas re-runs to the same panel; another seed
    # gives another panel
    paths = {}
    for name, url in (
        ("categories", f"/juries/{slug}/quotas/categories.csv"),
        ("respondents", f"/juries/{slug}/pool/respondents.csv"),
    ):
        with officer_client.get(url) as download:
            paths[name] = tmp_path / f"{name}.csv"
            paths[name].write_text(download.get_data(as_text=True))

    def run(seed: str) -> list[str]:
        result = runner.invoke(
            args=[
                "jury",
                "select",
                "--categories",
                str(paths["categories"]),
                "--respondents",
                str(paths["respondents"]),
                "--panel-size",
                "8",
                "--seed",
                seed,
                "--household-column",
                "household",
            ]
        )
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["panel"]

    assert run("04 12 19 33 41 47") == first.result["panel"]
    assert run("05 12 19 33 41 47") != first.result["panel"]


def test_every_draw_is_audited_with_the_inputs_checksum(
    app, officer_client, make_pool_jury, slug_of
):
    jury_id = make_pool_jury(seed="audited seed")
    _draw(officer_client, slug_of(jury_id), "legacy")
    draw = _latest_draw(app, jury_id)
    with app.app_context():
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "jury.drawn"))
        assert entry.subject_id == draw.id
        assert entry.details["inputs_checksum"] == draw.inputs_checksum
        assert entry.details["seed"] == "audited seed"
        assert entry.details["algorithm"] == "legacy"
        assert len(draw.inputs_checksum) == 64


def test_draw_page_shows_probabilities_minimum_gini_and_quota_report(
    app, officer_client, make_pool_jury, slug_of
):
    jury_id = make_pool_jury(seed="s")
    slug = slug_of(jury_id)
    response = _draw(officer_client, slug)
    assert "/draw-runs/" in response.headers["Location"]
    page = officer_client.get(response.headers["Location"], follow_redirects=True).get_data(
        as_text=True
    )
    draw = _latest_draw(app, jury_id)
    assert 'id="min-probability"' in page and 'id="gini"' in page
    assert f"{draw.result['min_probability'] * 100:.2f}%" in page
    assert "Quotas" in page and "16 to 39" in page
    assert draw.inputs_checksum in page
    assert set(draw.result) >= {
        "algorithm",
        "seed",
        "panel",
        "probabilities",
        "min_probability",
        "gini",
        "quota_report",
        "seconds",
    }
    assert abs(sum(draw.result["probabilities"].values()) - 8) < 1e-6


def test_at_most_one_person_per_household_is_selected(app, officer_client, make_pool_jury, slug_of):
    # 24 people in 12 two-person households plus 6 living alone: 18 households
    jury_id = make_pool_jury(people=30, shared_households=12, seed="households")
    slug = slug_of(jury_id)
    for algorithm in ("leximin", "legacy"):
        assert _draw(officer_client, slug, algorithm).status_code == 302
        draw = _latest_draw(app, jury_id)
        with app.app_context():
            keys = [db.session.get(Registrant, int(i)).household_key for i in draw.result["panel"]]
        assert len(keys) == len(set(keys)) == 8


def test_infeasible_quotas_are_explained_with_the_smallest_relaxation(
    app, officer_client, make_pool_jury, slug_of
):
    jury_id = make_pool_jury(seed="s")
    with app.app_context():
        woman = db.session.scalar(db.select(CategoryValue).where(CategoryValue.value == "woman"))
        man = db.session.scalar(db.select(CategoryValue).where(CategoryValue.value == "man"))
        woman.min_count, woman.max_count = 6, 8
        man.min_count, man.max_count = 5, 8  # 6 + 5 > panel of 8
        db.session.commit()
    slug = slug_of(jury_id)
    page = officer_client.get(f"/juries/{slug}/quotas").get_data(as_text=True)
    assert "these quotas cannot be met" in page
    assert "Gender: the minimums add up to 11, more than the panel size 8" in page.replace(
        "gender", "Gender"
    )
    assert 'id="relaxation"' in page
    assert "from 6 to" in page or "from 5 to" in page
    failed = officer_client.get(_draw(officer_client, slug).headers["Location"])
    text = failed.get_data(as_text=True)
    assert "The draw failed" in text and "The quotas cannot be met" in text
    assert "the minimums add up to 11, more than the panel size 8" in text
    assert 'id="relaxation"' in text and ("from 6 to" in text or "from 5 to" in text)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(SelectionDraw.id))) == 0


def test_quota_form_rejects_a_max_below_the_min(app, officer_client, make_pool_jury, slug_of):
    jury_id = make_pool_jury()
    with app.app_context():
        woman = db.session.scalar(db.select(CategoryValue).where(CategoryValue.value == "woman"))
        value_id = woman.id
    response = officer_client.post(
        f"/juries/{slug_of(jury_id)}/quotas", data={f"min-{value_id}": "4", f"max-{value_id}": "2"}
    )
    assert response.status_code == 422
    assert "the maximum must be at least the minimum" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("low", "high", "field", "message"),
    [
        ("four", "two", "min", "the minimum must be a whole number"),  # the minimum first
        ("1", "2.5", "max", "the maximum must be a whole number"),
        ("-1", "x", "max", "the maximum must be a whole number"),
        ("-1", "2", "min", "the minimum cannot be negative"),
    ],
)
def test_quota_form_names_the_bound_that_is_not_right(
    app, officer_client, make_pool_jury, slug_of, low, high, field, message
):
    jury_id = make_pool_jury()
    with app.app_context():
        woman = db.session.scalar(db.select(CategoryValue).where(CategoryValue.value == "woman"))
        value_id = woman.id
    response = officer_client.post(
        f"/juries/{slug_of(jury_id)}/quotas", data={f"min-{value_id}": low, f"max-{value_id}": high}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"Gender: Woman: {message}" in page
    assert f'id="{field}-{value_id}-error"' in page
    with app.app_context():
        kept = db.session.get(CategoryValue, value_id)
        assert (kept.min_count, kept.max_count) == (3, 5)


def test_quota_form_takes_whole_numbers_with_spaces_around(
    app, officer_client, make_pool_jury, slug_of
):
    jury_id = make_pool_jury()
    with app.app_context():
        woman = db.session.scalar(db.select(CategoryValue).where(CategoryValue.value == "woman"))
        value_id = woman.id
    response = officer_client.post(
        f"/juries/{slug_of(jury_id)}/quotas",
        data={f"min-{value_id}": " 2 ", f"max-{value_id}": "6 "},
    )
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(CategoryValue, value_id)
        assert (saved.min_count, saved.max_count) == (2, 6)


def test_officer_builds_categories_in_the_form(app, officer_client, make_jury, slug_of):
    slug = slug_of(make_jury(panel_size=10))
    response = officer_client.post(
        f"/juries/{slug}/quotas/categories",
        data={
            "label": "Age",
            "values": "16 to 29\n30 to 64\n65 and over",
            "prefer_not_to_say": "y",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        values = db.session.scalars(db.select(CategoryValue).order_by(CategoryValue.position)).all()
        assert [v.value for v in values] == [
            "16_to_29",
            "30_to_64",
            "65_and_over",
            "prefer_not_to_say",
        ]
        ids = [v.id for v in values]
    saved = officer_client.post(
        f"/juries/{slug}/quotas",
        data={
            **{f"min-{i}": "2" for i in ids[:3]},
            **{f"max-{i}": "5" for i in ids[:3]},
            f"min-{ids[3]}": "0",
            f"max-{ids[3]}": "1",
        },
    )
    assert saved.status_code == 302
    with app.app_context():
        assert [
            (v.min_count, v.max_count)
            for v in db.session.scalars(db.select(CategoryValue).order_by(CategoryValue.position))
        ] == [(2, 5), (2, 5), (2, 5), (0, 1)]


def test_confirming_a_draw_creates_the_invited_panel_and_closes_registration(
    app, officer_client, make_pool_jury, slug_of
):
    jury_id = make_pool_jury(seed="confirm me")
    slug = slug_of(jury_id)
    _draw(officer_client, slug)
    draw = _latest_draw(app, jury_id)
    response = officer_client.post(f"/juries/{slug}/draws/{draw.id}/confirm")
    assert response.status_code == 302
    with app.app_context():
        jury = db.session.get(Jury, jury_id)
        assert jury.status == "selected" and not jury.registration_open
        members = db.session.scalars(db.select(PanelMember).where(PanelMember.jury_id == jury_id))
        assert sorted(str(m.registrant_id) for m in members) == sorted(draw.result["panel"])
        assert {m.status for m in jury.members} == {"invited"}
        selected = db.session.scalars(
            db.select(Registrant.id).where(Registrant.status == "selected")
        ).all()
        assert sorted(map(str, selected)) == sorted(draw.result["panel"])
        assert (
            db.session.scalar(
                db.select(AuditEntry).where(AuditEntry.action == "jury.panel_confirmed")
            ).details["inputs_checksum"]
            == draw.inputs_checksum
        )
    assert _draw(officer_client, slug).status_code == 409


def test_anyone_can_rerun_the_confirmed_draw_from_the_public_page(
    app, officer_client, client, runner, make_pool_jury, slug_of, tmp_path
):
    jury_id = make_pool_jury(people=30, shared_households=5, seed="re-run me")
    slug = slug_of(jury_id)
    _draw(officer_client, slug)
    draw = _latest_draw(app, jury_id)
    officer_client.post(f"/juries/{slug}/draws/{draw.id}/confirm")
    public = client.get(f"/juries/{slug}").get_data(as_text=True)
    assert draw.inputs_checksum in public and "re-run me" in public
    paths = {}
    for kind in ("categories", "respondents"):
        with client.get(f"/juries/{slug}/draws/{draw.id}/{kind}.csv") as download:
            assert download.status_code == 200
            text = download.get_data(as_text=True)
        assert "Person" not in text and "@" not in text  # no names or emails
        paths[kind] = tmp_path / f"{kind}.csv"
        paths[kind].write_text(text)
    result = runner.invoke(
        args=[
            "jury",
            "select",
            "--categories",
            str(paths["categories"]),
            "--respondents",
            str(paths["respondents"]),
            "--panel-size",
            "8",
            "--algorithm",
            "leximin",
            "--seed",
            "re-run me",
            "--household-column",
            "household",
        ]
    )
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert output["panel"] == draw.result["panel"]
    assert output["min_probability"] == draw.result["min_probability"]


def test_draw_inputs_are_not_public_before_confirmation(
    app, officer_client, client, make_pool_jury, slug_of
):
    jury_id = make_pool_jury(seed="s")
    slug = slug_of(jury_id)
    _draw(officer_client, slug)
    draw = _latest_draw(app, jury_id)
    assert client.get(f"/juries/{slug}/draws/{draw.id}/respondents.csv").status_code == 404
