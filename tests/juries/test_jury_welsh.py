"""A jury in Welsh (issue 19): the public page and the whole registration journey render
in Welsh with no English word left but names, a jury's Welsh texts are shown (its English
ones, when there is no Welsh version, inside lang="en-GB" under the fallback note), the
registrant's language is kept and their invitation email is written in it."""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser

from consult.dates import WELSH_MONTHS
from consult.extensions import db
from consult.models import Jury, Registrant, SelectionDraw
from tests.conftest import without_codes
from tests.consultations.test_bilingual_browser import ALLOWED, ENGLISH_WORDS
from tests.juries.test_jury_registration import _form as registration_form

WELSH = {"Accept-Language": "cy"}
# More English words these pages would show if a string were left untranslated.
JURY_WORDS = {
    "jury", "register", "registered", "registration", "lottery", "draw", "chosen", "raise",
    "hand", "vote", "ideas", "room", "table", "session", "sessions", "speak", "nobody",
    "waiting", "gallery", "results", "recommendations", "polls", "welcome", "time", "left",
    "there", "problem", "enter", "first", "name", "address", "postcode", "invitation",
}  # fmt: skip
WELSH_TEXTS = {
    "title_cy": "Rheithgor trafnidiaeth",
    "question_cy": "Sut dylem ni deithio o gwmpas y dref?",
    "description_cy": "Mae'r cyngor eisiau clywed gan bobl leol.\n\nDewch i gymryd rhan.",
}
# Welsh words spelt like English ones ("na all neb": "no one can"; "Mae problem").
WELSH_HOMOGRAPHS = {"all", "problem"}
# The officer's categories in English, and the Welsh versions `welsh_jury` gives them
# (`label_cy`, entered on the quotas page).
BILINGUAL_CATEGORIES = (
    ("gender", "Gender", (("woman", "Woman", 3, 5), ("man", "Man", 3, 5))),
    ("age", "Age", (("young", "16 to 39", 2, 4), ("old", "40 and over", 2, 6))),
)
WELSH_LABELS = {
    "Gender": "Rhywedd",
    "Woman": "Menyw",
    "Man": "Dyn",
    "Age": "Oedran",
    "16 to 39": "16 i 39",
    "40 and over": "40 a hŷn",
}
# A jury whose officer wrote its categories in Welsh only.
WELSH_CATEGORIES = (
    ("gender", "Rhywedd", (("woman", "Menyw", 3, 5), ("man", "Dyn", 3, 5))),
    ("age", "Oedran", (("young", "16 i 39", 2, 4), ("old", "40 a hŷn", 2, 6))),
)


