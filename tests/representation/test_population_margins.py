"""Population figures: entered on the page or imported from CSV, checked, and refused
whole (naming the dimension) when wrong."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from consult.extensions import db
from consult.models import AuditEntry, PopulationMargins

URL = "/workspace/population"
AGE = {
    "16-24": "14",
    "25-34": "18",
    "35-44": "17",
    "45-54": "16",
    "55-64": "14",
    "65-74": "12",
    "75+": "9",
}


def _form(**extra: str) -> dict[str, str]:
    data = {"action": "enter", "area": "", "source": "Census 2021, TS007A", "year": "2021"}
    data.update({f"share-age_band-{k}": v for k, v in AGE.items()})
    data.update(extra)
    return data


def _count(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(select(func.count(PopulationMargins.id))) or 0


def test_officer_enters_margins_on_the_page(app, officer_client):
    response = officer_client.post(
        URL,
        data=_form(
            **{
                "area-lines": "RV1 40\nRV2 60",
                "share-disability-yes": "20",
                "share-disability-no": "80",
            }
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        margins = db.session.scalar(select(PopulationMargins))
        assert margins.area == "" and margins.source == "Census 2021, TS007A"
        assert margins.year == 2021
        assert set(margins.shares) == {"age_band", "area", "disability"}
        assert abs(margins.shares["age_band"]["16-24"] - 0.14) < 1e-9
        assert margins.shares["area"] == {"RV1": 0.4, "RV2": 0.6}
        assert db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "population_margins.saved")
        )
    page = officer_client.get(URL).get_data(as_text=True)
    assert "Whole council area" in page and "16 to 24: 14.0%" in page


def test_shares_not_adding_to_100_are_refused_naming_the_dimension(app, officer_client):
    response = officer_client.post(URL, data=_form(**{"share-age_band-75+": "3"}))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Age: the shares add up to 94.0%, not 100%" in page
    assert "There is a problem" in page
    assert _count(app) == 0


def test_rounding_is_allowed(app, officer_client):
    response = officer_client.post(URL, data=_form(**{"share-age_band-75+": "9.4"}))
    assert response.status_code == 302
    assert _count(app) == 1


def test_csv_import_with_an_unknown_category_is_refused(app, officer_client):
    csv = b"dimension,category,share\nage_band,16-29,50\nage_band,30+,50\n"
    response = officer_client.post(
        URL,
        data={
            "action": "import",
            "source": "Census",
            "year": "2021",
            "file": (io.BytesIO(csv), "margins.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Age: &#39;16-29&#39;, &#39;30+&#39; are not among the about-you options" in page
    assert _count(app) == 0


def test_csv_import_saves_fractions_and_replaces_the_same_area(app, officer_client):
    def upload(text: bytes, year: str = "2021"):  # type: ignore[no-untyped-def]
        return officer_client.post(
            URL,
            data={
                "action": "import",
                "area": "North ward",
                "source": "Census",
                "year": year,
                "file": (io.BytesIO(text), "margins.csv"),
            },
            content_type="multipart/form-data",
        )

    assert (
        upload(b"dimension,category,share\ngender,woman,0.52\ngender,man,0.48\n").status_code == 302
    )
    assert (
        upload(b"dimension,category,share\ngender,woman,50%\ngender,man,50%\n", "2022").status_code
        == 302
    )
    with app.app_context():
        rows = db.session.scalars(select(PopulationMargins)).all()
        assert len(rows) == 1
        assert rows[0].area == "North ward" and rows[0].year == 2022
        assert rows[0].shares == {"gender": {"woman": 0.5, "man": 0.5}}


def test_csv_with_wrong_columns_or_a_bad_number_changes_nothing(app, officer_client):
    for text, words in (
        (b"dim,cat,value\nage_band,16-24,1\n", "The first row must be: dimension,category,share"),
        (b"dimension,category,share\ngender,woman,lots\n", "Row 2: the share"),
    ):
        response = officer_client.post(
            URL,
            data={
                "action": "import",
                "source": "Census",
                "year": "2021",
                "file": (io.BytesIO(text), "m.csv"),
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == 400
        assert words in response.get_data(as_text=True)
    assert _count(app) == 0


def test_missing_source_and_year_are_refused(app, officer_client):
    response = officer_client.post(URL, data=_form(source="", year="soon"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter where the figures come from" in page and "Enter the year" in page
    assert _count(app) == 0


def test_only_officers_reach_population_figures(app, client, make_user, sign_in):
    make_user("facilitator", email="f@council.example")
    assert client.get(URL).status_code == 302  # anonymous: to sign in
    sign_in(client, email="f@council.example")
    assert client.get(URL).status_code == 403
    assert client.post(URL, data=_form()).status_code in (400, 403)
    assert _count(app) == 0


def test_officer_removes_margins(app, officer_client, council_margins):
    response = officer_client.post(f"{URL}/{council_margins}/delete")
    assert response.status_code == 302
    assert _count(app) == 0
