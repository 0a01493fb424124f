"""When every database connection is taken for longer than the pool waits, a request is
answered 503 with Retry-After and changes nothing, on every channel (HTML, JSON API,
Socket.IO), instead of a 500."""

from __future__ import annotations

import pytest
from sqlalchemy.pool import QueuePool

from consult.extensions import db, socketio
from tests.conftest import TEST_DATABASE_URL


@pytest.fixture
def app_config(app_config):
    if TEST_DATABASE_URL:
        pytest.skip("the PostgreSQL test app runs every request on one shared connection")
    app_config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "poolclass": QueuePool,
        "pool_size": 1,
        "max_overflow": 0,
        "pool_timeout": 0.1,
    }
    return app_config


@pytest.fixture
def pool_taken(app):
    """The pool's only connection, held by someone else for the whole test."""
    with app.app_context():
        connection = db.engine.connect()
    yield
    connection.close()


def test_the_api_answers_busy_with_retry_after(client, pool_taken):
    response = client.get("/api/v1/consultations")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json["error"]["code"] == "busy"
    assert "try again" in response.json["error"]["message"]


def test_a_page_says_busy_in_words(client, pool_taken):
    response = client.get("/consultations/", headers={"Accept": "text/html"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert b"try again in a few seconds" in response.data


def test_a_socket_event_is_answered_busy(app, make_user, sign_in):
    make_user("facilitator", email="fran@council.example")
    http = app.test_client()
    sign_in(http, email="fran@council.example")
    socket = socketio.test_client(app, namespace="/live", flask_test_client=http)
    assert socket.is_connected("/live")
    with app.app_context():
        held = db.engine.connect()
    try:
        ack = socket.emit("join", {"session_id": 1}, namespace="/live", callback=True)
    finally:
        held.close()
    assert ack["ok"] is False
    assert ack["error"]["code"] == "busy" and ack["error"]["retry_after"] == 5
