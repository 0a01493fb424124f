"""The public registration form: answers with "prefer not to say", consent, duplicates
refused politely, households detected from the address."""

from __future__ import annotations

from consult.extensions import db
from consult.juries.services import household_key
from consult.models import Jury, Registrant


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "first_name": "Amina",
        "last_name": "Okafor",
        "email": "amina@example.org",
        "phone": "07700 900123",
        "address_line": "12 High Street",
        "postcode": "RV1 2AB",
        "feature-gender": "woman",
        "feature-age": "prefer_not_to_say",
        "consent": "y",
    }
    data.update(overrides)
    return data


def test_resident_registers_with_prefer_not_to_say(app, client, make_pool_jury, slug_of):
    jury_id = make_pool_jury(people=0)
    slug = slug_of(jury_id)
    page = client.get(f"/juries/{slug}/register")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Prefer not to say" in html and "16 to 39" in html
    response = client.post(f"/juries/{slug}/register", data=_form())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/juries/{slug}/registered")
    with app.app_context():
        person = db.session.scalar(db.select(Registrant).where(Registrant.jury_id == jury_id))
        assert person.features == {"gender": "woman", "age": "prefer_not_to_say"}
        assert person.consented_at is not None
        assert person.household_key == household_key("12 High Street", "RV1 2AB")


def test_second_registration_with_the_same_email_is_refused_politely(
    app, client, make_pool_jury, slug_of
):
    slug = slug_of(make_pool_jury(people=0))
    assert client.post(f"/juries/{slug}/register", data=_form()).status_code == 302
    again = client.post(
        f"/juries/{slug}/register", data=_form(first_name="Ami", email="AMINA@example.org")
    )
    assert again.status_code == 409
    assert "already registered" in again.get_data(as_text=True)


def test_same_name_and_postcode_is_a_duplicate_even_with_another_email(
    client, make_pool_jury, slug_of
):
    slug = slug_of(make_pool_jury(people=0))
    client.post(f"/juries/{slug}/register", data=_form())
    again = client.post(
        f"/juries/{slug}/register",
        data=_form(email="other@example.org", first_name="amina", postcode="rv12ab"),
    )
    assert again.status_code == 409


def test_a_second_person_at_the_same_address_may_register_and_shares_the_household(
    app, client, make_pool_jury, slug_of
):
    jury_id = make_pool_jury(people=0)
    slug = slug_of(jury_id)
    client.post(f"/juries/{slug}/register", data=_form())
    partner = client.post(
        f"/juries/{slug}/register",
        data=_form(
            first_name="Tunde",
            email="tunde@example.org",
            address_line="12, HIGH   Street.",
            postcode="rv1 2ab",
            **{"feature-gender": "man"},
        ),
    )
    assert partner.status_code == 302
    with app.app_context():
        keys = db.session.scalars(
            db.select(Registrant.household_key).where(Registrant.jury_id == jury_id)
        ).all()
    assert len(keys) == 2 and keys[0] == keys[1]


def test_registration_needs_consent_and_an_answer_per_category(client, make_pool_jury, slug_of):
    slug = slug_of(make_pool_jury(people=0))
    data = _form()
    del data["consent"]
    del data["feature-age"]
    response = client.post(f"/juries/{slug}/register", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Tick the box to agree" in html
    assert "Answer &#39;Age&#39;, or choose &#39;Prefer not to say&#39;" in html


def test_registration_closed_page_when_the_officer_closes_it(app, client, make_pool_jury, slug_of):
    jury_id = make_pool_jury(people=0)
    with app.app_context():
        db.session.get(Jury, jury_id).registration_open = False
        db.session.commit()
    response = client.get(f"/juries/{slug_of(jury_id)}/register")
    assert "Registration has closed" in response.get_data(as_text=True)
    refused = client.post(f"/juries/{slug_of(jury_id)}/register", data=_form())
    assert "Registration has closed" in refused.get_data(as_text=True)


def test_household_key_ignores_case_punctuation_and_spacing():
    assert household_key("Flat 3, 10 Mill Lane", "RV3 4CD") == household_key(
        "flat 3 10 mill lane", "rv3  4cd"
    )
    assert household_key("Flat 3, 10 Mill Lane", "RV3 4CD") != household_key(
        "Flat 4, 10 Mill Lane", "RV3 4CD"
    )
    assert household_key("", "") is None
