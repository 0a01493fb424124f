"""Jury officer screens that speak plainly and stay true (issue 15, items 15, 19, 21): a
categories file exported and imported keeps the words residents see; the quota screen says
what happened to a column in plain words; the panel page never calls a member "Invited"
before their invitation is sent."""

from __future__ import annotations

import io

from consult.extensions import db
from consult.models import CategoryValue, JuryCategory


def _upload(client, url: str, text: str, name: str = "file.csv"):  # type: ignore[no-untyped-def]
    return client.post(
        url,
        data={"file": (io.BytesIO(text.encode()), name)},
        content_type="multipart/form-data",
    )


def _labels(app, jury_id: int) -> list[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return [
            (category.name, category.label, value.value, value.label)
            for category in db.session.scalars(
                db.select(JuryCategory)
                .where(JuryCategory.jury_id == jury_id)
                .order_by(JuryCategory.position)
            )
            for value in sorted(category.values, key=lambda v: v.position)
        ]


def test_a_jury_set_up_from_an_exported_categories_file_keeps_the_labels(
    app, client, officer_client, make_pool_jury, make_jury, slug_of
):
    original = make_pool_jury(people=4)
    with officer_client.get(f"/juries/{slug_of(original)}/quotas/categories.csv") as exported:
        text = exported.get_data(as_text=True)
    assert text.splitlines()[0] == "category,name,min,max,category_label,name_label"
    copy = make_jury(title="The next jury")
    response = _upload(officer_client, f"/juries/{slug_of(copy)}/quotas/import", text)
    assert response.status_code in (200, 302)
    assert "not one we read" not in response.get_data(as_text=True)
    assert _labels(app, copy) == _labels(app, original)
    assert ("age", "Age", "young", "16 to 39") in _labels(app, copy)
    form = client.get(f"/juries/{slug_of(copy)}/register").get_data(as_text=True)
    assert "16 to 39" in form and "65 and over" in form
    assert ">Young<" not in form and ">Old<" not in form


def test_a_file_without_labels_keeps_the_labels_the_jury_has(
    app, officer_client, make_pool_jury, slug_of
):
    jury = make_pool_jury(people=4)
    plain = "category,name,min,max\ngender,woman,3,5\ngender,man,3,5\nage,young,2,4\n"
    _upload(officer_client, f"/juries/{slug_of(jury)}/quotas/import", plain)
    with app.app_context():
        labels = dict(
            db.session.execute(
                db.select(CategoryValue.value, CategoryValue.label)
                .join(JuryCategory)
                .where(JuryCategory.jury_id == jury)
            ).all()
        )
    assert labels == {"woman": "Woman", "man": "Man", "young": "16 to 39"}


def test_the_quota_screen_says_what_happened_to_a_column_in_plain_words(
    officer_client, make_jury, slug_of
):
    slug = slug_of(make_jury(panel_size=10))
    text = "category,name,min,max,household\ngender,woman,4,6,x\ngender,man,4,6,\n"
    html = _upload(officer_client, f"/juries/{slug}/quotas/import", text).get_data(as_text=True)
    assert "The file was imported, but the column “household” is not one we read" in html
    assert "(s)" not in html and "not understood and ignored" not in html


def test_a_pool_of_one_is_one_person_not_one_people(officer_client, make_pool_jury, slug_of):
    slug = slug_of(make_pool_jury(people=1))
    html = officer_client.get(f"/juries/{slug}/quotas").get_data(as_text=True)
    assert "1 person in the pool" in html and "1 people" not in html
