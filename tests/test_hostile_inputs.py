"""Issue 14, property-based: nothing a resident, a juror or a script sends can make the
server fail, and what it refuses leaves the database as it was.

Hypothesis drives every Socket.IO event handler of the `/live` namespace (as a juror
and as the facilitator) and every public form a resident or juror fills in (each step
of a consultation response, the budget question among them, "about you" and the final
check; jury registration; the join code, on the page and by script; a juror's live
forms: a ballot in every kind of poll, a message, an idea, a raised hand) with hostile
values: integers far beyond 64 bits, floats (1e308, NaN, infinities), lone UTF-16
surrogates, NUL and the other control characters, a megabyte of text, JSON nested
hundreds deep, the wrong types, repeated fields and no payload at all. An event is
sent either as something hostile throughout, or as its own well-formed payload (naming
real rows: a table, a poll, a recommendation...) with one field made hostile, or as
that payload untouched, so that inputs reach deep into each handler. Each input must
be answered without a 5xx (an HTTP status of 500 or more, a socket `server_error`), and
when it is refused (a 4xx, a socket `ok: false`) no table may have gained or lost a row
and no live event may have been logged.

How many inputs: `HOSTILE_EXAMPLES` per test (default 300, so 600 in all per database);
each test reports what it tried and the 5xx it saw in the "figures" section at the end
of the run ("hostile inputs tried (...): N (a accepted, r refused), 5xx/server_error
seen: 0"). An integer of more than 100 digits never reaches a handler: Engine.IO's own
JSON decoder refuses the packet (a real server logs it and answers nothing); the test
counts that as refused, the database unchanged. The runs are derandomised (the same
inputs each time, so CI is stable); `HOSTILE_SEED=random` explores new ones. Runs on
SQLite, and on PostgreSQL with TEST_DATABASE_URL. Measured on 2026-12-05 with
`HOSTILE_SEED=random HOSTILE_EXAMPLES=2000` (SQLite): 4,000 inputs, 0 5xx.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from consult.extensions import db, socketio
from consult.live.events import LiveNamespace
from tests.conftest import DEFAULT_PASSWORD, record_figure
from tests.consultations.conftest import EVERY_KIND

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "300"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("HOSTILE_SEED") != "random",
    database=None,
    suppress_health_check=list(HealthCheck),
)

# --------------------------------------------------------------------------- values

MEGABYTE = "x" * 1_048_576
EDGE_NUMBERS = [
    2**31 - 1,
    2**31,
    2**63 - 1,
    2**63,
    2**64,
    -(2**63) - 1,
    99999999999999999999,
    10**400,
    1e308,
    -1e308,
    float("inf"),
    float("-inf"),
    float("nan"),
    -0.0,
    0.5,
]
EDGE_TEXT = [
    "x\ud800y",
    "\udfff",
    "nul\x00here",
    "\x0b\x0c\x1b[2J",
    "\u202e\u200b\ufeff",
    "9" * 5000,
    "1e308",
    "NaN",
    "-Infinity",
    "²",
    '=HYPERLINK("http://evil.example")',
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    MEGABYTE,
]
control_text = st.text(st.characters(codec=None, max_codepoint=0x1F), max_size=20)
surrogate_text = st.builds(
    lambda a, s, b: f"{a}{s}{b}",
    st.text(max_size=5),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    st.text(max_size=5),
)
hostile_scalar = st.one_of(
    st.sampled_from(EDGE_NUMBERS),
    st.sampled_from(EDGE_TEXT),
    st.integers(),
    st.integers(min_value=2**63 - 5, max_value=2**70),
    st.floats(),
    surrogate_text,
    control_text,
    st.text(max_size=30),
    st.booleans(),
    st.none(),
)


def _nested(depth: int, kind: str) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value] if kind == "list" else {"a": value}
    return value


deep = st.builds(
    _nested, st.integers(min_value=30, max_value=400), st.sampled_from(["list", "dict"])
)
hostile_value = st.one_of(
    st.recursive(
        hostile_scalar,
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=8), children, max_size=4)
        ),
        max_leaves=8,
    ),
    deep,
)

# --------------------------------------------------------------------------- the check


def fingerprint() -> tuple[int, ...]:
    """Rows in every table, in one query (a refusal must leave every count as it was)."""
    tables = db.metadata.sorted_tables
    return tuple(
        db.session.execute(
            select(*[select(func.count()).select_from(t).scalar_subquery() for t in tables])
        ).one()
    )


class Tally:
    """What one test tried and the 5xx it saw, reported on the terminal at the end."""

    def __init__(self, config: pytest.Config, name: str) -> None:
        self.config, self.name = config, name
        self.tried = self.refused = self.accepted = self.server_errors = 0

    def report(self) -> None:
        line = (
            f"hostile inputs tried ({self.name}, "
            f"{'PostgreSQL' if os.environ.get('TEST_DATABASE_URL') else 'SQLite'}): "
            f"{self.tried} ({self.accepted} accepted, {self.refused} refused), "
            f"5xx/server_error seen: {self.server_errors}"
        )
        record_figure(self.config, line)


@pytest.fixture
def tally(pytestconfig: pytest.Config) -> Any:
    made: list[Tally] = []

    def make(name: str) -> Tally:
        made.append(Tally(pytestconfig, name))
        return made[-1]

    yield make
    for each in made:
        each.report()


# --------------------------------------------------------------------------- sockets

EVENTS = sorted(
    name.removeprefix("on_")
    for name in dir(LiveNamespace)
    if name.startswith("on_") and name not in ("on_connect", "on_disconnect")
)
FIELDS = [
    "text", "client_id", "scope", "action", "minutes", "round_id", "open",
    "contribution_id", "reason", "public", "member_id", "muted", "table_size", "seed",
    "remix", "table_id", "hand_id", "turn_id", "kind", "question", "options",
    "statements", "dots_per_member", "budget_total", "poll_id", "value", "title",
    "threshold", "quorum", "recommendation_id", "rationale", "amendment_id", "accept",
    "choice", "report_id", "theme_id", "label", "into_id", "after_seq",
]  # fmt: skip
SESSION = "<the session's id>"  # replaced by the real id when the payload is sent
NO_PAYLOAD = object()
WORDS = "open close reveal start advance pause end support room table agree_disagree"
plausible = st.one_of(
    st.integers(min_value=-2, max_value=40),
    st.text(min_size=1, max_size=12),
    st.booleans(),
    st.sampled_from([*WORDS.split(), "single_choice", "dots", "budget", "open_vote"]),
)
one_field_hostile = st.builds(
    lambda plain, field, value: {**plain, field: value},
    st.fixed_dictionaries(
        {"session_id": st.just(SESSION)}, optional={f: plausible for f in FIELDS}
    ),
    st.sampled_from(FIELDS),
    hostile_value,
)
event_payload = st.one_of(
    st.just(NO_PAYLOAD),
    hostile_value,  # not an object, mostly
    one_field_hostile,  # a well-formed event but for one field
    one_field_hostile,
    st.fixed_dictionaries(  # well-formed, values that may fit (to get past the checks)
        {"session_id": st.just(SESSION)}, optional={f: plausible for f in FIELDS}
    ),
    st.fixed_dictionaries(
        {"session_id": st.one_of(st.just(SESSION), hostile_value)},
        optional={field: st.one_of(plausible, hostile_value) for field in FIELDS},
    ),
)


# A well-formed payload for every event ("<...>" names a row the test made first), so
# that with one field made hostile the event gets as far into its handler as it can.
TEMPLATES: dict[str, dict[str, Any]] = {
    "join": {},
    "resync": {"after_seq": 0},
    "send_message": {"text": "Hello", "client_id": "<new>", "scope": "room"},
    "add_idea": {"text": "More buses", "client_id": "<new>"},
    "add_note": {"text": "A note", "client_id": "<new>"},
    "add_reflection": {"text": "I learnt", "client_id": "<new>"},
    "announce": {"text": "Tea break", "client_id": "<new>"},
    "control": {"action": "extend", "minutes": 1},
    "set_gallery": {"open": True},
    "hide_contribution": {"contribution_id": "<contribution>", "reason": "Off topic"},
    "set_public": {"contribution_id": "<contribution>", "public": True},
    "mute": {"member_id": "<other juror>", "muted": False},
    "allocate_tables": {"table_size": 2, "seed": 1},
    "move_member": {"member_id": "<other juror>", "table_id": "<table>"},
    "set_scribe": {"table_id": "<table>", "member_id": "<juror>"},
    "raise_hand": {"client_id": "<new>", "scope": "room"},
    "lower_hand": {"hand_id": "<hand>"},
    "give_floor": {"member_id": "<juror>"},
    "end_floor": {"turn_id": "<hand>"},
    "create_poll": {"kind": "single_choice", "question": "Which?", "options": ["Buses", "Bikes"]},
    "poll_action": {"poll_id": "<poll>", "action": "open"},
    "translate_poll": {"poll_id": "<poll>", "question_cy": "Pa un?", "options_cy": ["Un", "Dau"]},
    "cast_ballot": {"poll_id": "<poll>", "value": "<option>", "client_id": "<new>"},
    "create_recommendation": {"title": "Buses", "text": "Run more", "client_id": "<new>"},
    "propose_amendment": {"recommendation_id": "<rec>", "text": "Later", "client_id": "<new>"},
    "decide_amendment": {"amendment_id": "<amendment>", "accept": True},
    "recommendation_action": {"recommendation_id": "<rec>", "action": "open_vote"},
    "cast_vote": {"recommendation_id": "<rec>", "choice": "support", "client_id": "<new>"},
    "write_minority_report": {"recommendation_id": "<rec>", "text": "No", "client_id": "<new>"},
    "sign_minority_report": {"report_id": "<report>"},
    "rename_theme": {"theme_id": 1, "label": "Transport"},
    "merge_themes": {"theme_id": 1, "into_id": 2},
    "recluster": {},
}
JURORS_EVENTS = {
    "join", "resync", "send_message", "add_idea", "add_reflection", "raise_hand",
    "lower_hand", "cast_ballot", "propose_amendment", "cast_vote",
    "write_minority_report", "sign_minority_report",
}  # fmt: skip


def _resolve(value: Any, world: dict[str, Any]) -> Any:
    """The payload with its placeholders replaced by the rows the test made."""
    if isinstance(value, dict):
        return {k: _resolve(v, world) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("<") and value.endswith(">"):
        if value == "<new>":
            world["counter"] += 1
            return f"c{world['counter']}"
        if value == SESSION:
            return world["session_id"]
        return world["rows"].get(value.strip("<>"), value)
    return value


@given(
    who=st.sampled_from(["juror", "staff"]),
    event=st.sampled_from(EVENTS),
    shape=st.sampled_from(["template", "template", "clean", "free"]),
    payload=event_payload,
    spoiler=st.tuples(st.integers(min_value=0, max_value=9), hostile_value),
)
@SETTINGS
def _socket_property(
    who: str,
    event: str,
    shape: str,
    payload: Any,
    spoiler: tuple[int, Any],
    *,
    world: dict[str, Any],
) -> None:
    app, tally = world["app"], world["tally"]
    socket = world["socket"](who)
    if shape != "free":  # the event's own well-formed payload, one field hostile or none
        payload = {"session_id": SESSION, **TEMPLATES[event]}
        fields = sorted(payload)
        who = "juror" if event in JURORS_EVENTS else "staff"  # the one who may send it
        socket = world["socket"](who)
        if shape == "template":
            payload[fields[spoiler[0] % len(fields)]] = spoiler[1]
    args = [] if payload is NO_PAYLOAD else [_resolve(payload, world)]
    with app.app_context():
        before = fingerprint()
    try:
        ack = socket.emit(event, *args, namespace="/live", callback=True)
    except ValueError as error:  # Engine.IO's own JSON refuses integers over 100 digits
        assert "Integer is too large" in str(error)
        ack = {"ok": False, "error": {"code": "refused_by_transport"}}
    socket.get_received("/live")
    with app.app_context():
        after = fingerprint()
    tally.tried += 1
    assert isinstance(ack, dict), (event, ack)
    if ack.get("error", {}).get("code") == "server_error":
        tally.server_errors += 1
    assert ack.get("error", {}).get("code") != "server_error", (event, args, ack)
    if ack.get("ok"):
        tally.accepted += 1
    else:
        tally.refused += 1
        assert after == before, (event, args, ack)


def _rows_to_act_on(app: Flask, setup: Any, socket: Callable[[str], Any]) -> dict[str, Any]:
    """A table plan, a message, a raised hand, an open poll, a draft recommendation with
    an amendment and a minority report: the rows the events' templates name."""
    sid = setup.session_id

    def send(who: str, event: str, **data: Any) -> dict[str, Any]:
        ack = socket(who).emit(event, {"session_id": sid, **data}, namespace="/live", callback=True)
        assert ack["ok"], (event, ack)
        return ack

    rows: dict[str, Any] = {"juror": setup.members[0][0], "other juror": setup.members[1][0]}
    send("staff", "allocate_tables", table_size=2, seed=1)
    rows["contribution"] = send("juror", "send_message", client_id="s1", text="Hi")["id"]
    rows["hand"] = send("juror", "raise_hand", client_id="s2", scope="room")["id"]
    poll = send("staff", "create_poll", kind="single_choice", question="Q", options=["A", "B"])
    rows["poll"] = poll["id"]
    send("staff", "poll_action", poll_id=poll["id"], action="open")
    rec = send("staff", "create_recommendation", client_id="s3", title="T", text="Text")
    rows["rec"] = rec["id"]
    rows["amendment"] = send(
        "juror", "propose_amendment", recommendation_id=rec["id"], client_id="s4", text="Add"
    )["id"]
    rows["report"] = send(
        "juror", "write_minority_report", recommendation_id=rec["id"], client_id="s5", text="No"
    )["id"]
    with app.app_context():
        from consult.models import JuryTable, Poll

        rows["table"] = db.session.scalar(
            select(func.min(JuryTable.id)).where(JuryTable.session_id == sid)
        )
        rows["option"] = db.session.get(Poll, poll["id"]).options[0]["value"]
    return rows


