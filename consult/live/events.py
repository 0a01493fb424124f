"""The `/live` Socket.IO namespace: every event authenticated, rate-limited, size-checked
and decided by a service; persisted and committed before anything is broadcast; answered
with an acknowledgement carrying ids and the sequence number. The protocol is documented
in docs/live-protocol.md."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
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

    @_event("control")
    def on_hide_contribution(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        return {
            "id": floor.hide_contribution(
                jury_session,
                data.get("contribution_id"),
                actor=actor,
                reason=data.get("reason", ""),
            ).id
        }

    @_event("control")
    def on_set_public(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        return {
            "id": floor.set_contribution_public(
                jury_session,
                data.get("contribution_id"),
                actor=actor,
                public=bool(data.get("public")),
            ).id
        }

    @_event("control")
    def on_mute(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        return {
            "id": floor.mute_member(
                jury_session,
                data.get("member_id"),
                actor=actor,
                muted=bool(data.get("muted", True)),
            ).id
        }

    @_event("control")
    def on_allocate_tables(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        return {
            "id": seating.allocate_tables(
                jury_session,
                actor=actor,
                table_size=data.get("table_size", seating.DEFAULT_TABLE_SIZE),
                seed=data.get("seed"),
                remix=bool(data.get("remix")),
            ).id
        }

    @_event("control")
    def on_move_member(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        return {
            "id": seating.move_member(
                jury_session, data.get("member_id"), data.get("table_id"), actor=actor
            ).id
        }

    @_event("control")
    def on_set_scribe(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        return {
            "id": seating.set_scribe(
                jury_session, data.get("table_id"), data.get("member_id"), actor=actor
            ).id
        }

    # ------------------------------------------------------------------ hands and the floor

    @_event("hand")
    def on_raise_hand(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        hand, replayed = floor.raise_hand(
            jury_session,
            actor=actor,
            client_id=data.get("client_id"),
            scope=data.get("scope", "room"),
        )
        return _ack(hand, replayed, seq=jury_session.last_seq)

    @_event("hand")
    def on_lower_hand(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        return {
            "id": floor.lower_hand(jury_session, data.get("hand_id"), actor=actor).id,
            "seq": jury_session.last_seq,
        }

    @_event("control")
    def on_give_floor(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        return {
            "id": floor.give_floor(
                jury_session,
                actor=actor,
                hand_id=data.get("hand_id"),
                member_id=data.get("member_id"),
                table_id=data.get("table_id"),
            ).id,
            "seq": jury_session.last_seq,
        }

    @_event("control")
    def on_end_floor(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        return {
            "id": floor.end_floor(jury_session, data.get("turn_id"), actor=actor).id,
            "seq": jury_session.last_seq,
        }

    # ------------------------------------------------------------------ polls

    @_event("control")
    def on_create_poll(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        poll = polls.create_poll(
            jury_session,
            actor=actor,
            kind=str(data.get("kind", "")),
            question=data.get("question"),
            options=_list(data.get("options")),
            statements=_list(data.get("statements")),
            dots_per_member=data.get("dots_per_member"),
            budget_total=data.get("budget_total"),
            round_id=data.get("round_id"),
            question_cy=data.get("question_cy"),
            options_cy=_list(data.get("options_cy")),
            statements_cy=_list(data.get("statements_cy")),
        )
        return {"id": poll.id, "seq": jury_session.last_seq}

    @_event("control")
    def on_poll_action(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        return {
            "id": polls.set_poll_status(
                jury_session, data.get("poll_id"), str(data.get("action", "")), actor=actor
            ).id,
            "seq": jury_session.last_seq,
        }

    @_event("control")
    def on_translate_poll(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        poll = polls.translate_poll(
            jury_session,
            data.get("poll_id"),
            actor=actor,
            question_cy=data.get("question_cy"),
            options_cy=_list(data.get("options_cy")),
            statements_cy=_list(data.get("statements_cy")),
        )
        return {"id": poll.id, "seq": jury_session.last_seq}

    @_event("vote")
    def on_cast_ballot(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        ballot, replayed = polls.cast_ballot(
            jury_session,
            data.get("poll_id"),
            data.get("value"),
            actor=actor,
            client_id=data.get("client_id"),
        )
        return _ack(ballot, replayed, value=ballot.value)

    # ------------------------------------------------------------------ recommendations

    @_event("say")
    def on_create_recommendation(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        recommendation, replayed = decisions.create_recommendation(
            jury_session,
            actor=actor,
            title=data.get("title"),
            text=data.get("text"),
            client_id=data.get("client_id"),
            threshold=data.get("threshold", 0.8),
            quorum=data.get("quorum"),
        )
        return _ack(recommendation, replayed, seq=jury_session.last_seq)

    @_event("say")
    def on_propose_amendment(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        amendment, replayed = decisions.propose_amendment(
            jury_session,
            data.get("recommendation_id"),
            actor=actor,
            text=data.get("text"),
            rationale=data.get("rationale", ""),
            client_id=data.get("client_id"),
        )
        return _ack(amendment, replayed, seq=jury_session.last_seq)

    @_event("control")
    def on_decide_amendment(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        return {
            "id": decisions.decide_amendment(
                jury_session, data.get("amendment_id"), actor=actor, accept=bool(data.get("accept"))
            ).id,
            "seq": jury_session.last_seq,
        }

    @_event("control")
    def on_recommendation_action(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        recommendation = decisions.set_recommendation_status(
            jury_session,
            data.get("recommendation_id"),
            str(data.get("action", "")),
            actor=actor,
        )
        return {
            "id": recommendation.id,
            "status": recommendation.status,
            "seq": jury_session.last_seq,
        }

    @_event("vote")
    def on_cast_vote(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        vote, replayed = decisions.cast_vote(
            jury_session,
            data.get("recommendation_id"),
            data.get("choice"),
            actor=actor,
            client_id=data.get("client_id"),
        )
        return _ack(vote, replayed, choice=vote.choice)

    @_event("say")
    def on_write_minority_report(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        report, replayed = decisions.write_minority_report(
            jury_session,
            data.get("recommendation_id"),
            actor=actor,
            text=data.get("text"),
            client_id=data.get("client_id"),
        )
        return _ack(report, replayed, seq=jury_session.last_seq)

    @_event("vote")
    def on_sign_minority_report(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        return {
            "id": decisions.sign_minority_report(
                jury_session, data.get("report_id"), actor=actor
            ).id,
            "seq": jury_session.last_seq,
        }

    # ------------------------------------------------------------------ idea board

    @_event("control")
    def on_rename_theme(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        return {
            "board": _board(
                ideas.rename_theme(
                    jury_session, data.get("theme_id"), data.get("label"), actor=actor
                )
            ),
            "seq": jury_session.last_seq,
        }

    @_event("control")
    def on_merge_themes(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        return {
            "board": _board(
                ideas.merge_themes(
                    jury_session, data.get("theme_id"), data.get("into_id"), actor=actor
                )
            ),
            "seq": jury_session.last_seq,
        }

    @_event("control")
    def on_recluster(jury_session: JurySession, actor: Any, data: Data) -> Ack:
        checks.require_staff(actor, gettext("Only the facilitator can regroup the ideas."))
        return {
            "board": _board(ideas.refresh_idea_board(jury_session, fresh=True)),
            "seq": jury_session.last_seq,
        }


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
