"""Issue 14 M9: with the rate limits kept in Redis and Redis gone, the submission API
keeps answering (limits move to this process's memory, logged once) instead of 500."""

from __future__ import annotations

import logging

import pytest

from consult import create_app
from consult.extensions import limiter

pytestmark = pytest.mark.redis


@pytest.fixture
def limited_app(app_config, doomed_redis, open_consultation):
    """An app limiting in Redis, built after the `app` fixture that made the consultation
    (the Limiter extension is one object: the app built last sets whether it is on)."""
    url, kill = doomed_redis
    app = create_app(
        {
            **app_config,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": f"{url}/0",
            "SUBMIT_RATE_LIMIT": "4 per minute",
        }
    )
    yield app, kill
    limiter._storage_dead = False  # the extension object is shared by every test's app


def test_submissions_fall_back_to_in_process_limits_when_redis_dies(
    limited_app, open_consultation, caplog
):
    app, kill = limited_app
    client = app.test_client()
    url = f"/api/v1/consultations/{open_consultation['slug']}/responses"
    first = client.post(url, json={"answers": "not an object"})
    assert first.status_code == 422, first.get_data(as_text=True)  # counted in Redis
    kill()
    with caplog.at_level(logging.WARNING):
        statuses = [
            client.post(url, json={"answers": "not an object"}).status_code for _ in range(6)
        ]
    assert 500 not in statuses
    # the limit still holds, counted afresh in this process: four more, then 429
    assert statuses == [422, 422, 422, 422, 429, 429]
    unreachable = [r for r in caplog.records if "storage unreachable" in r.getMessage()]
    assert len(unreachable) == 1
