"""Live redraws never discard what a person is doing, in real Chromium: a juror half-way
through an amendment, a minority report or a poll keeps the text, the choice, the open
details and focus while other people's events redraw those cards; the facilitator keeps
a half-typed theme name. The same forms that work without JavaScript are sent over the
socket (no page load) with their client id. axe-core checks the juror page with every
kind of poll and recommendation on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from consult.extensions import db
from consult.live import decisions, floor, outbox, polls
from consult.models import Amendment, Ballot, JurySession, PanelMember, User
from tests.conftest import DEFAULT_PASSWORD, assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def act(app, make_live_session) -> tuple[Any, Callable[..., Any]]:
    """A running session with three jurors, and `act(work)`: run `work(session, staff,
    jurors)` through the services as another participant would, commit, then broadcast
    (what a socket handler does)."""
    setup = make_live_session(jurors=3, start=True)

    def run(work: Callable[[JurySession, User, list[PanelMember]], Any]) -> Any:
        with app.app_context():
            staff = db.session.scalar(select(User).where(User.email == setup.facilitator_email))
            jurors = [db.session.get(PanelMember, member_id) for member_id, _ in setup.members]
            result = work(db.session.get(JurySession, setup.session_id), staff, jurors)
            db.session.commit()
            outbox.flush_outbox()
            return result

    return setup, run


def _ready(page: Page) -> None:
    expect(page.locator("body")).to_have_attribute("data-live-ready", "true", timeout=15_000)


def _join(page: Page, base: str, code: str, session_id: int) -> None:
    page.goto(f"{base}/join")
    page.get_by_label("Join code").fill(code)
    page.get_by_role("button", name="Join").click()
    page.goto(f"{base}/live/sessions/{session_id}")
    _ready(page)


def _focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def _recommendation(run: Callable[..., Any], client_id: str = "rec-1") -> int:
    return run(
        lambda s, staff, jurors: (
            decisions.create_recommendation(
                s,
                actor=staff,
                title="Evening buses",
                text="Run buses until midnight.",
                client_id=client_id,
                quorum=1,
            )[0].id
        )
    )


def _poll(run: Callable[..., Any], kind: str, *, reveal: bool = False) -> int:
    def create(s: JurySession, staff: User, jurors: list[PanelMember]) -> int:
        poll = polls.create_poll(
            s,
            actor=staff,
            kind=kind,
            question=f"Poll: {kind}",
            options=["Buses", "Trams", "Bikes"] if kind != "agree_disagree" else [],
            statements=["More buses", "Fewer cars"] if kind == "agree_disagree" else [],
        )
        polls.set_poll_status(s, poll.id, "open", actor=staff)
        if reveal:
            polls.cast_ballot(s, poll.id, _a_ballot(poll), actor=jurors[1], client_id="b")
            polls.set_poll_status(s, poll.id, "close", actor=staff)
            polls.set_poll_status(s, poll.id, "reveal", actor=staff)
        return poll.id

    return run(create)


def _count(run: Callable[..., Any], model: type, *where: Any) -> int:
    return run(
        lambda s, staff, jurors: db.session.scalar(
            select(func.count()).select_from(model).where(*where)
        )
    )


def _a_ballot(poll: Any) -> Any:
    first = poll.options[0]["value"] if poll.options else None
    return {
        "agree_disagree": {str(s.id): 1 for s in poll.statements},
        "single_choice": first,
        "ranking": [first],
        "dots": {first: 2},
        "budget": {first: 50},
    }[poll.kind]


def test_juror_keeps_typing_choices_and_focus_while_others_change_the_cards(
    browser, live_origin, act
):
    setup, run = act
    rec_id = _recommendation(run)
    poll_id = _poll(run, "single_choice")
    context = browser.new_context(base_url=live_origin)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _join(page, live_origin, setup.members[0][1], setup.session_id)
        amend = page.locator(f"#rec-{rec_id}-amend")
        amend.fill("Run buses until 1am")
        amend.press("ArrowLeft")  # the caret sits one before the end
        page.locator(f"#poll-{poll_id}-choice-o2").check()
        amend.focus()
        client_id = page.input_value(f"#rec-{rec_id}-amend-form-client-id")

        # Ben proposes an amendment: Ada's card is redrawn with it
        run(
            lambda s, staff, jurors: decisions.propose_amendment(
                s, rec_id, actor=jurors[1], text="Every 15 minutes", client_id="ben-1"
            )
        )
        expect(page.locator(f"#rec-{rec_id}")).to_contain_text("Every 15 minutes — Ben")
        assert amend.input_value() == "Run buses until 1am"
        assert _focused_id(page) == f"rec-{rec_id}-amend"
        assert page.evaluate("document.activeElement.selectionStart") == 18
        assert page.input_value(f"#rec-{rec_id}-amend-form-client-id") == client_id

        # the facilitator reveals the poll while it is open: the choice stays made
        run(lambda s, staff, jurors: polls.set_poll_status(s, poll_id, "reveal", actor=staff))
        expect(page.locator(f"#poll-{poll_id}")).to_contain_text("0 ballots")
        assert page.locator(f"#poll-{poll_id}-choice-o2").is_checked()
        assert _focused_id(page) == f"rec-{rec_id}-amend"

        # a minority report half-written in its open details survives Cleo's report
        page.get_by_text("Disagree? Write a minority report").click()
        report = page.locator(f"#rec-{rec_id}-minority")
        report.fill("Buses alone will not do")
        run(
            lambda s, staff, jurors: decisions.write_minority_report(
                s, rec_id, actor=jurors[2], text="Too expensive", client_id="cleo-1"
            )
        )
        expect(page.locator(f"#rec-{rec_id}")).to_contain_text("Too expensive")
        assert report.input_value() == "Buses alone will not do"
        assert _focused_id(page) == f"rec-{rec_id}-minority"
        assert page.locator(f"#rec-{rec_id}-minority-details").get_attribute("open") is not None

        # sending the amendment goes over the socket: no page load, announced, cleared
        page.evaluate("window.__samePage = true")
        page.locator(f"#rec-{rec_id}-amend-form-submit").click()
        expect(page.locator("#live-notice")).to_have_text("Amendment proposed.")
        expect(page.locator(f"#rec-{rec_id}")).to_contain_text("Run buses until 1am — Ada")
        assert amend.input_value() == ""
        assert report.input_value() == "Buses alone will not do"
        assert page.evaluate("window.__samePage") is True
        assert page.input_value(f"#rec-{rec_id}-amend-form-client-id") != client_id
        assert _count(run, Amendment, Amendment.client_id == client_id) == 1
    finally:
        context.close()


def test_ballot_form_is_checked_and_sent_over_the_socket(browser, live_origin, act):
    setup, run = act
    poll_id = _poll(run, "ranking")
    context = browser.new_context(base_url=live_origin)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _join(page, live_origin, setup.members[0][1], setup.session_id)
        page.evaluate("window.__samePage = true")
        poll = page.locator(f"#poll-{poll_id}")
        poll.get_by_label("Buses").fill("1")
        poll.get_by_label("Trams").fill("1")
        poll.get_by_role("button", name="Send my vote").click()
        error = page.locator(f"#poll-{poll_id}-rank-o2-error")
        expect(error).to_have_text("Error: Give each option a different number.")
        expect(page.locator("#live-notice")).to_have_text("Give each option a different number.")
        assert "govuk-input--error" in (poll.get_by_label("Trams").get_attribute("class") or "")
        assert _focused_id(page) == f"poll-{poll_id}-form-submit"

        poll.get_by_label("Trams").fill("2")
        poll.get_by_label("Bikes").fill("3")
        poll.get_by_role("button", name="Send my vote").click()
        expect(page.locator("#live-notice")).to_have_text(
            "Your vote is recorded. You can change it until the poll closes."
        )
        expect(error).to_have_count(0)
        expect(poll.get_by_role("button", name="Change my vote")).to_be_visible()
        assert page.evaluate("window.__samePage") is True
        ballot = run(
            lambda s, staff, jurors: db.session.scalar(
                select(Ballot.value).where(Ballot.poll_id == poll_id)
            )
        )
        assert ballot == ["o1", "o2", "o3"]
    finally:
        context.close()


def test_juror_page_with_polls_and_recommendations_is_accessible(browser, live_origin, act):
    setup, run = act
    for kind in ("agree_disagree", "single_choice", "ranking", "dots", "budget"):
        _poll(run, kind)
    _poll(run, "agree_disagree", reveal=True)
    draft = _recommendation(run, "rec-a")
    voting = _recommendation(run, "rec-b")
    run(
        lambda s, staff, jurors: (
            decisions.set_recommendation_status(s, voting, "open_vote", actor=staff),
            decisions.write_minority_report(
                s, draft, actor=jurors[1], text="Not enough", client_id="m-1"
            ),
        )
    )
    context = browser.new_context(base_url=live_origin)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _join(page, live_origin, setup.members[0][1], setup.session_id)
        expect(page.locator(f"#rec-{voting}-vote-form")).to_be_visible()
        expect(page.locator("#polls")).to_contain_text("Votes per statement")
        assert_accessible(page)
        # a refusal drawn by the script is accessible too
        page.locator(f"#rec-{draft}-amend-form-submit").click()
        expect(page.locator(f"#rec-{draft}-amend-error")).to_contain_text("Enter some text.")
        assert_accessible(page)
    finally:
        context.close()


def test_facilitator_keeps_a_half_typed_theme_name_when_ideas_arrive(browser, live_origin, act):
    setup, run = act

    def board(s: JurySession, staff: User, jurors: list[PanelMember]) -> None:
        idea, _ = floor.add_contribution(
            s, kind="idea", text="Night buses", client_id="i-1", actor=jurors[0]
        )
        db.session.flush()
        outbox.publish(
            s,
            outbox.session_room(s),
            "idea_board",
            {
                "themes": [{"id": 1, "label": "Buses", "idea_ids": [idea.id]}],
                "unthemed": [],
                "renames": {},
                "merges": {},
                "engine": "a test",
            },
        )

    run(board)
    context = browser.new_context(base_url=live_origin)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_origin}/sign-in")
        page.get_by_label("Email address").fill(setup.facilitator_email)
        page.get_by_label("Password").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{live_origin}/live/sessions/{setup.session_id}/console")
        _ready(page)
        rename = page.locator("#rename-1")
        rename.fill("Buses at ni")
        run(
            lambda s, staff, jurors: floor.add_contribution(
                s, kind="idea", text="Cheaper tickets", client_id="i-2", actor=jurors[1]
            )
        )
        expect(page.locator("#idea-board")).to_contain_text("Cheaper tickets")
        assert rename.input_value() == "Buses at ni"
        assert _focused_id(page) == "rename-1"
        # a hand raised while the facilitator is on a queue button keeps focus there
        run(lambda s, staff, jurors: floor.raise_hand(s, actor=jurors[0], client_id="h-1"))
        give = page.get_by_role("button", name="Give the floor to Ada")
        give.focus()
        run(lambda s, staff, jurors: floor.raise_hand(s, actor=jurors[1], client_id="h-2"))
        expect(page.locator("#queue")).to_contain_text("Ben")
        assert page.evaluate("document.activeElement.textContent") == "Give the floor to Ada"
    finally:
        context.close()


def test_a_broadcast_that_never_arrived_is_fetched_when_the_next_one_names_it(
    browser, live_origin, act
):
    """A message queue can drop a broadcast (a server process reconnecting to Redis). The
    next event in the room names the one before it; the page sees a number it never got
    and resyncs, without a reload."""
    setup, run = act
    context = browser.new_context(base_url=live_origin)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _join(page, live_origin, setup.members[0][1], setup.session_id)
        page.evaluate("window.__samePage = true")

        def lost(s: JurySession, staff: User, jurors: list[PanelMember]) -> None:
            floor.add_contribution(
                s,
                kind="message",
                text="Lost on the way",
                client_id="lost-1",
                actor=jurors[1],
                scope="room",
            )
            db.session.commit()
            outbox.discard_outbox()  # logged and committed, never broadcast

        run(lost)
        run(
            lambda s, staff, jurors: floor.add_contribution(
                s,
                kind="message",
                text="Arrived",
                client_id="arrived-1",
                actor=jurors[2],
                scope="room",
            )
        )
        room = page.locator("#room-chat")
        expect(room).to_contain_text("Arrived")
        expect(room).to_contain_text("Lost on the way")
        texts = room.locator("li").all_inner_texts()
        lost_at = next(i for i, t in enumerate(texts) if "Lost on the way" in t)
        arrived_at = next(i for i, t in enumerate(texts) if "Arrived" in t)
        assert lost_at < arrived_at  # shown in the order they were said
        assert page.evaluate("window.__samePage") is True  # no reload
    finally:
        context.close()
