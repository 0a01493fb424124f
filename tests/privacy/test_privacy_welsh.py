"""Requests about personal data in Welsh (issue 19): finding a person's data, what is
held, everything held and the erasure, with their refusals, read in Welsh."""

from __future__ import annotations

from html import unescape

WELSH = {"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"}


def _welsh(client, url, data=None):  # type: ignore[no-untyped-def]
    if data is None:
        response = client.get(url, headers=WELSH)
    else:
        response = client.post(url, data=data, headers=WELSH)
    return response.status_code, unescape(response.text)


def test_finding_and_seeing_a_persons_data_in_welsh(officer, make_response, make_juror):
    made = make_response(email="sam.smith@example.org")
    make_juror(jury_status="selected", email="sam.smith@example.org")
    client = officer()
    status, find = _welsh(client, "/data-requests")
    assert status == 200 and '<html lang="cy"' in find
    assert "Dod o hyd i ddata unigolyn" in find
    assert "Sut ydych chi am ddod o hyd iddynt?" in find
    assert "Cyfeirnod derbynneb (ar gyfer ymateb i ymgynghoriad)" in find
    assert "Find a person's data" not in find

    status, refused = _welsh(client, "/data-requests", {"by": "reference", "key": "nonsense"})
    assert status >= 400 and "Mae problem" in refused
    assert "Rhowch y cyfeirnod fel y mae ar y dderbynneb" in refused
    status, nothing = _welsh(client, "/data-requests", {"by": "email", "key": "no@example.org"})
    assert "Nid ydym yn cadw dim a ganfuwyd drwy'r cyfeiriad e-bost hwnnw." in nothing

    status, found = _welsh(
        client, "/data-requests", {"by": "email", "key": "sam.smith@example.org"}
    )
    assert status == 200 and "Yr hyn rydym yn ei gadw" in found
    assert f"Ymateb {made['reference']}" in found and "Anfonwyd ar" in found
    assert "1 ateb ysgrifenedig" in found and "Rheithiwr " in found
    assert "Rhaid cadw rhywfaint o hyn am y tro" in found  # the juror's jury runs
    assert "yn gwasanaethu ar y rheithgor" in found
    assert "Dileu data'r unigolyn hwn" in found

    status, held = _welsh(
        client, "/data-requests/access", {"by": "email", "key": "sam.smith@example.org"}
    )
    assert status == 200 and "Popeth a gedwir" in held
    assert "Ymatebion i ymgynghoriadau" in held and "Am faint rydym yn ei gadw" in held
    assert "yn ôl cyfeiriad e-bost (ymatebion a chofrestriadau rheithgor)" in held


def test_erasing_in_welsh(officer, make_response):
    made = make_response()
    client = officer()
    key = {"by": "reference", "key": made["reference"]}
    status, refused = _welsh(client, "/data-requests/erase", {**key, "reason": ""})
    assert status >= 400 and "Rhowch pam rydych yn dileu hyn" in refused
    status, erased = _welsh(client, "/data-requests/erase", {**key, "reason": "Cais, 4 Rhagfyr"})
    assert status == 200 and "Data wedi'i ddileu" in erased
    assert "Ymatebion: 1" in erased and "Delio â chais arall" in erased
