"""Polls (hidden until revealed, one ballot each), the idea board, recommendations with
amendments, final votes against a threshold and quorum, and minority reports."""

from __future__ import annotations

from sqlalchemy import func, select

from consult.extensions import db
from consult.live import opinion_map
from consult.models import Ballot, Poll, Recommendation
from tests.live.conftest import emit, received


def _room(make_live_session, connect, jurors=4):
    setup = make_live_session(jurors=jurors, start=True)
    staff = connect(setup.session_id, email=setup.facilitator_email)
    people = [connect(setup.session_id, code=code) for _, code in setup.members]
    return setup, staff, people


def test_agree_disagree_poll_hidden_until_revealed_with_opinion_map(
    app, make_live_session, connect
):
    setup, staff, people = _room(make_live_session, connect)
    sid = setup.session_id
    created = emit(
        staff,
        "create_poll",
        session_id=sid,
        kind="agree_disagree",
        question="Where do we stand?",
        statements=["More buses", "Fewer cars", "Cheaper parking"],
    )
    assert created["ok"]
    refused = emit(people[0], "poll_action", session_id=sid, poll_id=created["id"], action="open")
    assert refused["error"]["code"] == "not_permitted"
    assert emit(staff, "poll_action", session_id=sid, poll_id=created["id"], action="open")["ok"]
    [opened] = received(people[0], "poll_changed")
    assert opened["status"] == "open" and opened["results"] is None
    ids = [s["id"] for s in opened["statements"]]
    pattern = [(1, 1, -1), (1, 1, -1), (-1, -1, 1), (-1, 0, 1)]
    for person, votes in zip(people, pattern, strict=True):
        ack = emit(
            person,
            "cast_ballot",
            session_id=sid,
            poll_id=created["id"],
            client_id="b1",
            value={str(i): v for i, v in zip(ids, votes, strict=True)},
        )
        assert ack["ok"], ack
    # changing a ballot replaces it: still one ballot per member
    ack = emit(
        people[3],
        "cast_ballot",
        session_id=sid,
        poll_id=created["id"],
        client_id="b2",
        value={str(ids[0]): -1, str(ids[1]): -1, str(ids[2]): 1},
    )
    assert ack["ok"] and not ack["replayed"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Ballot.id))) == 4
    assert emit(people[0], "join", session_id=sid)["state"]["polls"][0]["results"] is None
    assert emit(staff, "poll_action", session_id=sid, poll_id=created["id"], action="close")["ok"]
    late = emit(
        people[0],
        "cast_ballot",
        session_id=sid,
        poll_id=created["id"],
        client_id="b3",
        value={str(ids[0]): 0},
    )
    assert late["error"]["code"] == "conflict"
    assert emit(staff, "poll_action", session_id=sid, poll_id=created["id"], action="reveal")["ok"]
    revealed = received(people[1], "poll_changed")[-1]
    results = revealed["results"]
    assert results["ballots"] == 4
    assert results["statements"][0] == {
        "statement_id": ids[0],
        "text": "More buses",
        "text_cy": "",  # no Welsh version given
        "agree": 2,
        "disagree": 2,
        "pass": 0,
    }
    opinion = results["opinion"]
    # two against two: no group of three, so no groups (they would expose two votes)
    assert opinion["available"] is False and opinion["groups"] == [] and not opinion["points"]

    # a room reconnecting gets the map computed once for these votes, not once each
    with app.app_context():
        poll = db.session.get(Poll, created["id"])
        votes = [
            (f"p{n}", str(ids[j]), (1 if n < 4 else -1) * (1 if j < 2 else -1))
            for n in range(8)
            for j in range(3)
        ]
        first = opinion_map.opinion_map(poll, votes)
        assert first["available"] is True, first
        assert all(set(p) == {"x", "y", "group"} for p in first["points"])  # no names, no ids
        cached = len(opinion_map._MAP_CACHE)
        assert all(opinion_map.opinion_map(poll, list(votes)) == first for _ in range(5))
        assert len(opinion_map._MAP_CACHE) == cached
        changed = [*votes[:-1], ("p7", str(ids[2]), 0)]
        opinion_map.opinion_map(poll, changed)
        assert len(opinion_map._MAP_CACHE) == min(cached + 1, opinion_map._MAP_CACHE_SIZE)


