"""The `/live` Socket.IO namespace: every event authenticated, rate-limited, size-checked
and decided by a service; persisted and committed before anything is broadcast; answered
with an acknowledgement carrying ids and the sequence number. The protocol is documented
in docs/live-protocol.md."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request
from flask_babel import gettext
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, Namespace, join_room, leave_room, rooms

from consult import signals
from consult.errors import Invalid, NotPermitted
from consult.extensions import db, socketio
from consult.inputs import unstorable_text
from consult.live import (
    checks,
    clock,
    connections,
    decisions,
    floor,
    ideas,
    outbox,
    payloads,
    polls,
    rounds,
    seating,
    snapshots,
)
from consult.live.presence import make_presence
from consult.live.ratelimit import RATE_LIMITS, make_limiter
from consult.models import JurySession

MAX_EVENT_BYTES = 16_384

__all__ = ["RATE_LIMITS", "LiveNamespace"]

Data = dict[str, Any]
Ack = dict[str, Any]
Work = Callable[[JurySession, Any, Data], Ack]


def _event(bucket: str) -> Callable[[Work], Callable[[LiveNamespace, Any], Ack]]:
    """Make `work(jury_session, actor, data)` the handler of an event: the payload checked
    and the sender rate-limited in `bucket`, the work done in one unit of work (committed,
    then broadcast) and acknowledged (`LiveNamespace._run`)."""

    def handler(work: Work) -> Callable[[LiveNamespace, Any], Ack]:
        @functools.wraps(work)
        def on_event(namespace: LiveNamespace, data: Any) -> Ack:
            return namespace._run(data, bucket, work)

        return on_event

    return handler


def _ack(row: Any, replayed: bool, **extra: Any) -> Ack:
    """The acknowledgement of a row written at most once per `client_id`."""
    return {
        "id": row.id,
        "client_id": getattr(row, "client_id", None),
        "seq": getattr(row, "seq", None),
        "replayed": replayed,
        **extra,
    }


def _identity(actor: Any) -> str:
    return f"{actor.kind}:{actor.id}" if actor is not None else f"sid:{request.sid}"


class LiveNamespace(Namespace):
    """Live deliberation: a contribution is on disk before anyone sees it."""

    def __init__(
        self, namespace: str, *, message_queue: str | None = None, channel: str = "consult"
    ) -> None:
        """With a Redis `message_queue` (several server processes), rate-limit buckets and
        the list of who is connected are shared through it; otherwise both stay in this
        process's memory."""
        super().__init__(namespace)
        self.limiter = make_limiter(message_queue, channel)
        self.gallery: dict[str, int] = {}  # sid -> session id, anonymous gallery viewers
        self.presence = make_presence(
            message_queue, channel, self._signal_presence, socketio.start_background_task
        )

    # ------------------------------------------------------------------ plumbing

    def _actor(self) -> Any:
        if not current_user.is_authenticated:
            raise NotPermitted(gettext("Sign in to take part."))
        return current_user._get_current_object()

    def trigger_event(self, event: str, *args: Any) -> Any:
        """Hand every event handler exactly one payload after the connection's sid: none
        (a bare `emit("join")`) is passed as None and several as a tuple, both refused by
        `_check` as `invalid` rather than failing in the call itself (a TypeError,
        answered `server_error`)."""
        if event not in ("connect", "disconnect") and args and len(args) != 2:
            sid, payloads = args[0], args[1:]
            args = (sid, payloads or None)
        return super().trigger_event(event, *args)

    def _check(self, data: Any, bucket: str, actor: Any) -> dict[str, Any]:
        """The payload as an object of storable text (no lone surrogates, no NUL, nested
        at most MAX_JSON_DEPTH deep, as consult/inputs.py asks of HTTP requests) within
        MAX_EVENT_BYTES, and the sender within their rate limit; else a ConsultError."""
        if not isinstance(data, dict):
            raise Invalid(
                gettext("Send an object."), fields={"data": gettext("Expected an object")}
            )
        problem = unstorable_text(data)
        if problem:
            raise Invalid(problem, fields={"data": problem})
        if len(json.dumps(data, default=str)) > MAX_EVENT_BYTES:
            raise Invalid(
                gettext("That is too large to send."), fields={"data": gettext("Too large")}
            )
        if current_app.config.get("LIVE_RATE_LIMITS", True) and not self.limiter.take(
            _identity(actor), bucket
        ):
            raise checks.RateLimited(
                gettext("You are sending too fast. Wait a moment and try again.")
            )
        return data

    def _run(
        self,
        data: Any,
        bucket: str,
        work: Work,
    ) -> Ack:
        """Check, do `work` in one unit of work (commit, then broadcast), acknowledge. A
        unique constraint race (the same client_id twice at once) is retried once, and the
        retry finds the first row."""
        actor = self._actor()
        data = self._check(data, bucket, actor)

        def attempt() -> dict[str, Any]:
            return work(checks.get_session(data.get("session_id")), actor, data)

        return {"ok": True, **outbox.committed(attempt)}

    # ------------------------------------------------------------------ connection

    def on_connect(self, auth: dict[str, Any] | None = None) -> None:
        clock.ensure_started(current_app._get_current_object())
        if current_user.is_authenticated:
            return
        gallery = (auth or {}).get("gallery") if isinstance(auth, dict) else None
        if gallery is not None:
            try:
                jury_session = checks.get_session(gallery)
            except Exception:
                jury_session = None
            if jury_session is not None and jury_session.gallery_open:
                self.gallery[request.sid] = jury_session.id
                return
        raise ConnectionRefusedError("not_signed_in")

    def on_disconnect(self, *args: Any) -> None:
        sid = request.sid
        self.gallery.pop(sid, None)
        for session_id, who in self.presence.remove(sid):
            self._signal_presence(session_id, who, False)

    def _signal_presence(self, session_id: int, who: dict[str, Any], online: bool) -> None:
        """Tell this process's consoles that one person came or went (a delta, so a room
        of a thousand joining costs a thousand small messages, not a thousand lists).
        Other processes hear of it from the presence store, batched, and tell theirs."""
        socketio.emit(
            "presence",
            {"session_id": session_id, "who": who, "online": online},
            to=f"staff:{session_id}",
            namespace=self.namespace,
            ignore_queue=True,  # keep join storms off the Socket.IO message queue
        )

    def connected(self, session_id: int) -> list[dict[str, Any]]:
        """Who is connected to the session, on every server process (one entry each)."""
        return self.presence.connected(session_id)

    def on_join(self, data: Any) -> dict[str, Any]:
        """Enter the session's rooms; answer with the current state and, given `after_seq`,
        every logged event since then that this person may see."""
        return self._sync(data)

    def on_resync(self, data: Any) -> dict[str, Any]:
        return self._sync(data)

    def _sync(self, data: Any) -> dict[str, Any]:
        actor = current_user._get_current_object() if current_user.is_authenticated else None
        data = self._check(data, "sync", actor)
        jury_session = checks.get_session(data.get("session_id"))
        if actor is None:
            if request.sid not in self.gallery:  # signed out (or deactivated) since connecting
                raise NotPermitted(gettext("Sign in to take part."))
            if self.gallery.get(request.sid) != jury_session.id or not jury_session.gallery_open:
                raise NotPermitted(gettext("The public gallery for this session is closed."))
        else:
            checks.require_participant(actor, jury_session)
        wanted = set(snapshots.visible_rooms(jury_session, actor))
        for room in rooms(namespace=self.namespace):
            if room.startswith("table:") and room not in wanted:
                leave_room(room)
        for room in wanted:
            join_room(room)
        if actor is not None:
            who = {
                "kind": "staff" if checks.is_staff(actor) else "member",
                "id": actor.id,
                "name": checks.author_name(actor),
            }
            if self.presence.add(jury_session.id, request.sid, who):
                self._signal_presence(jury_session.id, who, True)
        after = data.get("after_seq")
        events: list[dict[str, Any]] = []
        truncated = False
        if after not in (None, ""):
            after_seq = checks.clean_int(after, field="after_seq", low=0)
            events, truncated = snapshots.events_after(jury_session, actor, after_seq, rooms=wanted)
        state = snapshots.state(jury_session, actor)
        if actor is not None and checks.is_staff(actor):
            state["connected"] = self.connected(jury_session.id)
        room_seqs = outbox.room_seqs(jury_session, sorted(wanted))
        db.session.rollback()
        return {
            "ok": True,
            "last_seq": jury_session.last_seq,
            "room_seqs": room_seqs,
            "events": events,
            "truncated": truncated,
            "state": state,
        }

    # ------------------------------------------------------------------ contributions

    def _contribute(self, data: Any, kind: str) -> dict[str, Any]:
        def work(jury_session: JurySession, actor: Any, data: dict[str, Any]) -> dict[str, Any]:
            contribution, replayed = floor.add_contribution(
                jury_session,
                kind=kind,
                text=data.get("text"),
                client_id=data.get("client_id"),
                actor=actor,
                scope=data.get("scope"),
            )
            return _ack(contribution, replayed)

        ack = self._run(data, "say", work)
        if kind == "idea" and not ack["replayed"]:
            self._refresh_board(int(data["session_id"]))
        return ack

    def _refresh_board(self, session_id: int) -> None:
        """Regroup the idea board after a new idea, in a unit of work of its own: the idea
        is committed and acknowledged whatever happens here (`ideas.refresh_idea_board`
        takes one regroup at a time per session)."""
        with ideas.regrouping(session_id), outbox.best_effort("idea board refresh"):
            jury_session = db.session.get(JurySession, session_id)
            if jury_session is not None:
                ideas.refresh_idea_board(jury_session)

    def on_send_message(self, data: Any) -> dict[str, Any]:
        return self._contribute(data, "message")

    def on_add_idea(self, data: Any) -> dict[str, Any]:
        return self._contribute(data, "idea")

    def on_add_note(self, data: Any) -> dict[str, Any]:
        return self._contribute(data, "note")

    def on_add_reflection(self, data: Any) -> dict[str, Any]:
        return self._contribute(data, "reflection")

    def on_announce(self, data: Any) -> dict[str, Any]:
        return self._contribute(data, "announcement")

    # ------------------------------------------------------------------ running the session

    @_event("control")
    def on_control(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        action = str(data.get("action", ""))
        if action == "end" and data.get("confirm") is not True:
            # as the console's confirmation page: ending cannot be undone
            raise Invalid(gettext("Ending the session cannot be undone: send confirm: true."))
        seq = rounds.control(
            jury_session,
            action,
            actor=actor,
            minutes=data.get("minutes", 5),
            round_id=data.get("round_id"),
        )
        return {"seq": seq, "round": payloads.round_(jury_session.current_round)}

    @_event("control")
    def on_set_gallery(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        return {"seq": rounds.set_gallery(jury_session, actor=actor, open_=bool(data.get("open")))}

    # ------------------------------------------------------------------ the rest: SERVICE_EVENTS

    @_event("control")
    def on_recluster(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        checks.require_staff(actor, gettext("Only the facilitator can regroup the ideas."))
        return _board_and_seq(ideas.refresh_idea_board(jury_session, fresh=True), jury_session)


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [line for line in value.splitlines() if line.strip()]
    if not isinstance(value, list):
        raise Invalid(gettext("Expected a list."), fields={"options": gettext("Expected a list")})
    return value


def _board(board: dict[str, Any]) -> dict[str, Any]:
    return {k: board.get(k) for k in ("themes", "unthemed", "engine")}


def _field(key: str, default: Any = None) -> Callable[[Data], Any]:
    """Read `key` from an event's payload."""
    return lambda data: data.get(key, default)


def _flag(key: str, default: bool = False) -> Callable[[Data], bool]:
    return lambda data: bool(data.get(key, default))


def _text(key: str) -> Callable[[Data], str]:
    return lambda data: str(data.get(key, ""))


def _lines(key: str) -> Callable[[Data], list[Any]]:
    return lambda data: _list(data.get(key))


def _id(row: Any, jury_session: JurySession) -> Ack:
    return {"id": row.id}


def _id_and_seq(row: Any, jury_session: JurySession) -> Ack:
    return {"id": row.id, "seq": jury_session.last_seq}


def _status_and_seq(row: Any, jury_session: JurySession) -> Ack:
    return {"id": row.id, "status": row.status, "seq": jury_session.last_seq}


def _written_and_seq(written: tuple[Any, bool], jury_session: JurySession) -> Ack:
    return _ack(*written, seq=jury_session.last_seq)


def _echo(name: str) -> Callable[[tuple[Any, bool], JurySession], Ack]:
    """The acknowledgement of a vote, echoing what was chosen (its attribute `name`)."""
    return lambda written, jury_session: _ack(*written, **{name: getattr(written[0], name)})


def _board_and_seq(board: dict[str, Any], jury_session: JurySession) -> Ack:
    return {"board": _board(board), "seq": jury_session.last_seq}


Reader = str | Callable[[Data], Any]


def _read(reader: Reader, data: Data) -> Any:
    """A value from the payload: the key's (None when absent), or what a reader makes."""
    return data.get(reader) if isinstance(reader, str) else reader(data)


@dataclass(frozen=True)
class ServiceEvent:
    """An event that is one service call on the session: `service(jury_session, *args,
    actor=actor, **options)`, each argument read from the payload (`_read`), the result
    turned into the acknowledgement by `reply`."""

    bucket: str
    service: Callable[..., Any]
    reply: Callable[[Any, JurySession], Ack]
    args: tuple[Reader, ...] = ()
    options: Mapping[str, Reader] = field(default_factory=dict)

    def __call__(self, jury_session: JurySession, actor: Any, data: Data) -> Ack:
        result = self.service(
            jury_session,
            *(_read(reader, data) for reader in self.args),
            actor=actor,
            **{name: _read(reader, data) for name, reader in self.options.items()},
        )
        return self.reply(result, jury_session)


ONCE = {"client_id": "client_id"}  # a row written at most once per client_id
WELSH = {"question_cy": "question_cy", "options_cy": _lines("options_cy")}
WELSH_STATEMENTS = {**WELSH, "statements_cy": _lines("statements_cy")}

#: The events that are one service call each, by name (the handler is `on_<name>`).
SERVICE_EVENTS = {
    # running the session
    "hide_contribution": ServiceEvent(
        "control",
        floor.hide_contribution,
        _id,
        ("contribution_id",),
        {"reason": _field("reason", "")},
    ),
    "set_public": ServiceEvent(
        "control",
        floor.set_contribution_public,
        _id,
        ("contribution_id",),
        {"public": _flag("public")},
    ),
    "mute": ServiceEvent(
        "control", floor.mute_member, _id, ("member_id",), {"muted": _flag("muted", True)}
    ),
    "allocate_tables": ServiceEvent(
        "control",
        seating.allocate_tables,
        _id,
        options={
            "table_size": _field("table_size", seating.DEFAULT_TABLE_SIZE),
            "seed": "seed",
            "remix": _flag("remix"),
        },
    ),
    "move_member": ServiceEvent("control", seating.move_member, _id, ("member_id", "table_id")),
    "set_scribe": ServiceEvent("control", seating.set_scribe, _id, ("table_id", "member_id")),
    # hands and the floor
    "raise_hand": ServiceEvent(
        "hand",
        floor.raise_hand,
        _written_and_seq,
        options={**ONCE, "scope": _field("scope", "room")},
    ),
    "lower_hand": ServiceEvent("hand", floor.lower_hand, _id_and_seq, ("hand_id",)),
    "give_floor": ServiceEvent(
        "control",
        floor.give_floor,
        _id_and_seq,
        options={k: k for k in ("hand_id", "member_id", "table_id")},
    ),
    "end_floor": ServiceEvent("control", floor.end_floor, _id_and_seq, ("turn_id",)),
    # polls
    "create_poll": ServiceEvent(
        "control",
        polls.create_poll,
        _id_and_seq,
        options={
            "kind": _text("kind"),
            "question": "question",
            "options": _lines("options"),
            "statements": _lines("statements"),
            "dots_per_member": "dots_per_member",
            "budget_total": "budget_total",
            "round_id": "round_id",
            **WELSH_STATEMENTS,
        },
    ),
    "poll_action": ServiceEvent(
        "control", polls.set_poll_status, _id_and_seq, ("poll_id", _text("action"))
    ),
    "translate_poll": ServiceEvent(
        "control", polls.translate_poll, _id_and_seq, ("poll_id",), WELSH_STATEMENTS
    ),
    "cast_ballot": ServiceEvent(
        "vote", polls.cast_ballot, _echo("value"), ("poll_id", "value"), ONCE
    ),
    # recommendations
    "create_recommendation": ServiceEvent(
        "say",
        decisions.create_recommendation,
        _written_and_seq,
        options={
            "title": "title",
            "text": "text",
            **ONCE,
            "threshold": _field("threshold", 0.8),
            "quorum": "quorum",
        },
    ),
    "propose_amendment": ServiceEvent(
        "say",
        decisions.propose_amendment,
        _written_and_seq,
        ("recommendation_id",),
        {"text": "text", "rationale": _field("rationale", ""), **ONCE},
    ),
    "decide_amendment": ServiceEvent(
        "control",
        decisions.decide_amendment,
        _id_and_seq,
        ("amendment_id",),
        {"accept": _flag("accept")},
    ),
    "recommendation_action": ServiceEvent(
        "control",
        decisions.set_recommendation_status,
        _status_and_seq,
        ("recommendation_id", _text("action")),
    ),
    "cast_vote": ServiceEvent(
        "vote", decisions.cast_vote, _echo("choice"), ("recommendation_id", "choice"), ONCE
    ),
    "write_minority_report": ServiceEvent(
        "say",
        decisions.write_minority_report,
        _written_and_seq,
        ("recommendation_id",),
        {"text": "text", **ONCE},
    ),
    "sign_minority_report": ServiceEvent(
        "vote", decisions.sign_minority_report, _id_and_seq, ("report_id",)
    ),
    # idea board
    "rename_theme": ServiceEvent(
        "control", ideas.rename_theme, _board_and_seq, ("theme_id", "label")
    ),
    "merge_themes": ServiceEvent(
        "control", ideas.merge_themes, _board_and_seq, ("theme_id", "into_id")
    ),
}
for _name, _service_event in SERVICE_EVENTS.items():
    setattr(LiveNamespace, f"on_{_name}", _event(_service_event.bucket)(_service_event))


def close_connections(kind: str, person_id: int) -> int:
    """Close every live connection of one person ("staff" or "member"), on every server
    process (a connection on another process is closed through the message queue): their
    sessions have ended (an admin deactivated them, they declined or dropped out), so
    they must stop receiving the room's broadcasts now, not at their next action.
    Returns how many were found."""
    return connections.close(kind, person_id)


def _close_staff_connections(user: Any, **_: Any) -> None:
    close_connections("staff", user.id)


def _close_member_connections(member: Any, **_: Any) -> None:
    close_connections("member", member.id)


def connect_receivers() -> None:
    """Listen to what other features announce (consult/signals.py): a deactivated staff
    account and a juror who dropped out or declined leave the live rooms at once. Called when the
    live feature is set up; connecting twice changes nothing."""
    signals.staff_access_revoked.connect(_close_staff_connections)
    signals.juror_dropped_out.connect(_close_member_connections)
    signals.juror_declined.connect(_close_member_connections)
