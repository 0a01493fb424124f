"""A jury's category and answer labels in Welsh (issue 19): the officer enters them on the
quotas page (or in a categories file's `category_label_cy` and `name_label_cy` columns);
a Welsh registrant sees them on the registration form, or the English inside
lang="en-GB" under the fallback note where one is missing."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from consult.extensions import db
from consult.models import AuditEntry, CategoryValue, Jury, JuryCategory
from tests.juries.test_jury_welsh import WELSH, WELSH_LABELS, english_left, welsh_jury


def _set_welsh(app, jury_id: int, labels: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        jury = db.session.get(Jury, jury_id)
        for category in jury.categories:
            category.label_cy = labels.get(category.label)
            for value in category.values:
                value.label_cy = labels.get(value.label)
        db.session.commit()


def _form_ids(app, jury_id: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The quotas page's Welsh label fields by English label: `category-<id>`, `value-<id>`."""
    with app.app_context():
        jury = db.session.get(Jury, jury_id)
        ids = {}
        for category in jury.categories:
            ids[category.label] = f"category-{category.id}"
            ids |= {value.label: f"value-{value.id}" for value in category.values}
        return ids


def test_a_welsh_registrant_sees_the_welsh_questions_and_answers(app, client, make_pool_jury):
    _jury_id, slug = welsh_jury(app, make_pool_jury)
    page = client.get(f"/juries/{slug}/register", headers=WELSH).text
    for welsh in WELSH_LABELS.values():
        assert welsh in page
    assert 'id="translation-note"' not in page
    assert not english_left(page), english_left(page)
    assert not re.search(r">\s*(Gender|Woman|40 and over)\s*<", page)

    # a refused form names the question in Welsh
    refused = client.post(f"/juries/{slug}/register", data={}, headers=WELSH).text
    assert "Atebwch 'Oedran', neu dewiswch" in refused.replace("&#39;", "'")

    # in English the English labels, whatever the Welsh ones
    english = client.get(f"/juries/{slug}/register").text
    assert "Gender" in english and "40 and over" in english and "Rhywedd" not in english


def test_a_missing_welsh_label_falls_back_to_english_with_the_note(app, client, make_pool_jury):
    jury_id, slug = welsh_jury(app, make_pool_jury)
    _set_welsh(app, jury_id, {k: v for k, v in WELSH_LABELS.items() if k != "40 and over"})
    page = client.get(f"/juries/{slug}/register", headers=WELSH).text
    assert 'id="translation-note"' in page
    assert "Nid yw'r cynnwys hwn ar gael yn Gymraeg" in page
    assert '<span lang="en-GB">40 and over</span>' in page
    assert "Oedran" in page and "Menyw" in page


# the fixture jury's categories (tests/juries/conftest.py) in Welsh
FIXTURE_WELSH = {
    "Gender": "Rhywedd",
    "Woman": "Menyw",
    "Man": "Dyn",
    "Age": "Oedran",
    "16 to 39": "16 i 39",
    "40 to 64": "40 i 64",
    "65 and over": "65 a hŷn",
}


def test_the_officer_enters_welsh_labels_on_the_quotas_page(app, officer_client, make_pool_jury):
    jury_id = make_pool_jury(people=0)
    with app.app_context():
        slug = db.session.get(Jury, jury_id).slug
    page = officer_client.get(f"/juries/{slug}/quotas").text
    assert "Welsh versions of the questions" in page
    assert "7 labels have no Welsh version yet." in page  # 2 questions and their 5 answers
    ids = _form_ids(app, jury_id)
    form = {ids[english]: welsh for english, welsh in FIXTURE_WELSH.items()}
    response = officer_client.post(f"/juries/{slug}/quotas/welsh", data=form)
    assert response.status_code == 302
    page = officer_client.get(f"/juries/{slug}/quotas").text
    assert "7 Welsh labels saved." in page
    assert "have no Welsh version yet" not in page
    with app.app_context():
        values = {
            v.label: v.label_cy for v in db.session.scalars(select(CategoryValue)) if v.label_cy
        }
        assert values["65 and over"] == "65 a hŷn"
        assert db.session.scalar(
            select(JuryCategory.label_cy).where(JuryCategory.label == "Gender")
        ) == ("Rhywedd")
        entry = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "jury.welsh_labels_set")
        )
        assert entry is not None

    # blank takes a Welsh label away; too long is refused and changes nothing
    officer_client.post(f"/juries/{slug}/quotas/welsh", data={ids["Man"]: " "})
    refused = officer_client.post(
        f"/juries/{slug}/quotas/welsh", data={ids["Woman"]: "x" * 201, ids["Age"]: "Oed"}
    )
    assert refused.status_code == 422
    assert "The Welsh label must be 200 characters or fewer" in refused.text
    with app.app_context():
        labels = {v.label: v.label_cy for v in db.session.scalars(select(CategoryValue))}
        assert labels["Man"] is None and labels["Woman"] == "Menyw"
        assert db.session.scalar(
            select(JuryCategory.label_cy).where(JuryCategory.label == "Age")
        ) == ("Oedran")

    # the overview says which are missing
    overview = officer_client.get(f"/juries/{slug}/manage").text
    assert "1 of the registration form's questions and answers have no Welsh" in overview


def test_a_categories_file_carries_the_welsh_labels(app, officer_client, make_pool_jury):
    jury_id = make_pool_jury(people=0)
    _set_welsh(app, jury_id, FIXTURE_WELSH)
    with app.app_context():
        slug = db.session.get(Jury, jury_id).slug
    exported = officer_client.get(f"/juries/{slug}/quotas/categories.csv").text
    header = exported.splitlines()[0]
    assert header.endswith("category_label,name_label,category_label_cy,name_label_cy")
    assert "Gender,Woman,Rhywedd,Menyw" in exported

    changed = exported.replace("Rhywedd,Menyw", "Rhyw,Benyw").replace(",Oedran,65 a hŷn", ",,")
    response = officer_client.post(
        f"/juries/{slug}/quotas/import",
        data={"file": (io.BytesIO(changed.encode()), "categories.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.text  # no warning about the Welsh columns
    with app.app_context():
        jury = db.session.get(Jury, jury_id)
        gender, age = jury.categories
        assert gender.label_cy == "Rhyw"
        assert [v.label_cy for v in gender.values] == ["Benyw", "Dyn"]
        # a blank cell keeps the Welsh the jury had (as the English labels do)
        assert age.label_cy == "Oedran"
        assert age.values[-1].label_cy == "65 a hŷn"
