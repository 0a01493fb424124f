"""Per-person rate limits for live events: token buckets, in this process's memory by
default, in Redis when the server processes share one (so a person with tabs open on two
processes still gets one allowance)."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import redis

log = logging.getLogger(__name__)

# bucket -> (burst, refill per second), per person
RATE_LIMITS: dict[str, tuple[float, float]] = {
    "say": (20, 2.0),
    "hand": (10, 1.0),
    "vote": (40, 4.0),
    "control": (60, 5.0),
    "sync": (30, 2.0),
}


class RateLimiter:
    """Token buckets per (person, bucket) in this process's memory."""

    def __init__(self) -> None:
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, who: str, bucket: str) -> bool:
        burst, rate = RATE_LIMITS[bucket]
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get((who, bucket), (burst, now))
            tokens = min(burst, tokens + (now - last) * rate)
            if tokens < 1:
                self._buckets[(who, bucket)] = (tokens, now)
                return False
            self._buckets[(who, bucket)] = (tokens - 1, now)
            return True


# One bucket per key: refill by the time since the last take (Redis's own clock, so the
# processes' clocks need not agree), take one token if there is one, expire when full.
_TAKE = """
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(saved[1]) or burst
local at = tonumber(saved[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local taken = 0
if tokens >= 1 then
  tokens = tokens - 1
  taken = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return taken
"""


class RedisRateLimiter:
    """The same buckets kept in Redis, shared by every server process. If Redis stops
    answering, each process falls back to its own buckets (limits stay on, just per
    process) and says so in the log once."""

    def __init__(self, url: str, prefix: str) -> None:
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._script = self._redis.register_script(_TAKE)
        self._prefix = prefix
        self._fallback = RateLimiter()
        self._warned = False

    def take(self, who: str, bucket: str) -> bool:
        burst, rate = RATE_LIMITS[bucket]
        try:
            taken = self._script(keys=[f"{self._prefix}:rate:{bucket}:{who}"], args=[burst, rate])
        except Exception as error:  # any Redis failure: keep limiting, locally
            if not self._warned:
                log.warning("live rate limits fall back to this process: %s", error)
                self._warned = True
            return self._fallback.take(who, bucket)
        self._warned = False
        return bool(taken)


def make_limiter(message_queue: str | None, prefix: str) -> Any:
    """Buckets in Redis when the processes share a Redis message queue, else in memory."""
    if message_queue and message_queue.startswith(("redis://", "rediss://", "unix://")):
        return RedisRateLimiter(message_queue, prefix)
    return RateLimiter()