def test_single_choice_ranking_dots_and_budget_ballots_are_validated(make_live_session, connect):
    setup, staff, people = _room(make_live_session, connect, jurors=2)
    sid = setup.session_id
    kinds = {
        "single_choice": ("o2", "nope"),
        "ranking": (["o2", "o1", "o3"], ["o1", "o1"]),
        "dots": ({"o1": 3, "o3": 2}, {"o1": 6}),
        "budget": ({"o1": 60, "o2": 40}, {"o1": 101}),
    }
    for kind, (good, bad) in kinds.items():
        poll = emit(
            staff,
            "create_poll",
            session_id=sid,
            kind=kind,
            question=f"{kind}?",
            options=["Buses", "Bikes", "Trams"],
            dots_per_member=5,
            budget_total=100,
        )
        assert poll["ok"], poll
        emit(staff, "poll_action", session_id=sid, poll_id=poll["id"], action="open")
        wrong = emit(
            people[0],
            "cast_ballot",
            session_id=sid,
            poll_id=poll["id"],
            client_id=f"{kind}-bad",
            value=bad,
        )
        assert wrong["error"]["code"] == "invalid", (kind, wrong)
        for person in people:
            assert emit(
                person,
                "cast_ballot",
                session_id=sid,
                poll_id=poll["id"],
                client_id=f"{kind}-ok",
                value=good,
            )["ok"]
        emit(staff, "poll_action", session_id=sid, poll_id=poll["id"], action="reveal")
        results = received(people[0], "poll_changed")[-1]["results"]
        assert results["ballots"] == 2
        if kind == "single_choice":
            assert [o["count"] for o in results["options"]] == [0, 2, 0]
        if kind == "ranking":
            assert [o["label"] for o in results["options"]] == ["Bikes", "Buses", "Trams"]
        if kind == "dots":
            assert [o["total"] for o in results["options"]] == [6, 0, 4]
        if kind == "budget":
            assert [o["mean"] for o in results["options"]] == [60, 40, 0]


def test_recommendation_amended_then_passed_by_final_vote(app, make_live_session, connect):
    setup, staff, people = _room(make_live_session, connect, jurors=5)
    sid = setup.session_id
    rec = emit(
        staff,
        "create_recommendation",
        session_id=sid,
        client_id="r1",
        title="Buses",
        text="Run more buses.",
        threshold=0.8,
        quorum=4,
    )
    assert rec["ok"]
    amendment = emit(
        people[0],
        "propose_amendment",
        session_id=sid,
        recommendation_id=rec["id"],
        client_id="am1",
        text="Run more buses after 8pm.",
        rationale="Late shifts",
    )
    assert amendment["ok"]
    assert (
        emit(
            people[0], "decide_amendment", session_id=sid, amendment_id=amendment["id"], accept=True
        )["error"]["code"]
        == "not_permitted"
    )
    assert emit(
        staff, "decide_amendment", session_id=sid, amendment_id=amendment["id"], accept=True
    )["ok"]
    early = emit(
        people[0],
        "cast_vote",
        session_id=sid,
        recommendation_id=rec["id"],
        choice="support",
        client_id="v0",
    )
    assert early["error"]["code"] == "conflict"
    assert emit(
        staff,
        "recommendation_action",
        session_id=sid,
        recommendation_id=rec["id"],
        action="open_vote",
    )["ok"]
    choices = ["support", "support", "support", "support", "oppose"]
    for person, choice in zip(people, choices, strict=True):
        assert emit(
            person,
            "cast_vote",
            session_id=sid,
            recommendation_id=rec["id"],
            choice=choice,
            client_id="v1",
        )["ok"]
    # a second vote changes the first; it never counts twice
    assert emit(
        people[4],
        "cast_vote",
        session_id=sid,
        recommendation_id=rec["id"],
        choice="abstain",
        client_id="v2",
    )["ok"]
    closed = emit(
        staff,
        "recommendation_action",
        session_id=sid,
        recommendation_id=rec["id"],
        action="close_vote",
    )
    assert closed["ok"] and closed["status"] == "passed"
    decided = received(people[1], "recommendation_changed")[-1]
    assert (decided["votes_for"], decided["votes_against"], decided["votes_abstain"]) == (4, 0, 1)
    assert decided["text"] == "Run more buses after 8pm."
    report = emit(
        people[4],
        "write_minority_report",
        session_id=sid,
        recommendation_id=rec["id"],
        client_id="m1",
        text="Buses alone will not do it.",
    )
    assert report["ok"]
    assert emit(people[3], "sign_minority_report", session_id=sid, report_id=report["id"])["ok"]
    assert emit(people[3], "sign_minority_report", session_id=sid, report_id=report["id"])["ok"]
    state = emit(people[0], "join", session_id=sid)["state"]
    [mr] = state["recommendations"][0]["minority_reports"]
    assert mr["signatures"] == 2 and mr["author"] == "Eli"
    with app.app_context():
        assert db.session.get(Recommendation, rec["id"]).status == "passed"


