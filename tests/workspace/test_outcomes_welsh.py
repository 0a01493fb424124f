""" "You said, we did" in Welsh (issue 19): officers write a Welsh version of the council's
response, reasons and progress notes beside the English; a Welsh visitor sees it, with
Welsh status labels, and sees the English inside lang="en-GB" with the note where there is
no Welsh version. The reasons rule still holds whatever the Welsh says."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from consult.extensions import db
from consult.models import Consultation, CouncilResponse, Jury, ProgressUpdate, Theme

WELSH = {"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"}
NOTE = "Nid yw'r cynnwys hwn ar gael yn Gymraeg"


def _page(app, url, headers=None):  # type: ignore[no-untyped-def]
    """The page's HTML with entities decoded (so "'" reads as written)."""
    response = app.test_client().get(url, headers=headers or {})
    assert response.status_code == 200
    return unescape(response.text)


def _respond(client, rec_id, **fields):  # type: ignore[no-untyped-def]
    return client.post(f"/workspace/recommendations/{rec_id}/response", data=fields)


def test_the_officer_saves_welsh_texts_and_a_welsh_visitor_reads_them(
    app, officer_client, finished_jury
):
    first, second, _ = finished_jury["recommendations"]
    saved = _respond(
        officer_client,
        first,
        status="not_accepted",
        text="We will not make buses free.",
        reasons="The budget does not allow it.",
        text_cy="Ni fyddwn yn gwneud bysiau'n rhad ac am ddim.",
        reasons_cy="Nid yw'r gyllideb yn caniatáu hynny.",
        publish="yes",
    )
    assert saved.status_code == 302
    with app.app_context():
        response = db.session.scalar(
            select(CouncilResponse).where(CouncilResponse.recommendation_id == first)
        )
        assert response.text_cy == "Ni fyddwn yn gwneud bysiau'n rhad ac am ddim."
        assert response.reasons_cy == "Nid yw'r gyllideb yn caniatáu hynny."
        response_id = response.id
    progress = officer_client.post(
        f"/workspace/council-responses/{response_id}/progress",
        data={"percent": "40", "note": "Costs checked.", "note_cy": "Costau wedi'u gwirio."},
    )
    assert progress.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ProgressUpdate.note_cy)) == "Costau wedi'u gwirio."
    _respond(officer_client, second, status="accepted", text="Yes, from April.", publish="yes")

    welsh = _page(app, "/you-said-we-did/juries/transport-jury", headers=WELSH)
    assert '<html lang="cy"' in welsh
    assert "Ni fyddwn yn gwneud bysiau'n rhad ac am ddim." in welsh
    assert "Nid yw'r gyllideb yn caniatáu hynny." in welsh
    assert "Costau wedi'u gwirio." in welsh
    assert "Ni dderbyniwyd" in welsh and "Derbyniwyd" in welsh  # the status labels
    assert "Not accepted" not in welsh and "We will not make buses free." not in welsh
    assert "Dywedoch chi, gwnaethom ni" in welsh and "Argymhellodd y rheithgor" in welsh
    # the second response has no Welsh: its English shows inside lang="en-GB", with the note
    assert '<span lang="en-GB">Yes, from April.</span>' in welsh
    assert NOTE in welsh
    # the jury's own words (no Welsh version) are marked English too
    assert '<span lang="en-GB">Free buses for under-18s</span>' in welsh

    feed = {item["title"]: item for item in app.test_client().get("/api/v1/outcomes").json}
    free = feed["Free buses for under-18s"]
    assert free["response"]["text_cy"] == "Ni fyddwn yn gwneud bysiau'n rhad ac am ddim."
    assert free["response"]["reasons_cy"] == "Nid yw'r gyllideb yn caniatáu hynny."
    assert free["progress_updates"][0]["note_cy"] == "Costau wedi'u gwirio."
    assert feed["A 20 mph limit"]["response"]["text_cy"] is None

    english = _page(app, "/you-said-we-did/juries/transport-jury")
    assert "We will not make buses free." in english and "Not accepted" in english
    assert "Ni fyddwn" not in english and NOTE not in english
    assert 'lang="en-GB">' not in english.split("<main", 1)[1]


def test_the_jury_title_in_welsh_and_the_jurys_english_words_with_the_note(
    app, officer_client, finished_jury
):
    first = finished_jury["recommendations"][0]
    _respond(
        officer_client,
        first,
        status="accepted",
        text="Yes.",
        text_cy="Ie.",
        publish="yes",
    )
    with app.app_context():
        jury = db.session.get(Jury, finished_jury["id"])
        jury.title_cy = "Rheithgor trafnidiaeth"
        db.session.commit()
    welsh = _page(app, "/you-said-we-did/juries/transport-jury", headers=WELSH)
    assert "<title>Dywedoch chi, gwnaethom ni: Rheithgor trafnidiaeth" in welsh
    assert re.search(r'<h1 class="govuk-heading-l">\s*Rheithgor trafnidiaeth', welsh)
    index = _page(app, "/you-said-we-did/", headers=WELSH)
    assert "Rheithgor trafnidiaeth" in index and "Dim wedi'i gyhoeddi eto." in index
    # the recommendations are the jury's words in English: the note says so
    assert NOTE in welsh