class _Visible(HTMLParser):
    """The text a page shows or speaks: its title, body text and aria-labels (not scripts,
    styles or the JSON catalogue)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [value or "" for name, value in attrs if name == "aria-label"]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def english_left(html: str, names: tuple[str, ...] = ()) -> list[str]:
    """English words a Welsh page shows (names, addresses and codes aside)."""
    finder = _Visible()
    finder.feed(html)
    text = re.sub(r"https?://\S+|/\S+", " ", without_codes(" ".join(finder.parts)))
    for name in (*ALLOWED, *names):
        text = text.replace(name, " ")
    words = set(re.findall(r"[A-Za-z]+", text))
    english = (ENGLISH_WORDS | JURY_WORDS) - WELSH_HOMOGRAPHS
    return sorted(w for w in words if w.lower() in english)


def welsh_jury(app, make_pool_jury, **options) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """A recruiting jury with the Welsh versions of its texts (WELSH_TEXTS) and of its
    categories' and answers' labels (WELSH_LABELS)."""
    jury_id = make_pool_jury(people=0, quotas=BILINGUAL_CATEGORIES, **options)
    with app.app_context():
        jury = db.session.get(Jury, jury_id)
        for name, text in WELSH_TEXTS.items():
            setattr(jury, name, text)
        for category in jury.categories:
            category.label_cy = WELSH_LABELS.get(category.label)
            for value in category.values:
                value.label_cy = WELSH_LABELS.get(value.label)
        db.session.commit()
        return jury_id, jury.slug


def _form(**overrides: str) -> dict[str, str]:
    return registration_form(**{"address_line": "12 Stryd Fawr", **overrides})


def test_the_registration_journey_is_all_welsh(app, client, make_pool_jury):
    jury_id, slug = welsh_jury(app, make_pool_jury)
    public = client.get(f"/juries/{slug}", headers=WELSH).text
    assert '<html lang="cy"' in public
    assert "Rheithgor trafnidiaeth" in public and "Sut dylem ni deithio" in public
    assert (
        "Cofrestru eich diddordeb" in public and "Sut mae'r rheithgor yn cael ei ddewis" in public
    )
    assert 'id="translation-note"' not in public
    assert not english_left(public, ("LEXIMIN", "Flanigan", "Nature")), english_left(public)

    form = client.get(f"/juries/{slug}/register", headers=WELSH).text
    assert "Mae'n well gennyf beidio â dweud" in form and "Enw cyntaf" in form
    assert not english_left(form), english_left(form)

    # a refused form: the error summary, the messages and the title are Welsh too
    refused = client.post(
        f"/juries/{slug}/register",
        data=_form(first_name="", consent="", **{"feature-age": ""}),
        headers=WELSH,
    )
    assert refused.status_code == 400
    page = refused.text
    assert "Mae problem" in page and "Rhowch eich enw cyntaf" in page
    assert "Atebwch 'Oedran', neu dewiswch" in page.replace("&#39;", "'")
    assert "<title>Gwall:" in page
    assert not english_left(page, ("Okafor", "Amina")), english_left(page)

    done = client.post(f"/juries/{slug}/register", data=_form(), headers=WELSH)
    assert done.status_code == 302
    registered = client.get(done.headers["Location"], headers=WELSH).text
    assert "Rydych wedi cofrestru" in registered
    assert not english_left(registered), english_left(registered)
    with app.app_context():
        assert db.session.scalar(db.select(Registrant.language)) == "cy"

    again = client.post(f"/juries/{slug}/register", data=_form(), headers=WELSH)
    assert "Rydych eisoes wedi cofrestru" in again.text
    with app.app_context():
        db.session.get(Jury, jury_id).registration_open = False
        db.session.commit()
    closed = client.get(f"/juries/{slug}/register", headers=WELSH).text
    assert "Mae'r cofrestru wedi cau" in closed
    assert not english_left(closed), english_left(closed)


def test_english_registration_is_unchanged_and_recorded_as_english(app, client, make_pool_jury):
    _jury_id, slug = welsh_jury(app, make_pool_jury)
    page = client.get(f"/juries/{slug}/register").text
    assert "Register your interest" in page and "Rheithgor" not in page
    assert client.post(f"/juries/{slug}/register", data=_form()).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Registrant.language)) == "en"


def test_a_jury_without_welsh_texts_falls_back_to_english_with_the_note(
    client, make_pool_jury, slug_of
):
    slug = slug_of(make_pool_jury(people=0, quotas=WELSH_CATEGORIES))
    page = client.get(f"/juries/{slug}", headers=WELSH).text
    assert 'id="translation-note"' in page and "Nid yw'r cynnwys hwn ar gael yn Gymraeg" in page
    assert re.search(r'<h1 class="govuk-heading-l"><span lang="en-GB">Jury \d+</span></h1>', page)
    assert '<p class="govuk-body-l" lang="en-GB">How should we get around?</p>' in page
    assert "Cofrestru eich diddordeb" in page


def test_the_invitation_and_its_email_are_in_the_language_the_person_registered_in(
    app, officer_client, make_pool_jury, slug_of, caplog, monkeypatch
):
    jury_id = make_pool_jury(seed="panel seed")
    slug = slug_of(jury_id)
    with app.app_context():
        jury = db.session.get(Jury, jury_id)
        jury.title_cy = "Rheithgor trafnidiaeth"
        for registrant in jury.registrants:
            registrant.language = "cy"
            registrant.email = f"person{registrant.id}@example.org"
        db.session.commit()
    drawn = officer_client.post(f"/juries/{slug}/draw", data={"algorithm": "leximin"})
    assert drawn.status_code == 302
    with app.app_context():
        draw_id = db.session.scalar(
            db.select(SelectionDraw.id).where(SelectionDraw.jury_id == jury_id)
        )
    assert officer_client.post(f"/juries/{slug}/draws/{draw_id}/confirm").status_code == 302
    monkeypatch.setattr(logging.getLogger("consult.mail"), "disabled", False)
    caplog.set_level("INFO", logger="consult.mail")
    sent = officer_client.post(
        f"/juries/{slug}/invitations", data={"scope": "new", "send_email": "y", "days_valid": "30"}
    )
    assert sent.status_code == 200
    # the printed sheets are in the registrants' language too, the page around them English
    assert sent.text.count('class="consult-card consult-print-sheet" lang="cy"') == 8
    assert "sganiwch y cod gyda chamera eich ffôn" in sent.text.replace("&#39;", "'")
    assert "Print or save this page now" in sent.text
    mails = [r.getMessage() for r in caplog.records if "subject=" in r.getMessage()]
    assert len(mails) == 8
    mail = mails[0]
    assert "subject=Rydych wedi cael eich dewis ar gyfer Rheithgor trafnidiaeth" in mail
    assert "Annwyl " in mail and "drwy loteri i wasanaethu ar Rheithgor trafnidiaeth" in mail
    assert "rhowch eich cod ymuno" in mail
    months = "|".join(WELSH_MONTHS)
    assert re.search(rf"dod i ben ar \d+ ({months}) \d{{4}}", mail)
    assert "You have been chosen" not in mail and "Dear " not in mail


def test_the_officer_enters_the_welsh_versions_in_the_jury_settings(
    app, client, officer_client, make_pool_jury, slug_of
):
    jury_id = make_pool_jury(people=0)
    slug = slug_of(jury_id)
    settings = officer_client.get(f"/juries/{slug}/manage").text
    assert "Title (Welsh version)" in settings
    assert "No Welsh version yet: Title, question." in settings  # the pool jury has no description
    saved = officer_client.post(
        f"/juries/{slug}/manage",
        data={
            "title": "Transport jury",
            "question": "How should we get around?",
            "panel_size": "8",
            "registration_open": "y",
            "title_cy": "  Rheithgor trafnidiaeth ",
            "question_cy": "Sut dylem ni deithio?",
            "description_cy": "",
        },
    )
    assert saved.status_code == 302
    with app.app_context():
        jury = db.session.get(Jury, jury_id)
        assert (jury.title_cy, jury.question_cy) == (
            "Rheithgor trafnidiaeth",
            "Sut dylem ni deithio?",
        )
        assert jury.description_cy is None  # empty: the English shows
    welsh = client.get(f"/juries/{slug}", headers=WELSH).text
    assert '<h1 class="govuk-heading-l">Rheithgor trafnidiaeth</h1>' in welsh
    assert 'id="translation-note"' not in welsh  # no English description to fall back to
    assert "Transport jury" in client.get(f"/juries/{slug}").text
    assert 'id="missing-welsh"' not in officer_client.get(f"/juries/{slug}/manage").text