def test_no_socket_event_fails_on_hostile_payloads(app, make_live_session, sign_in, tally):
    app.config["LIVE_RATE_LIMITS"] = False  # every input reaches its handler
    setup = make_live_session(jurors=3, start=True, gallery=True)
    sockets: dict[str, Any] = {}

    def socket(who: str) -> Any:
        current = sockets.get(who)
        if current is None or not current.is_connected("/live"):
            client = app.test_client()
            if who == "staff":
                sign_in(client, email=setup.facilitator_email, password=DEFAULT_PASSWORD)
            else:
                sign_in(client, code=setup.members[0][1])
            current = socketio.test_client(app, namespace="/live", flask_test_client=client)
            current.emit("join", {"session_id": setup.session_id}, namespace="/live", callback=True)
            sockets[who] = current
        return current

    rows = _rows_to_act_on(app, setup, socket)
    counted = tally("Socket.IO events")
    world = {
        "app": app,
        "tally": counted,
        "session_id": setup.session_id,
        "socket": socket,
        "rows": rows,
        "counter": 0,
    }
    _socket_property(world=world)
    assert counted.server_errors == 0


# --------------------------------------------------------------------------- forms

numbers_as_text = st.one_of(
    st.sampled_from(["9" * 5000, "9" * 400, "1" + "0" * 30, "1e308", "-1", "0.001", "12.50"]),
    st.integers().map(str),
    st.floats().map(str),
)
form_value = st.one_of(
    numbers_as_text,  # what a number field may be sent
    hostile_scalar.map(lambda v: v if isinstance(v, str) else str(v)),
    st.lists(hostile_scalar.map(str), min_size=2, max_size=3),  # a field repeated
)
TARGETS = [
    "step", "about_you", "check", "register", "join", "api_join",
    "ballot", "message", "idea", "hand",  # a juror's forms in a live session
]  # fmt: skip
LIVE_FORMS = {"message": "messages", "idea": "ideas", "hand": "hand"}
FORM_FIELDS = {
    "about_you": [
        "respondent_type", "organisation_name", "email", "age_band", "gender",
        "ethnicity", "disability", "postcode_district", "wants_updates", "consent",
    ],
    "check": ["submit_token", "consent"],
    "register": [
        "first_name", "last_name", "email", "phone", "address_line", "postcode",
        "feature-gender", "availability", "consent",
    ],
    "join": ["code"],
    "message": ["text", "client_id", "scope"],
    "idea": ["text", "client_id"],
    "hand": ["client_id", "scope"],
}  # fmt: skip