def test_final_vote_fails_below_threshold_or_quorum(make_live_session, connect):
    setup, staff, people = _room(make_live_session, connect, jurors=4)
    sid = setup.session_id
    for client_id, choices, quorum in (
        ("low", ["support", "support", "oppose"], 3),
        ("few", ["support"], 3),
    ):
        rec = emit(
            staff,
            "create_recommendation",
            session_id=sid,
            client_id=client_id,
            title=client_id,
            text="Do it.",
            threshold=0.8,
            quorum=quorum,
        )
        emit(
            staff,
            "recommendation_action",
            session_id=sid,
            recommendation_id=rec["id"],
            action="open_vote",
        )
        for person, choice in zip(people, choices, strict=False):
            vote = emit(
                person,
                "cast_vote",
                session_id=sid,
                recommendation_id=rec["id"],
                choice=choice,
                client_id=f"{client_id}-v",
            )
            assert vote["ok"] and vote["choice"] == choice and not vote["replayed"], vote
        closed = emit(
            staff,
            "recommendation_action",
            session_id=sid,
            recommendation_id=rec["id"],
            action="close_vote",
        )
        assert closed["status"] == "failed"
        decided = {
            r["id"]: r for r in emit(staff, "join", session_id=sid)["state"]["recommendations"]
        }
        counted = decided[rec["id"]]
        assert (counted["votes_for"], counted["votes_against"], counted["votes_abstain"]) == (
            choices.count("support"),
            choices.count("oppose"),
            0,
        )


def test_juror_drafts_only_in_a_drafting_round(make_live_session, connect):
    setup, staff, people = _room(make_live_session, connect, jurors=2)
    sid = setup.session_id
    early = emit(
        people[0], "create_recommendation", session_id=sid, client_id="d1", title="T", text="Text"
    )
    assert early["error"]["code"] == "conflict"
    emit(staff, "control", session_id=sid, action="go_to", round_id=setup.round_ids[5])
    assert emit(
        people[0], "create_recommendation", session_id=sid, client_id="d1", title="T", text="Text"
    )["ok"]


def test_a_regroup_holds_the_sessions_board_against_other_processes(app, make_live_session):
    """Several server processes share PostgreSQL: a regroup takes an advisory lock on its
    session's board that another connection (another process) cannot take until the
    regroup's unit of work ends, and that leaves other sessions' boards free."""
    import pytest
    from sqlalchemy import text

    from consult.live import ideas
    from consult.models import JurySession

    one = make_live_session(jurors=1, start=True).session_id
    other = make_live_session(jurors=1, start=True).session_id
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("one process serves SQLite; the in-process lock is the whole story")
        ideas.refresh_idea_board(db.session.get(JurySession, one))
        try_lock = text("SELECT pg_try_advisory_xact_lock(:board, :session)")
        with db.engine.connect() as elsewhere:
            for session_id, free in ((one, False), (other, True)):
                taken = elsewhere.scalar(
                    try_lock, {"board": ideas._ADVISORY_KEY, "session": session_id}
                )
                assert taken is free
            elsewhere.rollback()
        db.session.rollback()


def test_idea_board_groups_ideas_and_facilitator_renames_and_merges(make_live_session, connect):
    setup, staff, people = _room(make_live_session, connect, jurors=2)
    sid = setup.session_id
    ideas = [
        "more buses in the evening",
        "later buses at night",
        "cheaper bus fares for all",
        "bus fares should be cheaper",
        "safe cycle lanes on the high street",
        "protected cycle lanes to school",
        "more bike parking at the station",
        "cycle lanes separated from traffic",
    ]
    for i, text in enumerate(ideas):
        ack = emit(people[i % 2], "add_idea", session_id=sid, client_id=f"i{i}", text=text)
        assert ack["ok"]
    assert received(staff, "idea_board")  # re-clustered as ideas arrive
    regrouped = emit(staff, "recluster", session_id=sid)  # from scratch
    assert regrouped["ok"]
    board = received(staff, "idea_board")[-1]
    assert board["engine"] == "analysis.themes.cluster_ideas", board["engine"]
    grouped = sorted(i for t in board["themes"] for i in t["idea_ids"]) + board["unthemed"]
    assert len(grouped) == len(ideas)
    assert len(board["themes"]) >= 2
    first, second = board["themes"][0]["id"], board["themes"][1]["id"]
    renamed = emit(staff, "rename_theme", session_id=sid, theme_id=first, label="Getting about")
    assert renamed["ok"]
    labels = {t["id"]: t["label"] for t in renamed["board"]["themes"]}
    assert labels[first] == "Getting about"
    assert labels[second] != "Getting about"
    refusals = {
        "rename_theme": ({"label": "Mine"}, "Only the facilitator can rename a theme."),
        "merge_themes": ({"into_id": first}, "Only the facilitator can merge themes."),
    }
    for event, (data, message) in refusals.items():
        refused = emit(people[0], event, session_id=sid, theme_id=second, **data)["error"]
        assert (refused["code"], refused["message"]) == ("not_permitted", message)
    merged = emit(staff, "merge_themes", session_id=sid, theme_id=second, into_id=first)
    assert merged["ok"]
    assert second not in {t["id"] for t in merged["board"]["themes"]}
    # a new idea re-clusters but keeps the facilitator's rename and merge
    emit(people[0], "add_idea", session_id=sid, client_id="late", text="night bus every hour")
    latest = received(staff, "idea_board")[-1]
    assert second not in {t["id"] for t in latest["themes"]}
    assert "Getting about" in {t["label"] for t in latest["themes"]}
