"""The officer's pool: import and export in the stratification CSV format (with the column
names practitioners use, saying which were not understood), search, edit, withdraw; and
categories files imported as quotas."""

from __future__ import annotations

import io

from consult.extensions import db
from consult.juries import queries, services
from consult.models import AuditEntry, CategoryValue, Jury, JuryCategory, Registrant

RESPONDENTS = (
    (
        "nationbuilder_id,Gender,AGE,First Name,Surname,Email Address,Primary Address1,Post Code,"
        "Favourite colour\n"
    )
    + """NB1,woman,young,Ada,Lovelace,ada@example.org,1 Analytical Way,RV1 1AA,green
NB2,man,old,Alan,Turing,alan@example.org,1 Analytical Way,RV1 1AA,blue
NB3,Woman,Middle,Grace,Hopper,grace@example.org,3 Cobol Court,RV2 2BB,red
"""
)


def _upload(client, url: str, text: str, name: str = "file.csv"):  # type: ignore[no-untyped-def]
    return client.post(
        url,
        data={"file": (io.BytesIO(text.encode()), name)},
        content_type="multipart/form-data",
    )


def test_import_reads_column_variants_and_says_which_were_not_understood(
    app, officer_client, make_pool_jury, slug_of
):
    jury_id = make_pool_jury(people=0)
    response = _upload(officer_client, f"/juries/{slug_of(jury_id)}/pool/import", RESPONDENTS)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "3 people added" in html
    assert "These columns were not understood and were ignored: Favourite colour" in html
    with app.app_context():
        people = db.session.scalars(
            db.select(Registrant).where(Registrant.jury_id == jury_id).order_by(Registrant.id)
        ).all()
        assert [(p.first_name, p.last_name, p.email, p.postcode) for p in people] == [
            ("Ada", "Lovelace", "ada@example.org", "RV1 1AA"),
            ("Alan", "Turing", "alan@example.org", "RV1 1AA"),
            ("Grace", "Hopper", "grace@example.org", "RV2 2BB"),
        ]
        assert people[2].features == {"gender": "woman", "age": "middle"}
        assert people[0].household_key == people[1].household_key != people[2].household_key
        assert people[0].external_id == "NB1"
    again = _upload(officer_client, f"/juries/{slug_of(jury_id)}/pool/import", RESPONDENTS)
    assert "0 people added" in again.get_data(as_text=True)
    assert "NB1, NB2, NB3" in again.get_data(as_text=True)


def test_a_bad_respondents_file_is_refused_naming_the_line(
    app, officer_client, make_pool_jury, slug_of
):
    jury_id = make_pool_jury(people=0)
    bad = RESPONDENTS.replace("NB2,man,old", "NB2,man,ancient")
    response = _upload(officer_client, f"/juries/{slug_of(jury_id)}/pool/import", bad)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "line 3" in html and "ancient" in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Registrant.id))) == 0


def test_anonymised_export_round_trips_without_personal_data(
    app, officer_client, make_pool_jury, slug_of
):
    jury_id = make_pool_jury(people=6, shared_households=1)
    slug = slug_of(jury_id)
    with officer_client.get(f"/juries/{slug}/pool/respondents.csv") as response:
        text = response.get_data(as_text=True)
    lines = text.splitlines()
    assert lines[0] == "id,gender,age,household"
    assert len(lines) == 7
    assert "Person" not in text and "@" not in text and "Test Street" not in text
    assert lines[1].endswith(",H0001") and lines[2].endswith(",H0001")
    with officer_client.get(f"/juries/{slug}/pool/export.csv") as response:
        full = response.get_data(as_text=True)
    assert "person0@example.org" in full
    with app.app_context():
        assert db.session.scalar(
            db.select(AuditEntry).where(AuditEntry.action == "jury.pool_exported")
        )


def test_search_edit_and_withdraw(app, officer_client, make_pool_jury, slug_of):
    jury_id = make_pool_jury(people=12)
    slug = slug_of(jury_id)
    found = officer_client.get(f"/juries/{slug}/pool?q=person11").get_data(as_text=True)
    assert "Person11" in found and "Person10" not in found
    with app.app_context():
        person = db.session.scalar(db.select(Registrant).where(Registrant.first_name == "Person3"))
        person_id = person.id
    edited = officer_client.post(
        f"/juries/{slug}/pool/{person_id}",
        data={
            "first_name": "Personthree",
            "last_name": "Family",
            "email": "three@example.org",
            "address_line": "9 New Road",
            "postcode": "RV9 9ZZ",
            "feature-gender": "woman",
            "feature-age": "old",
        },
    )
    assert edited.status_code == 302
    withdrawn = officer_client.post(
        f"/juries/{slug}/pool/{person_id}/withdraw", data={"reason": "asked"}
    )
    assert withdrawn.status_code == 302
    with app.app_context():
        person = db.session.get(Registrant, person_id)
        assert person.status == "withdrawn"
        assert person.features == {"gender": "woman", "age": "old"}
        assert person.first_name == "Personthree"
    # a withdrawn person is not in the draw's pool
    with officer_client.get(f"/juries/{slug}/pool/respondents.csv") as response:
        assert f"\n{person_id}," not in response.get_data(as_text=True)


def test_import_categories_file_with_variants_and_warnings(app, officer_client, make_jury, slug_of):
    slug = slug_of(make_jury(panel_size=10))
    text = (
        "Feature,Value,Min,Max,min_flex,notes\ngender,woman,4,6,0,x\ngender,man,4,6,0,\n"
        "age,young,3,5,0,\nage,old,3,7,0,\n"
    )
    response = _upload(officer_client, f"/juries/{slug}/quotas/import", text)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # min_flex is understood (the relaxation the organiser allows, kept with the quota and
    # written back on export), so only the unknown column is reported
    assert "the column “notes” is not one we read" in html and "min_flex" not in html
    with app.app_context():
        assert db.session.scalars(
            db.select(JuryCategory.name).order_by(JuryCategory.position)
        ).all() == ["gender", "age"]
        assert [
            (v.value, v.min_count, v.max_count, v.min_flex, v.max_flex)
            for v in db.session.scalars(db.select(CategoryValue).order_by(CategoryValue.id))
        ] == [
            ("woman", 4, 6, 0, None),
            ("man", 4, 6, 0, None),
            ("young", 3, 5, 0, None),
            ("old", 3, 7, 0, None),
        ]
    with officer_client.get(f"/juries/{slug}/quotas/categories.csv") as exported:
        assert exported.get_data(as_text=True).splitlines()[:2] == [
            "category,name,min,max,min_flex,max_flex,category_label,name_label",
            "gender,woman,4,6,0,,Gender,Woman",
        ]
    bad = _upload(
        officer_client, f"/juries/{slug}/quotas/import", "category,name,min,max\ngender,woman,5,2\n"
    )
    assert bad.status_code == 400 and "line 2" in bad.get_data(as_text=True)


def test_the_jury_list_counts_each_pool(app, officer_client, make_pool_jury, slug_of):
    big, small = make_pool_jury(people=12), make_pool_jury(people=5)
    with app.app_context():
        person = db.session.scalars(
            db.select(Registrant).where(Registrant.jury_id == small)
        ).first()
        person.status = "withdrawn"
        db.session.commit()
        juries = [db.session.get(Jury, big), db.session.get(Jury, small)]
        assert queries.pool_counts_by_jury(juries) == {
            jury.id: services.pool_counts(jury) for jury in juries
        }
    page = officer_client.get("/juries/").get_data(as_text=True)
    assert "12 registered" in page and "5 registered" in page