def _encode(data: dict[str, Any]) -> bytes:
    """A form body as a browser would send it, lone surrogates and all (their UTF-8
    bytes, which the test client's own encoder would refuse to write)."""
    pairs = []
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            encoded = str(item).encode("utf-8", "surrogatepass")
            pairs.append(f"{quote(name)}={quote(encoded)}")
    return "&".join(pairs).encode()


@given(
    target=st.sampled_from(TARGETS),
    step=st.integers(min_value=1, max_value=len(EVERY_KIND)),
    fields=st.data(),
)
@SETTINGS
def _form_property(target: str, step: int, fields: Any, *, world: dict[str, Any]) -> None:
    app, tally = world["app"], world["tally"]
    names = list(FORM_FIELDS.get(target, []))
    if target == "step":
        names = world["step_fields"][step - 1] + ["then"]
    poll_id, poll_fields = world["polls"][step % len(world["polls"])]
    if target == "ballot":
        names = [*poll_fields, "client_id"]
    if target == "api_join":
        body: Any = fields.draw(
            st.one_of(
                hostile_value,
                st.fixed_dictionaries({}, optional={"code": st.one_of(hostile_value, plausible)}),
            )
        )
    else:
        body = fields.draw(
            st.fixed_dictionaries(
                {}, optional={name: form_value for name in [*names, "unexpected"]}
            )
        )
    live = f"/live/sessions/{world['session_id']}"
    client = world["juror"] if target in ("ballot", *LIVE_FORMS) else world["client"]
    with app.app_context():
        before = fingerprint()
    if target == "api_join":
        import json

        raw = json.dumps(body, allow_nan=True).encode("utf-8", "surrogatepass")
        response = client.post("/live/api/join", data=raw, content_type="application/json")
    else:
        url = {
            "step": f"/consultations/{world['slug']}/respond/{step}",
            "about_you": f"/consultations/{world['slug']}/respond/about-you",
            "check": f"/consultations/{world['slug']}/respond/check",
            "register": f"/juries/{world['jury_slug']}/register",
            "join": "/join",
            "ballot": f"{live}/polls/{poll_id}/ballot",
            **{name: f"{live}/{path}" for name, path in LIVE_FORMS.items()},
        }[target]
        response = client.post(
            url, data=_encode(body), content_type="application/x-www-form-urlencoded"
        )
    status = response.status_code
    with app.app_context():
        after = fingerprint()
    tally.tried += 1
    if status >= 500:
        tally.server_errors += 1
    assert status < 500, (target, step, body if len(str(body)) < 2000 else "<large>")
    if status >= 400:
        tally.refused += 1
        assert after == before, (target, step, status)
    else:
        tally.accepted += 1


