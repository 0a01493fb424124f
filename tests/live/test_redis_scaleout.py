"""Scale-out: two real server processes (gunicorn, one gevent worker each) sharing rooms
through Redis. An event sent through one reaches a client connected to the other."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import DEFAULT_PASSWORD, TEST_DATABASE_URL, free_port

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 13

pytestmark = [pytest.mark.redis, pytest.mark.slow]


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server on {port} exited:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"server on {port} did not start:\n{log.read_text()[-3000:]}")


async def _two_servers_share_a_room(urls: list[str], session_id: int, codes: list[str]) -> dict:
    import aiohttp
    import socketio

    received: asyncio.Queue = asyncio.Queue()
    clients = []
    for url, code in zip(urls, codes, strict=True):
        jar = aiohttp.CookieJar(unsafe=True)
        async with (
            aiohttp.ClientSession(cookie_jar=jar) as http,
            http.post(f"{url}/live/api/join", json={"code": code}) as response,
        ):
            assert response.status == 200, await response.text()
            cookie = "; ".join(f"{c.key}={c.value}" for c in http.cookie_jar)
        client = socketio.AsyncClient(reconnection=False)
        client.on(
            "contribution_added",
            lambda payload, url=url: received.put_nowait((url, payload)),
            namespace="/live",
        )
        await client.connect(
            url,
            namespaces=["/live"],
            transports=["websocket"],
            headers={"Cookie": cookie, "Origin": url},
        )
        ack = await client.call("join", {"session_id": session_id}, namespace="/live")
        assert ack["ok"], ack
        clients.append(client)
    ack = await clients[0].call(
        "send_message",
        {
            "session_id": session_id,
            "client_id": "via-first",
            "text": "Across servers",
            "scope": "room",
        },
        namespace="/live",
    )
    assert ack["ok"], ack
    seen = {}
    deadline = time.time() + 10
    while len(seen) < 2 and time.time() < deadline:
        try:
            url, payload = await asyncio.wait_for(received.get(), timeout=1)
        except TimeoutError:
            continue
        seen[url] = payload
    for client in clients:
        await client.disconnect()
    return {"ack": ack, "seen": seen}


@pytest.fixture
def two_servers(app, app_config, make_live_session, tmp_path, redis_server):
    """Two gunicorn processes (one gevent worker each) on the test database, sharing
    Redis; yields (urls, live setup)."""
    if TEST_DATABASE_URL:
        pytest.skip("the two servers share an SQLite file; run this test in SQLite mode")
    setup = make_live_session(jurors=3, start=True)
    ports = [free_port(), free_port()]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    env = {
        **os.environ,
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app_config["SECRET_KEY"],
        "SOCKETIO_MESSAGE_QUEUE": f"{redis_server}/{REDIS_DB}",
        "SOCKETIO_CHANNEL": f"consult-test-{ports[0]}",  # its own presence keys too
        "SOCKETIO_ASYNC_MODE": "gevent",
        "PUBLIC_ORIGINS": ",".join(urls),
        "RATELIMIT_ENABLED": "false",
    }
    processes = []
    logs = []
    try:
        for port in ports:
            log = tmp_path / f"server-{port}.log"
            handle = log.open("w")
            logs.append(handle)
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-k",
                    "gevent",
                    "-w",
                    "1",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "wsgi:app",
                ],
                cwd=ROOT,
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
            processes.append((process, port, log))
        for process, port, log in processes:
            _wait_for(port, process, log)
        yield urls, setup
    finally:
        for process, _, _ in processes:
            process.terminate()
        for process, _, _ in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        for handle in logs:
            handle.close()


def _in_a_thread(coroutine):
    # in a thread of its own: Playwright's sync API may own this thread's event loop
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=90)


def test_event_sent_through_one_server_reaches_a_client_on_the_other(two_servers):
    urls, setup = two_servers
    codes = [code for _, code in setup.members][:2]
    outcome = _in_a_thread(_two_servers_share_a_room(urls, setup.session_id, codes))
    assert set(outcome["seen"]) == set(urls), outcome
    other = outcome["seen"][urls[1]]
    assert other["text"] == "Across servers" and other["seq"] == outcome["ack"]["seq"]
    assert other["room"] == f"session:{setup.session_id}" and "prev_seq" in other


async def _signed_in_staff(url: str, email: str):
    """A facilitator's Socket.IO client on `url`, signed in through the real form."""
    import re

    import aiohttp
    import socketio

    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        async with http.get(f"{url}/sign-in") as page:
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', await page.text())
        form = {"csrf_token": token.group(1), "email": email, "password": DEFAULT_PASSWORD}
        async with http.post(
            f"{url}/sign-in", data=form, headers={"Origin": url, "Referer": f"{url}/sign-in"}
        ) as response:
            assert response.status == 200, await response.text()
        cookie = "; ".join(f"{c.key}={c.value}" for c in http.cookie_jar)
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(
        url,
        namespaces=["/live"],
        transports=["websocket"],
        headers={"Cookie": cookie, "Origin": url},
    )
    return client


