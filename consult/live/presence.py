"""Who is connected to a live session, for the facilitator's console.

Each server process knows its own connections. With one process that is the whole story
(`LocalPresence`). With several processes sharing Redis (`RedisPresence`), each process
also writes its connections to a Redis hash per session and tells the other processes
of comings and goings, so a console on any process lists everybody.

Join storms stay cheap: a connection costs nothing in Redis at the moment it joins.
Changes are queued and written, and announced to the other processes, in one batch
every half second. A process that dies stops refreshing its heartbeat key, and its
entries are ignored (then removed) by the next reader.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import redis

log = logging.getLogger(__name__)

Who = dict[str, Any]
Notify = Callable[[int, Who, bool], None]  # (session id, who, online) -> tell local consoles

FLUSH_SECONDS = 0.5
HEARTBEAT_SECONDS = 10
HEARTBEAT_TTL = 30


def _unique(people: list[Who]) -> list[Who]:
    """One entry per person (several tabs count once), sorted for display."""
    seen = {f"{who['kind']}:{who['id']}": who for who in people}
    return sorted(seen.values(), key=lambda who: (who["kind"], who["name"]))


class LocalPresence:
    """Connections to this process, in memory."""

    def __init__(self) -> None:
        self._people: dict[int, dict[str, Who]] = {}  # session id -> sid -> who
        self._lock = threading.Lock()

    def add(self, session_id: int, sid: str, who: Who) -> bool:
        """Record a connection; True when it is new (so the caller announces it)."""
        with self._lock:
            people = self._people.setdefault(session_id, {})
            known = sid in people
            people[sid] = who
        return not known

    def remove(self, sid: str) -> list[tuple[int, Who]]:
        """Forget a connection in every session; returns what it was."""
        with self._lock:
            gone = [
                (session_id, who)
                for session_id, people in self._people.items()
                if (who := people.pop(sid, None)) is not None
            ]
        return gone

    def local(self, session_id: int) -> list[Who]:
        with self._lock:
            return list(self._people.get(session_id, {}).values())

    def connected(self, session_id: int) -> list[Who]:
        return _unique(self.local(session_id))

    def sids_of(self, kind: str, person_id: int) -> list[str]:
        """Every connection of one person, in any session."""
        with self._lock:
            return [
                sid
                for people in self._people.values()
                for sid, who in people.items()
                if who["kind"] == kind and who["id"] == person_id
            ]


class RedisPresence(LocalPresence):
    """Connections to every process sharing the Redis at `url`."""

    def __init__(self, url: str, prefix: str, notify: Notify, start: Callable[..., Any]) -> None:
        super().__init__()
        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        # the subscriber waits for as long as nothing happens: no read timeout
        self._subscriber = redis.Redis.from_url(url, socket_connect_timeout=5)
        self._prefix = prefix
        self._notify = notify
        self._start = start  # socketio.start_background_task: a greenlet under gevent
        self._token = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self._pending: list[tuple[int, str, Who, bool]] = []
        self._pending_lock = threading.Lock()
        self._started = False

    # keys
    def _hash(self, session_id: int) -> str:
        return f"{self._prefix}:presence:{session_id}"

    def _alive(self, token: str) -> str:
        return f"{self._prefix}:presence-alive:{token}"

    @property
    def _channel(self) -> str:
        return f"{self._prefix}:presence-changes"

    # the connection side
    def add(self, session_id: int, sid: str, who: Who) -> bool:
        new = super().add(session_id, sid, who)
        if new:
            self._queue(session_id, sid, who, True)
        return new

    def remove(self, sid: str) -> list[tuple[int, Who]]:
        gone = super().remove(sid)
        for session_id, who in gone:
            self._queue(session_id, sid, who, False)
        return gone

    def _queue(self, session_id: int, sid: str, who: Who, online: bool) -> None:
        with self._pending_lock:
            self._pending.append((session_id, sid, who, online))
            start = not self._started
            self._started = True
        if start:
            self._start(self._flush_loop)
            self._start(self._listen_loop)

    # the console side
    def connected(self, session_id: int) -> list[Who]:
        people = self.local(session_id)
        try:
            entries = self._redis.hgetall(self._hash(session_id))
            tokens = sorted({field.decode().split("|", 1)[0] for field in entries})
            alive = dict(
                zip(tokens, self._redis.mget([self._alive(t) for t in tokens]), strict=True)
            )
            dead = []
            for field, value in entries.items():
                token = field.decode().split("|", 1)[0]
                if token == self._token:
                    continue  # ours: the local list is the fresher one
                if alive.get(token) is None:
                    dead.append(field)
                else:
                    people.append(json.loads(value))
            if dead:
                self._redis.hdel(self._hash(session_id), *dead)
        except Exception as error:
            log.warning("presence from other server processes unavailable: %s", error)
        return _unique(people)

    def sids_of(self, kind: str, person_id: int) -> list[str]:
        """Every connection of one person, on every process (from Redis), plus this
        process's own (the fresher list)."""
        sids = set(super().sids_of(kind, person_id))
        try:
            for key in self._redis.scan_iter(f"{self._prefix}:presence:*"):
                for field, value in self._redis.hgetall(key).items():
                    who = json.loads(value)
                    if who.get("kind") == kind and who.get("id") == person_id:
                        sids.add(field.decode().split("|", 1)[1])
        except Exception as error:
            log.warning("connections on other server processes unavailable: %s", error)
        return sorted(sids)

    # background work
    def _flush_loop(self) -> None:
        last_beat = 0.0
        while True:
            try:
                now = time.monotonic()
                if now - last_beat >= HEARTBEAT_SECONDS:
                    self._redis.set(self._alive(self._token), "1", ex=HEARTBEAT_TTL)
                    last_beat = now
                self.flush()
            except Exception as error:
                log.warning("presence could not be shared through Redis: %s", error)
            time.sleep(FLUSH_SECONDS)

    def flush(self) -> int:
        """Write queued changes to Redis and announce them, in one round trip."""
        with self._pending_lock:
            batch, self._pending = self._pending, []
        if not batch:
            return 0
        pipe = self._redis.pipeline(transaction=False)
        for session_id, sid, who, online in batch:
            field = f"{self._token}|{sid}"
            if online:
                pipe.hset(self._hash(session_id), field, json.dumps(who))
            else:
                pipe.hdel(self._hash(session_id), field)
        changes = [
            {"session_id": session_id, "who": who, "online": online}
            for session_id, _, who, online in batch
        ]
        pipe.publish(self._channel, json.dumps({"from": self._token, "changes": changes}))
        try:
            pipe.execute()
        except Exception:
            with self._pending_lock:  # keep them for the next attempt
                self._pending[:0] = batch
            raise
        return len(batch)

    def _listen_loop(self) -> None:
        while True:
            try:
                pubsub = self._subscriber.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self._channel)
                for message in pubsub.listen():
                    self._receive(message.get("data"))
            except Exception as error:
                log.warning("presence listener lost Redis, retrying: %s", error)
                time.sleep(1)

    def _receive(self, data: Any) -> None:
        try:
            batch = json.loads(data)
        except (TypeError, ValueError):
            return
        if batch.get("from") == self._token:
            return
        for change in batch.get("changes", []):
            self._notify(change["session_id"], change["who"], change["online"])


def make_presence(
    message_queue: str | None, prefix: str, notify: Notify, start: Callable[..., Any]
) -> LocalPresence:
    if message_queue and message_queue.startswith(("redis://", "rediss://", "unix://")):
        return RedisPresence(message_queue, prefix, notify, start)
    return LocalPresence()
