"""Issue 14, M8 and L8: the jury pool import and the quotas import read files with a
byte-order mark (Excel's UTF-16 "Unicode text") right, and answer a cell over the CSV
limit or a UTF-16 file without its mark with a clear 400, never a 500."""

from __future__ import annotations

import pytest

from consult.extensions import db
from consult.models import CategoryValue, Registrant
from tests.juries.test_jury_pool import RESPONDENTS, _upload

CATEGORIES = "category,name,min,max\ngender,woman,1,3\ngender,man,1,3\nage,young,0,4\n"
MARKS = {"utf-8": b"\xef\xbb\xbf", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}


def _post(client, url: str, content: bytes):  # type: ignore[no-untyped-def]
    import io

    return client.post(
        url,
        data={"file": (io.BytesIO(content), "file.csv")},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("encoding", sorted(MARKS))
def test_pool_import_reads_a_file_with_a_byte_order_mark(
    app, officer_client, make_pool_jury, slug_of, encoding
):
    jury_id = make_pool_jury(people=0)
    text = RESPONDENTS.replace("Ada", "Zoë")
    response = _post(
        officer_client,
        f"/juries/{slug_of(jury_id)}/pool/import",
        MARKS[encoding] + text.encode(encoding),
    )
    assert response.status_code == 200
    assert "3 people added" in response.get_data(as_text=True)
    with app.app_context():
        names = db.session.scalars(db.select(Registrant.first_name).order_by(Registrant.id)).all()
        assert names == ["Zoë", "Alan", "Grace"]


@pytest.mark.parametrize("path", ["pool/import", "quotas/import"])
def test_a_cell_over_the_csv_limit_is_a_clear_400(
    app, officer_client, make_pool_jury, slug_of, path
):
    jury_id = make_pool_jury(people=0)
    text = (RESPONDENTS if path == "pool/import" else CATEGORIES) + "X," + "y" * 200_000 + "\n"
    response = _upload(officer_client, f"/juries/{slug_of(jury_id)}/{path}", text)
    assert response.status_code == 400
    assert "has a cell longer than 131,072 characters" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Registrant.id))) == 0


@pytest.mark.parametrize("path", ["pool/import", "quotas/import"])
def test_utf16_without_its_mark_is_refused_saying_why(
    app, officer_client, make_pool_jury, slug_of, path
):
    jury_id = make_pool_jury(people=0)
    text = RESPONDENTS if path == "pool/import" else CATEGORIES
    response = _post(officer_client, f"/juries/{slug_of(jury_id)}/{path}", text.encode("utf-16-le"))
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


def test_quotas_import_reads_utf16(app, officer_client, make_pool_jury, slug_of):
    jury_id = make_pool_jury(people=0)
    response = _post(
        officer_client,
        f"/juries/{slug_of(jury_id)}/quotas/import",
        MARKS["utf-16-le"] + CATEGORIES.encode("utf-16-le"),
    )
    assert response.status_code in (200, 302)
    with app.app_context():
        values = db.session.scalars(db.select(CategoryValue.value).order_by(CategoryValue.id))
        assert list(values) == ["woman", "man", "young"]
