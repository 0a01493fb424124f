"""The demo council shows all four parts: population figures, who answered against who
lives here on its consultations, weighted results, and its finished jury's questionnaire."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.extensions import db

pytestmark = pytest.mark.slow


def test_demo_council_shows_representation_weighting_and_what_changed(
    app, runner, monkeypatch, client, sign_in
):
    from consult.models import Consultation, Jury, PopulationMargins

    monkeypatch.setenv("DEMO_PASSWORD", "demo password for tests")
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "Population figures: age_band, gender, ethnicity, disability, area" in result.output
    with app.app_context():
        margins = db.session.scalar(select(PopulationMargins))
        assert margins.area == "" and margins.year == 2021
        park = db.session.scalar(
            select(Consultation).where(Consultation.slug == "millbrook-park-masterplan")
        )
        climate = db.session.scalar(select(Jury).where(Jury.slug == "climate-jury"))
        park_id, park_slug, climate_id, climate_slug = park.id, park.slug, climate.id, climate.slug
    sign_in(client, email="officer@riverside.example", password="demo password for tests")
    page = client.get(f"/workspace/consultations/{park_id}/representation").get_data(as_text=True)
    assert "of residents and" in page  # flags in words
    assert "Weighted on" in page and "Design effect" in page
    jury_page = client.get(f"/workspace/juries/{climate_id}/questionnaire").get_data(as_text=True)
    assert "members who answered both times agreed more strongly" in jury_page
    panel = client.get(f"/workspace/juries/{climate_id}/representation").get_data(as_text=True)
    assert "Panel (20 people)" in panel and "Woman" in panel  # its gender set against the area
    assert "Gender is not compared" not in panel
    report = client.get(f"/workspace/juries/{climate_id}/export.docx")
    assert report.status_code == 200 and report.data[:2] == b"PK"
    public = client.get(f"/you-said-we-did/juries/{climate_slug}").get_data(as_text=True)
    assert "What deliberation changed" in public
    summary = client.get(f"/you-said-we-did/consultations/{park_slug}").get_data(as_text=True)
    assert "Who answered, against who lives here" in summary
