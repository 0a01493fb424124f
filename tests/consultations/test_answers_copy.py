"""A copy of my answers (issue 15, item 10): the receipt offers a printable page of the
answers sent, only to the browser that sent them, and the receipt email carries them."""

from __future__ import annotations

import re

from tests.consultations.test_consultation_journey import _answer_everything, _start


def _send(client, every_kind, question_ids, about):  # type: ignore[no-untyped-def]
    ids = question_ids(every_kind(slug="buses"))
    _start(client, "buses")
    _answer_everything(client, "buses", ids)
    client.post("/consultations/buses/respond/about-you", data=about)
    check = client.get("/consultations/buses/respond/check").get_data(as_text=True)
    token = re.search(r'name="submit_token" value="([^"]+)"', check).group(1)
    sent = client.post(
        "/consultations/buses/respond/check", data={"submit_token": token, "consent": "yes"}
    )
    return sent.headers["Location"]


def test_the_receipt_links_a_printable_copy_for_this_browser_only(
    app, client, every_kind, question_ids
):
    receipt_url = _send(client, every_kind, question_ids, {"respondent_type": "individual"})
    receipt = client.get(receipt_url).get_data(as_text=True)
    link = re.search(r'href="([^"]+/answers)"', receipt).group(1)
    assert "View or print a copy of your answers" in receipt
    copy = client.get(link)
    assert copy.status_code == 200
    text = copy.get_data(as_text=True)
    reference = receipt_url.rsplit("/", 1)[1]
    assert reference in text and "Your answers" in text
    # what they wrote, as they wrote it (not the redacted text officers see)
    assert "More buses. Call me on 07700 900123." in text
    assert "Roads: £60; Parks: £40" in text and "Libraries, Parks" in text
    assert "data-print" in text and "consult-no-print" in text
    assert app.test_client().get(link).status_code == 404  # another browser: nothing


def test_the_receipt_email_carries_the_answers(app, client, every_kind, question_ids, caplog):
    caplog.set_level("INFO")
    _send(
        client,
        every_kind,
        question_ids,
        {"respondent_type": "individual", "email": "sam@example.com"},
    )
    mails = [r.getMessage() for r in caplog.records if "sam@example.com" in r.getMessage()]
    receipt_mail = next(m for m in mails if "Your response to" in m)
    assert "A copy of your answers" in receipt_mail
    assert "07700 900123" in receipt_mail and "Roads: £60; Parks: £40" in receipt_mail