def _step_fields(app: Flask, consultation_id: int) -> list[list[str]]:
    """The form fields each step of the consultation's response reads."""
    from consult.models import Consultation

    with app.app_context():
        consultation = db.session.get(Consultation, consultation_id)
        steps = []
        for question in consultation.questions:
            name = f"q{question.id}"
            options = [f"{name}-{o['value']}" for o in (question.choices or [])]
            steps.append([name, *options])
        return steps


def _open_polls(app: Flask, setup: Any) -> list[tuple[int, list[str]]]:
    """One open poll of every kind in the live session: (id, its form's field names)."""
    from consult.live import outbox, poll_kinds, polls
    from consult.live.payloads import poll as poll_payload
    from consult.models import JurySession, User

    made = []
    with app.app_context():
        actor = db.session.scalar(select(User).where(User.email == setup.facilitator_email))
        jury_session = db.session.get(JurySession, setup.session_id)
        for kind in poll_kinds.KINDS:
            poll = polls.create_poll(
                jury_session,
                actor=actor,
                kind=kind,
                question=f"About {kind}?",
                options=["Buses", "Trams", "Bikes"] if kind != "agree_disagree" else [],
                statements=["More buses", "Fewer cars"] if kind == "agree_disagree" else [],
                dots_per_member=5,
                budget_total=100,
            )
            polls.set_poll_status(jury_session, poll.id, "open", actor=actor)
            made.append((poll.id, poll_kinds.kind_of(poll).field_names(poll_payload(poll))))
        db.session.commit()
        outbox.discard_outbox()
    return made


