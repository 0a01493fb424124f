"""What server processes share through Redis besides rooms: who is connected and the
rate-limit buckets. Each "process" here is its own store object with its own token and
Redis connections, against the test session's own Redis (`redis_server`)."""

from __future__ import annotations

import queue
import secrets
import socket
import threading
import time

import pytest

from consult.live.presence import LocalPresence, RedisPresence, make_presence
from consult.live.ratelimit import RATE_LIMITS, RateLimiter, RedisRateLimiter, make_limiter

REDIS_URL = ""  # a database of the session's own Redis, set by `prefix`

pytestmark = pytest.mark.redis


@pytest.fixture
def prefix(redis_server, monkeypatch):
    import redis

    monkeypatch.setitem(globals(), "REDIS_URL", f"{redis_server}/13")

    name = f"consult-test-{secrets.token_hex(4)}"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{name}:*"))
    if keys:
        client.delete(*keys)


def _start(target, *args):
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread


def _juror(number: int) -> dict:
    return {"kind": "member", "id": number, "name": f"Juror {number}"}


def _wait(predicate, timeout: float = 5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_without_redis_presence_and_limits_stay_in_the_process():
    assert type(make_presence(None, "consult", lambda *a: None, _start)) is LocalPresence
    assert isinstance(make_limiter(None, "consult"), RateLimiter)
    assert isinstance(make_limiter("redis://127.0.0.1:1/13", "consult"), RedisRateLimiter)


def test_a_console_on_one_process_lists_and_hears_of_people_on_another(prefix):
    heard: queue.Queue = queue.Queue()
    first = RedisPresence(REDIS_URL, prefix, lambda *change: None, _start)
    second = RedisPresence(REDIS_URL, prefix, lambda *change: heard.put(change), _start)
    # the second process has a connection of its own, so its listener is running
    assert second.add(7, "sid-b", _juror(2))
    import redis

    probe = redis.Redis.from_url(REDIS_URL)
    assert _wait(lambda: probe.pubsub_numsub(second._channel)[0][1] >= 1)  # it listens

    assert first.add(7, "sid-a", _juror(1)) is True
    assert first.add(7, "sid-a", _juror(1)) is False  # the same connection again: no news
    first.add(7, "sid-a2", _juror(1))  # a second tab of the same juror

    # one notice per connection, as on the process itself
    assert [heard.get(timeout=5) for _ in range(2)] == [(7, _juror(1), True)] * 2
    assert _wait(lambda: {w["id"] for w in second.connected(7)} == {1, 2})
    assert [w["id"] for w in second.connected(7)].count(1) == 1  # two tabs, one entry
    # every connection of one person, whichever process holds it (to close them all)
    assert second.sids_of("member", 1) == ["sid-a", "sid-a2"]
    assert second.sids_of("member", 2) == ["sid-b"]
    assert second.connected(8) == []

    first.remove("sid-a")
    first.remove("sid-a2")
    assert [heard.get(timeout=5) for _ in range(2)] == [(7, _juror(1), False)] * 2
    assert _wait(lambda: [w["id"] for w in second.connected(7)] == [2])


def test_people_of_a_process_that_died_drop_out(prefix):
    import redis

    first = RedisPresence(REDIS_URL, prefix, lambda *change: None, _start)
    second = RedisPresence(REDIS_URL, prefix, lambda *change: None, _start)
    first.add(3, "sid-a", _juror(1))
    assert _wait(lambda: [w["id"] for w in second.connected(3)] == [1])
    # the first process dies: its heartbeat key expires and is not renewed
    redis.Redis.from_url(REDIS_URL).delete(first._alive(first._token))
    assert second.connected(3) == []
    assert redis.Redis.from_url(REDIS_URL).hlen(second._hash(3)) == 0  # cleaned up


def test_rate_limit_buckets_are_shared_between_processes(prefix):
    burst, _ = RATE_LIMITS["hand"]
    first = RedisRateLimiter(REDIS_URL, prefix)
    second = RedisRateLimiter(REDIS_URL, prefix)
    taken = [(first if n % 2 else second).take("member:1", "hand") for n in range(int(burst))]
    assert all(taken)
    assert first.take("member:1", "hand") is False
    assert second.take("member:1", "hand") is False
    assert first.take("member:2", "hand") is True  # another person has a full bucket
    assert first.take("member:1", "say") is True  # and another bucket is separate
    # one token a second comes back (a refused take costs nothing, so polling is fair)
    assert _wait(lambda: second.take("member:1", "hand"), timeout=3.0)


def test_rate_limits_hold_in_the_process_when_redis_is_gone():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe closes
    limiter = RedisRateLimiter(f"redis://127.0.0.1:{port}/0", "consult-test")
    burst, _ = RATE_LIMITS["hand"]
    assert all(limiter.take("member:1", "hand") for _ in range(int(burst)))
    assert limiter.take("member:1", "hand") is False