def test_a_theme_response_in_welsh_on_the_consultation_page(
    app, officer_client, closed_consultation
):
    from tests.workspace.test_pages import _start, _themes

    run_id = _start(officer_client, closed_consultation["id"])
    theme_id, _, _ = _themes(app, run_id, closed_consultation["questions"][0])[0]
    saved = officer_client.post(
        f"/workspace/themes/{theme_id}/response",
        data={
            "status": "under_consideration",
            "text": "We are looking at it.",
            "reasons": "Costs are not known yet.",
            "reasons_cy": "Nid yw'r costau'n hysbys eto.",
            "publish": "yes",
        },
    )
    assert saved.status_code == 302
    welsh = _page(app, "/you-said-we-did/consultations/park-plan", headers=WELSH)
    assert "Yn cael ei ystyried" in welsh  # Under consideration
    assert "Nid yw'r costau'n hysbys eto." in welsh
    assert '<span lang="en-GB">We are looking at it.</span>' in welsh  # no Welsh text
    assert NOTE in welsh and "Dywedoch chi:" in welsh
    assert '<div class="govuk-inset-text" lang="en-GB">“' in welsh  # residents' English words
    assert re.search(r"Cododd \d+ o bobl \(\d+% o'r rhai a atebodd\) hyn\.", welsh)


def test_reasons_are_still_required_whatever_the_welsh_says(app, officer_client, finished_jury):
    first = finished_jury["recommendations"][0]
    refused = _respond(
        officer_client,
        first,
        status="accepted_in_part",
        text="On some routes.",
        reasons_cy="Dim ond ar rai llwybrau.",
    )
    assert refused.status_code == 422
    assert "Enter the reasons" in refused.text
    assert "Dim ond ar rai llwybrau." in refused.text  # what was typed stays
    with app.app_context():
        assert db.session.scalar(select(CouncilResponse)) is None


def test_the_officer_sees_what_lacks_a_welsh_version_before_publishing(
    app, officer_client, finished_jury
):
    first = finished_jury["recommendations"][0]
    _respond(
        officer_client,
        first,
        status="not_accepted",
        text="No.",
        reasons="Too dear.",
        text_cy="Na.",
    )
    page = officer_client.get(f"/workspace/recommendations/{first}/response").text
    assert "No Welsh version yet: reasons." in page
    assert "Not published" in page
    _respond(
        officer_client,
        first,
        status="not_accepted",
        text="No.",
        reasons="Too dear.",
        text_cy="Na.",
        reasons_cy="Rhy ddrud.",
    )
    page = officer_client.get(f"/workspace/recommendations/{first}/response").text
    assert "No Welsh version yet" not in page
    assert 'name="reasons_cy"' in page and "Rhy ddrud." in page


def test_no_note_when_everything_shown_has_its_welsh(app, officer_client, closed_consultation):
    from tests.workspace.test_pages import _start, _themes

    run_id = _start(officer_client, closed_consultation["id"])
    theme_id, _, _ = _themes(app, run_id, closed_consultation["questions"][0])[0]
    officer_client.post(
        f"/workspace/themes/{theme_id}/response",
        data={"status": "accepted", "text": "Yes.", "text_cy": "Ie.", "publish": "yes"},
    )
    with app.app_context():
        consultation = db.session.get(Consultation, closed_consultation["id"])
        consultation.title_cy = "Cynllun y parc"
        consultation.questions[0].prompt_cy = "Beth ydych chi'n ei hoffi am y cynllun?"
        for theme in db.session.scalars(select(Theme).where(Theme.run_id == run_id)):
            theme.language = "cy"  # as analysis marks a theme of answers written in Welsh
        db.session.commit()
    welsh = _page(app, "/you-said-we-did/consultations/park-plan", headers=WELSH)
    assert "Cynllun y parc" in welsh and "Beth ydych chi'n ei hoffi am y cynllun?" in welsh
    assert "Ie." in welsh and NOTE not in welsh
    assert 'lang="en-GB">' not in welsh.split('id="main-content"', 1)[1].split("Data agored")[0]
    english = _page(app, "/you-said-we-did/consultations/park-plan")
    assert '<h3 class="govuk-heading-m" id="theme-' in english
    assert re.search(r'You said: <span lang="cy">', english)  # the Welsh theme, marked
    assert '<div class="govuk-inset-text" lang="cy">“' in english  # and its quotes


def test_the_register_saves_welsh_texts_and_keeps_them_when_saved_again(
    app, officer_client, finished_jury
):
    url = f"/workspace/juries/{finished_jury['id']}/responses"
    row = {"row-0-status": "accepted", "row-0-text": "Yes.", "row-0-text_cy": "Ie, o fis Ebrill."}
    assert officer_client.post(url, data=row).status_code == 302
    page = officer_client.get(url).text
    shown = re.search(r'<textarea[^>]*name="row-0-text_cy"[^>]*>([^<]*)</textarea>', page)
    assert shown and shown.group(1) == "Ie, o fis Ebrill."
    # saved again as the page shows it (the English changed): the Welsh stays
    edited = {**row, "row-0-text": "Yes, from April.", "row-0-text_cy": shown.group(1)}
    assert officer_client.post(url, data=edited).status_code == 302
    with app.app_context():
        saved = db.session.scalar(select(CouncilResponse))
        assert (saved.text, saved.text_cy) == ("Yes, from April.", "Ie, o fis Ebrill.")