def test_no_public_form_fails_on_hostile_values(
    app, make_consultation, make_jury, make_live_session, sign_in, tally: Callable[[str], Tally]
):
    from consult.models import CategoryValue, Consultation, Jury, JuryCategory

    consultation_id = make_consultation(questions=[dict(q) for q in EVERY_KIND])
    jury_id = make_jury()
    with app.app_context():
        jury = db.session.get(Jury, jury_id)
        category = JuryCategory(name="gender", label="Gender", position=0)
        for position, value in enumerate(["woman", "man"]):
            category.values.append(
                CategoryValue(value=value, label=value.title(), position=position)
            )
        jury.categories.append(category)
        db.session.commit()
        slug = db.session.get(Consultation, consultation_id).slug
        jury_slug = jury.slug
    client = app.test_client()
    assert client.post(f"/consultations/{slug}/start").status_code == 302  # a draft
    setup = make_live_session(jurors=2, start=True)
    juror = app.test_client()
    sign_in(juror, code=setup.members[0][1])
    counted = tally("public and juror forms")
    world = {
        "app": app,
        "tally": counted,
        "client": client,
        "juror": juror,
        "session_id": setup.session_id,
        "polls": _open_polls(app, setup),
        "slug": slug,
        "jury_slug": jury_slug,
        "step_fields": _step_fields(app, consultation_id),
    }
    _form_property(world=world)
    assert counted.server_errors == 0