async def _juror(url: str, code: str, session_id: int):
    import aiohttp
    import socketio

    jar = aiohttp.CookieJar(unsafe=True)
    async with (
        aiohttp.ClientSession(cookie_jar=jar) as http,
        http.post(f"{url}/live/api/join", json={"code": code}) as response,
    ):
        assert response.status == 200, await response.text()
        cookie = "; ".join(f"{c.key}={c.value}" for c in http.cookie_jar)
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(
        url,
        namespaces=["/live"],
        transports=["websocket"],
        headers={"Cookie": cookie, "Origin": url},
    )
    ack = await client.call("join", {"session_id": session_id}, namespace="/live")
    assert ack["ok"], ack
    return client


async def _join_until(client, session_id: int, seen, timeout: float = 10.0) -> dict:
    """Join (again, every 0.2 s) until the state satisfies `seen` or `timeout` passes:
    presence crosses servers in batches, twice a second, so a console can join before
    a juror on the other server is known there."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        ack = await client.call("join", {"session_id": session_id}, namespace="/live")
        if seen(ack["state"]) or loop.time() > deadline:
            return ack
        await asyncio.sleep(0.2)


async def _console_on_one_server_sees_jurors_on_the_other(urls, setup) -> dict:
    codes = [code for _, code in setup.members]
    first = await _juror(urls[0], codes[0], setup.session_id)
    staff = await _signed_in_staff(urls[1], setup.facilitator_email)
    heard: asyncio.Queue = asyncio.Queue()
    staff.on(
        "presence",
        lambda payload: payload["who"]["kind"] == "member" and heard.put_nowait(payload),
        namespace="/live",
    )
    joined = await _join_until(
        staff,
        setup.session_id,
        lambda state: any(who["kind"] == "member" for who in state["connected"]),
    )
    second = await _juror(urls[0], codes[1], setup.session_id)
    came = await asyncio.wait_for(heard.get(), timeout=10)
    await second.disconnect()
    went = await asyncio.wait_for(heard.get(), timeout=10)
    for client in (first, staff):
        await client.disconnect()
    return {"joined": joined, "came": came, "went": went}


def test_a_console_on_one_server_sees_jurors_connected_to_the_other(two_servers):
    urls, setup = two_servers
    outcome = _in_a_thread(_console_on_one_server_sees_jurors_on_the_other(urls, setup))
    connected = outcome["joined"]["state"]["connected"]
    assert [who["name"] for who in connected if who["kind"] == "member"] == ["Ada"], connected
    assert outcome["came"]["online"] is True and outcome["came"]["who"]["name"] == "Ben"
    assert outcome["went"]["online"] is False and outcome["went"]["who"]["name"] == "Ben"


async def _moved_on_another_server(app, urls, setup) -> dict:
    """A facilitator on one server moves a juror connected to the other: the juror's
    connection changes table room there, with no `join` from the juror's client."""
    from consult.extensions import db
    from consult.live import seating
    from consult.models import JurySession

    staff = await _signed_in_staff(urls[1], setup.facilitator_email)
    ack = await staff.call(
        "allocate_tables",
        {"session_id": setup.session_id, "table_size": 2, "seed": 1},
        namespace="/live",
    )
    assert ack["ok"], ack
    with app.app_context():
        seats = seating.seating(db.session.get(JurySession, setup.session_id))
    codes = dict(setup.members)
    mover = next(m for m, t in seats.items() if list(seats.values()).count(t) == 2)
    old_mate = next(m for m, t in seats.items() if t == seats[mover] and m != mover)
    new_mate = next(m for m, t in seats.items() if t != seats[mover])
    clients = {
        mover: await _juror(urls[0], codes[mover], setup.session_id),
        old_mate: await _juror(urls[0], codes[old_mate], setup.session_id),
        new_mate: await _juror(urls[1], codes[new_mate], setup.session_id),
    }
    heard: asyncio.Queue = asyncio.Queue()
    clients[mover].on("contribution_added", heard.put_nowait, namespace="/live")
    await _join_until(  # the console's server knows of the mover's connection
        staff,
        setup.session_id,
        lambda state: any(w["id"] == mover for w in state["connected"] if w["kind"] == "member"),
    )
    moved = await staff.call(
        "move_member",
        {"session_id": setup.session_id, "member_id": mover, "table_id": seats[new_mate]},
        namespace="/live",
    )
    assert moved["ok"], moved
    for speaker in (old_mate, new_mate):
        said = await clients[speaker].call(
            "send_message",
            {
                "session_id": setup.session_id,
                "client_id": f"t{speaker}",
                "text": f"from {speaker}",
                "scope": "table",
            },
            namespace="/live",
        )
        assert said["ok"], said
    texts = [(await asyncio.wait_for(heard.get(), timeout=10))["text"]]
    await asyncio.sleep(1)  # anything more (the old table's message) would have come by now
    while not heard.empty():
        texts.append(heard.get_nowait()["text"])
    for client in [staff, *clients.values()]:
        await client.disconnect()
    return {"texts": texts, "new_mate": new_mate}


def test_a_juror_moved_by_a_console_on_another_server_hears_only_the_new_table(app, two_servers):
    urls, setup = two_servers
    outcome = _in_a_thread(_moved_on_another_server(app, urls, setup))
    assert outcome["texts"] == [f"from {outcome['new_mate']}"], outcome
