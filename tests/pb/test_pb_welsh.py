"""Participatory budgeting in Welsh (issue 19): a resident reading in Welsh sees the whole
PB journey (the rounds, a round's page, a proposal, proposing an idea, the eligibility
check, voting with each kind of ballot and its messages, the confirmation and the results)
with no English interface text; a round's Welsh title, summary and area are shown, and
where an officer gave none the English shows inside lang="en-GB" with the note; officers
enter the Welsh on the round's settings, whose page lists what still lacks a Welsh
version. Proposals are residents' own words and show as written."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from consult.extensions import db
from consult.models import PBRound
from tests.conftest import without_codes

WELSH = {"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"}
NOTE = "Nid yw'r cynnwys hwn ar gael yn Gymraeg"
WELSH_TEXTS = {
    "title_cy": "Cronfa ieuenctid",
    "summary_cy": "Chi sy'n dewis sut i wario'r arian.\n\nMae'r rheolau isod.",
    "area_cy": "Bwrdeistref Glan-yr-afon",
}
# English words common in these pages and not Welsh: any of them in the visible text of
# a Welsh page (residents' own words and text marked lang="en-GB" aside) is a string left
# untranslated.
ENGLISH_WORDS = {
    "the", "and", "your", "you", "to", "of", "for", "with", "this", "that", "what", "we",
    "it", "on", "in", "not", "by", "from", "will", "has", "have", "was", "were", "is",
    "are", "can", "choose", "vote", "votes", "voting", "voted", "project", "projects",
    "budget", "ballot", "ballots", "costs", "idea", "ideas", "points", "point",
    "choice", "first", "second", "third", "funded", "results", "round", "proposed",
    "propose", "postcode", "birth", "date", "name", "email", "send", "continue", "back",
    "change", "about", "optional", "prefer", "say", "age", "under", "over", "left",
    "spent", "reference", "counted", "counting", "rule", "checksum", "timetable", "fair",
    "voters", "supporter", "supporters", "anyone", "lives", "works", "studies", "aged",
    "error", "there", "enter", "code", "card", "feasible", "assessment",
    "estimated", "resident", "participatory", "budgeting", "equal", "shares", "method",
}  # fmt: skip
# Residents' proposals (tests/pb/conftest.py PROPOSALS) and officers' published reasons are
# content, shown as written; names and technical strings stay as they are.
CONTENT = (
    "Skate park lights",
    "Youth music studio",
    "Free bus passes for under 18s",
    "Pitch drainage",
    "Climbing wall",
    "for young people.",
    "Shared room at the library instead of a new build.",
    "Bus fares are set by the county council, not by us.",
    "Riverside Borough Council",
    "Hillside",
    "Oldtown",
    "Riverside",
    "English",
    "seed:project id",
    "published-seed",
    "Add1",
)


class _Visible(HTMLParser):
    """The text people see or hear on a page: visible text, the title and aria-labels,
    leaving out scripts, styles, <code> and anything marked as English (lang="en-GB")."""

    SKIP = ("script", "style", "code", "template")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._stack: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        skipped = tag in self.SKIP or (values.get("lang") or "").startswith("en")
        if tag == "html":
            skipped = False
        if tag not in ("meta", "link", "input", "br", "img", "hr", "source"):
            self._stack.append(skipped or (bool(self._stack) and self._stack[-1]))
        if values.get("aria-label") and not (self._stack and self._stack[-1]):
            self.parts.append(values["aria-label"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("meta", "link", "input", "br", "img", "hr", "source") and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self._stack and self._stack[-1]):
            self.parts.append(data)


def english_left(html: str) -> list[str]:
    finder = _Visible()
    finder.feed(html)
    text = without_codes(" ".join(finder.parts))
    for name in CONTENT:
        text = text.replace(name, " ")
    text = re.sub(r"https?://\S+|/pb/\S+", " ", text)
    return sorted({w for w in re.findall(r"[A-Za-z]+", text) if w.lower() in ENGLISH_WORDS})


def welsh_page(client, path: str, *, status: int = 200, **post: object) -> str:  # type: ignore[no-untyped-def]
    if post:
        response = client.post(path, data=post, headers=WELSH)
    else:
        response = client.get(path, headers=WELSH)
    assert response.status_code == status, (path, response.status_code)
    html = response.get_data(as_text=True)
    assert '<html lang="cy"' in html
    left = english_left(html)
    assert not left, f"{path}: English left on a Welsh page: {left}"
    return unescape(html)


def _in_welsh(app, made):  # type: ignore[no-untyped-def]
    with app.app_context():
        pb_round = db.session.get(PBRound, made["id"])
        for name, text in WELSH_TEXTS.items():
            setattr(pb_round, name, text)
        db.session.commit()
    return made


def test_a_welsh_visitor_sees_the_rounds_a_round_and_proposes_an_idea_in_welsh(
    app, client, make_pb_round
):
    made = _in_welsh(app, make_pb_round("proposals"))
    slug = made["slug"]
    page = welsh_page(client, "/pb/")
    assert "Cyllidebu cyfranogol" in page and "Cronfa ieuenctid" in page
    assert "Bwrdeistref Glan-yr-afon" in page and "Yn casglu syniadau" in page
    page = welsh_page(client, f"/pb/{slug}")
    assert "Chi sy'n dewis sut i wario'r arian." in page and "Mae'r rheolau isod." in page
    assert "Cynnig prosiect" in page and "Amserlen" in page and "£15,000" in page
    assert "rhwng 11 a 25 oed" in page and NOTE not in page
    assert "Dull Cyfrannau Cyfartal" in page
    page = welsh_page(client, f"/pb/{slug}/propose")
    assert "Enw eich prosiect" in page and "Anfon fy syniad" in page
    # a form with nothing in it: the messages are Welsh too
    page = welsh_page(client, f"/pb/{slug}/propose", status=400, title="", description="")
    assert "Rhowch enw ar gyfer eich prosiect" in page and "Disgrifiwch eich prosiect" in page
    response = client.post(
        f"/pb/{slug}/propose",
        data={
            "title": "Meinciau yn y parc",
            "description": "Meinciau newydd wrth y pwll.",
            "ward": "Hillside",
            "estimated_cost": "2000",
        },
        headers=WELSH,
    )
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "Syniad wedi dod i law" in html
    assert not english_left(html), english_left(html)
    reference = re.search(r"PBP-[A-Z0-9-]+", html)
    assert reference is not None
    page = welsh_page(client, f"/pb/{slug}/proposals/{reference.group(0)}")
    assert "Meinciau yn y parc" in page and "Cost amcangyfrifedig" in page
    assert "Heb ei asesu eto" in page and "Cynigiwyd gan" in page


def test_english_visitors_still_read_the_english_round(app, client, make_pb_round):
    made = _in_welsh(app, make_pb_round("proposals"))
    page = client.get(f"/pb/{made['slug']}").get_data(as_text=True)
    assert '<html lang="en-GB"' in page and "Youth fund" in page and "Propose a project" in page
    assert "Cronfa ieuenctid" not in page and "Anyone who lives, works or studies" in page


def test_without_a_welsh_version_the_english_shows_marked_with_the_note(app, client, make_pb_round):
    made = make_pb_round("voting", codes=1)
    page = unescape(client.get(f"/pb/{made['slug']}", headers=WELSH).get_data(as_text=True))
    assert NOTE in page
    assert re.search(r'<h1 class="govuk-heading-l"><span lang="en-GB">Youth fund \d+</span>', page)
    assert "Pleidleisio nawr" in page  # the interface is Welsh all the same
    english = client.get(f"/pb/{made['slug']}").get_data(as_text=True)
    assert NOTE not in english and 'lang="en-GB">Youth' not in english
    _in_welsh(app, made)
    page = unescape(client.get(f"/pb/{made['slug']}", headers=WELSH).get_data(as_text=True))
    assert NOTE not in page and "Cronfa ieuenctid" in page


def _vote_in_welsh(client, slug: str, code: str) -> str:  # type: ignore[no-untyped-def]
    page = welsh_page(client, f"/pb/{slug}/vote")
    assert "Rhowch y cod pleidleisio o'ch cerdyn" in page
    page = welsh_page(client, f"/pb/{slug}/vote", status=400, code="WRONG-CODE")
    assert "Nid yw'r cod pleidleisio hwnnw'n gywir" in page
    response = client.post(f"/pb/{slug}/vote", data={"code": code}, headers=WELSH)
    assert response.status_code == 302
    page = welsh_page(client, f"/pb/{slug}/ballot")
    assert "Pa brosiectau a ddylai gael eu hariannu?" in page and "Bwrw fy mhleidlais" in page
    assert "Yn well gennyf beidio â dweud" in page or "Eich oedran (dewisol)" in page
    return page


def test_a_welsh_voter_votes_with_each_kind_of_ballot(app, client, make_pb_round):
    kinds = {
        "approval": {},
        "knapsack": {"ballot_type": "knapsack", "max_choices": 1},
        "cumulative": {"ballot_type": "cumulative", "rule": "greedy", "max_sum_points": 5},
        "ranking": {"ballot_type": "ranking", "rule": "greedy", "max_choices": 3},
    }
    for kind, settings in kinds.items():
        made = _in_welsh(app, make_pb_round("voting", codes=1, **settings))
        slug, ids = made["slug"], made["proposals"]
        voter = app.test_client()
        page = _vote_in_welsh(voter, slug, made["codes"][0])
        lights, wall = str(ids["Skate park lights"]), str(ids["Climbing wall"])
        if kind == "approval":
            assert "Dewiswch rhwng 1 a 3 o brosiectau." in page
            bad, good = {"age_band": ""}, {"choices": [lights, wall]}
            message = "Dewiswch o leiaf 1 prosiect"
        elif kind == "knapsack":
            assert "Wedi'u dewis hyd yma: £0 o £15,000, £15,000 ar ôl." in page
            music = str(ids["Youth music studio"])
            bad = {"choices": [lights, music, wall]}  # 6,000 + 8,000 + 3,000 > 15,000
            good = {"choices": [lights, wall]}
            message = "dad-diciwch rai prosiectau"
        elif kind == "cumulative":
            assert "Mae gennych 5 pwynt i'w rhannu" in page and "Pwyntiau ar gyfer" in page
            bad = {f"points-{lights}": "9"}
            good = {f"points-{lights}": "3", f"points-{wall}": "2"}
            message = "Rhowch ddim mwy na 5 pwynt i Skate park lights"
        else:
            assert "Eich dewis cyntaf" in page and "Eich ail ddewis (dewisol)" in page
            assert "Dim trydydd dewis" in page
            bad = {"rank-1": lights, "rank-2": lights}
            good = {"rank-1": wall, "rank-2": lights}
            message = "dewiswch ail ddewis gwahanol"
        page = welsh_page(voter, f"/pb/{slug}/ballot", status=400, **bad)
        assert "Mae problem" in page and message in page, (kind, page[:3000])
        response = voter.post(f"/pb/{slug}/ballot", data=good, headers=WELSH)
        assert response.status_code == 302, (kind, response.get_data(as_text=True)[:2000])
        page = welsh_page(voter, f"/pb/{slug}/ballot/counted")
        assert "Mae eich pleidlais wedi'i chyfrif" in page and "Cyfeirnod y bleidlais" in page
        assert "newid eich pleidlais" in page and "Climbing wall" in page
        if kind == "cumulative":
            assert "Climbing wall: 2 pwynt" in page
        if kind == "ranking":
            assert "Dewis cyntaf: Climbing wall" in page and "Ail ddewis: Skate park lights" in page
        page = welsh_page(voter, f"/pb/{slug}/ballot")
        assert "Newid eich pleidlais" in page


def test_the_eligibility_check_in_welsh(app, client, make_pb_round):
    made = _in_welsh(app, make_pb_round("voting", eligibility_check=True, postcode_areas=["RV1"]))
    slug = made["slug"]
    page = welsh_page(client, f"/pb/{slug}/vote/check")
    assert "Gwirio a allwch bleidleisio" in page and "Eich dyddiad geni" in page
    page = welsh_page(
        client,
        f"/pb/{slug}/vote/check",
        status=400,
        postcode="ZZ9 9ZZ",
        identity="",
        **{"date_of_birth-day": "1", "date_of_birth-month": "1", "date_of_birth-year": "1950"},
    )
    assert "Ni allwch bleidleisio yn y cylch hwn" in page
    assert "Rhowch eich enw llawn neu eich cyfeiriad e-bost" in page


def test_the_results_in_welsh(app, client, officer_client, make_pb_round):
    from tests.pb.test_pb_results import BALLOTS, _cast

    made = _in_welsh(app, make_pb_round("voting"))
    _cast(app, made, BALLOTS)
    officer_client.post(f"/pb/{made['slug']}/manage/phase")
    officer_client.post(f"/pb/{made['slug']}/manage/count")
    page = welsh_page(client, f"/pb/{made['slug']}/results")
    assert "Canlyniadau" in page and "o 11 pleidlais." in page and "Wedi'i wario" in page
    assert "Sut y dewiswyd yr enillwyr" in page and "Ydy e'n deg?" in page
    assert "Yn ôl oedran" in page and "Gwirio'r cyfrif eich hun" in page
    # the count's own explanations are the counting library's English, marked and said so
    assert "Saesneg yn unig" in page and '<span lang="en-GB">Funded' in page
    page = welsh_page(client, f"/pb/{made['slug']}")
    assert "Gweld y canlyniadau" in page and "Canlyniadau wedi'u cyhoeddi" in page


def test_welsh_dates_on_the_round_page(app, client, make_pb_round):
    from datetime import date

    made = make_pb_round("proposals", voting_closes_on=date(2027, 3, 10))
    page = client.get(f"/pb/{made['slug']}", headers=WELSH).get_data(as_text=True)
    assert "10 Mawrth 2027" in page and "March" not in page


def test_officers_enter_the_welsh_and_see_what_lacks_it(app, officer_client, make_pb_round):
    made = make_pb_round("draft")
    slug = made["slug"]
    page = officer_client.get(f"/pb/{slug}/manage").get_data(as_text=True)
    assert 'id="missing-welsh"' in page and "<li>Title</li>" in page and "<li>Area</li>" in page
    assert "Teitl (Welsh version)" in page
    with app.app_context():
        pb_round = db.session.get(PBRound, made["id"])
        form = {
            "title": pb_round.title,
            "summary": "What the money is for.",
            "area": pb_round.area,
            "wards": "\n".join(pb_round.wards),
            "min_age": "11",
            "max_age": "25",
            "budget": "15000",
            "rule": pb_round.rule,
            "ballot_type": pb_round.ballot_type,
            "min_choices": "1",
            "max_choices": "3",
            "tie_seed": pb_round.tie_seed,
            **WELSH_TEXTS,
        }
    response = officer_client.post(f"/pb/{slug}/manage", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        pb_round = db.session.get(PBRound, made["id"])
        assert (pb_round.title_cy, pb_round.summary_cy, pb_round.area_cy) == tuple(
            WELSH_TEXTS.values()
        )
    page = officer_client.get(f"/pb/{slug}/manage").get_data(as_text=True)
    assert 'id="missing-welsh"' not in page and "Cronfa ieuenctid" in page
    # a blank Welsh version is no Welsh version: listed again
    response = officer_client.post(f"/pb/{slug}/manage", data={**form, "summary_cy": "  "})
    assert response.status_code == 302
    page = officer_client.get(f"/pb/{slug}/manage").get_data(as_text=True)
    assert 'id="missing-welsh"' in page and "<li>Summary</li>" in page
    assert "<li>Title</li>" not in page
    # the officers' pages are translated too, for officers who read them in Welsh
    page = unescape(officer_client.get(f"/pb/{slug}/manage", headers=WELSH).text)
    assert "Fersiynau Cymraeg (dewisol)" in page and "<li>Crynodeb</li>" in page
    assert "Cadw'r gosodiadau" in page and "Teitl (fersiwn Gymraeg)" in page


def test_the_rule_words_match_the_counting_library():
    from analysis.pb.explain import RULE_DESCRIPTIONS
    from analysis.pb.profile import TieBreak
    from consult.pb.counting import rule_in_words, tie_breaking

    assert rule_in_words("greedy") == RULE_DESCRIPTIONS["greedy"]
    assert rule_in_words("equalshares/add1-comparison") == (
        RULE_DESCRIPTIONS["equalshares"]
        + RULE_DESCRIPTIONS["add1"]
        + RULE_DESCRIPTIONS["comparison"]
    )
    assert rule_in_words("equalshares/add1-greedy") == (
        RULE_DESCRIPTIONS["equalshares"]
        + RULE_DESCRIPTIONS["add1"]
        + RULE_DESCRIPTIONS["greedy-top-up"]
    )
    assert tie_breaking("abc") == TieBreak("abc").describe()


def test_a_proposer_who_wrote_in_welsh_is_written_to_in_welsh(
    app, client, officer_client, make_pb_round, mailbox
):
    from tests.pb.test_pb_notices import _assess

    made = _in_welsh(app, make_pb_round("proposals"))
    slug = made["slug"]
    for email, headers in (("cy@example.org", WELSH), ("en@example.org", {})):
        response = client.post(
            f"/pb/{slug}/propose",
            data={
                "title": f"Gardd gymunedol {email[:2]}",
                "description": "Gardd i bawb.",
                "ward": "Oldtown",
                "estimated_cost": "3000",
                "proposer_email": email,
                "proposer_name": "Siân",
            },
            headers=headers,
        )
        assert response.status_code == 200
    with app.app_context():
        from consult.models import PBProposal

        rows = db.session.scalars(
            db.select(PBProposal).where(PBProposal.proposer_email != "")
        ).all()
        languages = {row.proposer_email: row.language for row in rows}
        ids = {row.proposer_email: row.id for row in rows}
    assert languages == {"cy@example.org": "cy", "en@example.org": "en"}
    officer_client.post(f"/pb/{slug}/manage/phase")  # to assessment
    for email, proposal_id in ids.items():
        reasons = "Mae'r tir yn eiddo i rywun arall."
        _assess(officer_client, slug, proposal_id, email, "not_feasible", None, reasons)
    welsh = [m for m in mailbox() if m.to == "cy@example.org"]
    english = [m for m in mailbox() if m.to == "en@example.org"]
    assert len(welsh) == 1 and len(english) == 1
    assert welsh[0].subject == "Ni all eich syniad fynd ar y papur pleidleisio: Gardd gymunedol cy"
    assert "Annwyl Siân," in welsh[0].text and "Y rhesymau: Mae'r tir" in welsh[0].text
    assert "Gweld eich syniad" in welsh[0].text and "Cronfa ieuenctid" in welsh[0].text
    assert welsh[0].html is not None and '<html lang="cy">' in welsh[0].html
    assert english[0].subject.startswith("Your idea cannot go on the ballot")
    assert "Dear Siân," in english[0].text and "Youth fund" in english[0].text


def test_a_picture_refused_is_refused_in_welsh(app, client, make_pb_round):
    import io

    from werkzeug.datastructures import FileStorage

    made = _in_welsh(app, make_pb_round("proposals"))
    response = client.post(
        f"/pb/{made['slug']}/propose",
        data={
            "title": "Meinciau",
            "description": "Meinciau newydd.",
            "ward": "Hillside",
            "estimated_cost": "500",
            "image": FileStorage(io.BytesIO(b"not a picture at all"), filename="llun.jpg"),
            "image_alt": "",
        },
        headers=WELSH,
        content_type="multipart/form-data",
    )
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "Rhaid i'r llun fod yn ffeil JPEG, PNG neu WebP" in page
    assert "Disgrifiwch y llun ar gyfer pobl sy'n methu ei weld" in page
    assert not english_left(response.get_data(as_text=True))
