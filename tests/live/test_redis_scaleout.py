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

from tests.conftest import TEST_DATABASE_URL, free_port

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 13

pytestmark = [pytest.mark.redis, pytest.mark.slow]


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


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


def test_event_sent_through_one_server_reaches_a_client_on_the_other(
    app, app_config, make_live_session, tmp_path
):
    if TEST_DATABASE_URL:
        pytest.skip("the two servers share an SQLite file; run this test in SQLite mode")
    if not _redis_answers():
        pytest.skip("Redis is not answering on 127.0.0.1:6379")
    setup = make_live_session(jurors=2, start=True)
    ports = [free_port(), free_port()]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    env = {
        **os.environ,
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app_config["SECRET_KEY"],
        "SOCKETIO_MESSAGE_QUEUE": f"redis://127.0.0.1:6379/{REDIS_DB}",
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
        # in a thread of its own: Playwright's sync API may own this thread's event loop
        with ThreadPoolExecutor(max_workers=1) as pool:
            outcome = pool.submit(
                asyncio.run,
                _two_servers_share_a_room(urls, setup.session_id, [c for _, c in setup.members]),
            ).result(timeout=60)
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
    assert set(outcome["seen"]) == set(urls), outcome
    other = outcome["seen"][urls[1]]
    assert other["text"] == "Across servers" and other["seq"] == outcome["ack"]["seq"]
