"""Load bench for live deliberation: N jurors in one session, fan-out latency of chat.

    # a server, as `make run` starts it, on a database that has the schema:
    DATABASE_URL=sqlite:////tmp/live.db .venv/bin/flask --app wsgi db upgrade
    # (it signs every juror in from one address: lift the join-code limit of 20 a minute)
    LIVE_JOIN_RATE_LIMIT="100000 per minute" \\
    DATABASE_URL=sqlite:////tmp/live.db .venv/bin/gunicorn -k gevent -w 1 \\
        --worker-connections 10000 --bind 127.0.0.1:5000 wsgi:app &
    # the bench, with the same DATABASE_URL (it runs `flask --app wsgi live bench-setup`):
    DATABASE_URL=sqlite:////tmp/live.db .venv/bin/python bench/live_load.py \\
        --url http://127.0.0.1:5000 --participants 1000 --messages 200

What it does: creates a jury, N jurors with join codes and a live session with a running
table-discussion round (the CLI command above, on the server's database); signs every
juror in through POST /live/api/join; connects each with python-socketio's asyncio client
(many per process, in --processes worker processes) over WebSocket and joins the session;
then M chat messages are sent to the whole room by randomly chosen jurors at --rate per
second. Every message carries its send time; every juror records when each message
arrives. Prints the fan-out latency (sender to every receiver, the sender's own copy
included) p50/p95/p99, messages expected (M x N) and delivered, errors (refused or
unacknowledged sends, failed connections), and the server's peak memory (VmHWM of the
processes listening on the port, read from /proc when it can), and the CPU time the
servers and the bench's own clients spent while sending. Several --url values
spread the jurors over several servers (sharing rooms through Redis); the expected
deliveries are the same. Every event names the previous one in its room (`prev_seq`): a
juror that sees one it never received resyncs from before it, as the browser client
does; such gaps are counted (`gaps_resynced`) and the recovered copies count as
delivered, with their late latency. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import multiprocessing
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]


def setup_session(participants: int, flask: str) -> tuple[int, list[str]]:
    """Run the documented CLI on the server's database (DATABASE_URL from the env)."""
    with tempfile.NamedTemporaryFile("r", suffix=".txt", delete=False) as handle:
        out = handle.name
    env = {**os.environ, "SOCKETIO_ASYNC_MODE": "threading", "CONSULT_NO_MONKEY_PATCH": "1"}
    subprocess.run(
        [
            flask,
            "--app",
            "wsgi",
            "live",
            "bench-setup",
            "--participants",
            str(participants),
            "--out",
            out,
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    lines = Path(out).read_text().splitlines()
    Path(out).unlink()
    return int(lines[0].split("=", 1)[1]), lines[1:]


async def _worker_main(
    urls: list[str],
    session_id: int,
    codes: list[tuple[int, str]],
    sends: list[tuple[float, int]],
    ready: multiprocessing.Event,
    go: multiprocessing.Event,
    results: multiprocessing.Queue,
    settle: float,
    total_messages: int,
) -> None:
    import aiohttp
    import socketio

    latencies: list[float] = []
    errors: list[str] = []
    delivered = 0
    clients: dict[int, socketio.AsyncClient] = {}
    reconnects: list[int] = []
    gaps: list[int] = []  # broadcasts found missing by their room's prev_seq, then resynced
    ack_times: list[float] = []

    async def connect(index: int, code: str) -> None:
        nonlocal delivered
        url = urls[index % len(urls)]
        jar = aiohttp.CookieJar(unsafe=True)  # unsafe: accept cookies from an IP address
        async with (
            aiohttp.ClientSession(cookie_jar=jar) as http,
            http.post(f"{url}/live/api/join", json={"code": code}) as response,
        ):
            if response.status != 200:
                errors.append(f"join {response.status}")
                return
            cookie = "; ".join(f"{c.key}={c.value}" for c in http.cookie_jar)
        client = socketio.AsyncClient(reconnection=True, reconnection_delay=0.5)
        seen: set[int] = set()
        state = {"max_seq": 0, "joined": False}
        room_seqs: dict[str, int] = {}

        def record(payload: dict, now: float) -> None:
            nonlocal delivered
            seq = payload.get("seq")
            if seq in seen:
                return
            seen.add(seq)
            state["max_seq"] = max(state["max_seq"], seq or 0)
            match = re.search(r"t=([0-9.]+)", payload.get("text", ""))
            if match:
                latencies.append(now - float(match.group(1)))
                delivered += 1

        def missed_since(payload: dict) -> int | None:
            """Each event names the previous one in its room: one never received means a
            broadcast went missing; returns the room's last known seq to resync from."""
            room, seq, prev = payload.get("room"), payload.get("seq"), payload.get("prev_seq")
            if not isinstance(room, str) or not isinstance(seq, int):
                return None
            known = room_seqs.get(room)
            if known is None or seq > known:
                room_seqs[room] = seq
            if known is not None and isinstance(prev, int) and prev > known:
                gaps.append(1)
                return known
            return None

        async def catch_up(after: int) -> None:
            ack = await client.call(
                "join",
                {"session_id": session_id, "after_seq": after},
                namespace="/live",
                timeout=60,
            )
            for item in ack.get("events", []):
                if item["event"] == "contribution_added":
                    record(item["payload"], time.time())

        @client.on("contribution_added", namespace="/live")
        async def on_message(payload: dict) -> None:
            record(payload, time.time())
            after = missed_since(payload)
            if after is not None:
                await catch_up(after)

        @client.on("connect", namespace="/live")
        async def on_connect() -> None:
            if not state["joined"]:
                return
            # a reconnect: join again and take what was missed from the resync
            reconnects.append(1)
            ack = await client.call(
                "join",
                {"session_id": session_id, "after_seq": state["max_seq"]},
                namespace="/live",
                timeout=60,
            )
            for item in ack.get("events", []):
                if item["event"] == "contribution_added":
                    record(item["payload"], time.time())

        try:
            await client.connect(
                url,
                namespaces=["/live"],
                transports=["websocket"],
                headers={"Cookie": cookie, "Origin": url},
                wait_timeout=30,
            )
            ack = await client.call(
                "join", {"session_id": session_id}, namespace="/live", timeout=60
            )
            if not ack.get("ok"):
                errors.append(f"join refused {ack.get('error')}")
                return
            state["max_seq"] = ack.get("last_seq", 0)
            room_seqs.update(ack.get("room_seqs", {}))
            state["joined"] = True
            clients[index] = client
        except Exception as error:
            errors.append(f"connect {type(error).__name__}: {error}")

    limit = asyncio.Semaphore(50)

    async def guarded(index: int, code: str) -> None:
        async with limit:
            await connect(index, code)

    await asyncio.gather(*(guarded(i, c) for i, c in codes))
    # A phone decodes its own copy of each message; here hundreds of simulated jurors
    # share one interpreter, whose full garbage collections (hundreds of milliseconds
    # with a thousand connections) would be counted as the server's latency. Freeze what
    # connecting built and collect young objects less often, as the server does
    # (consult/runtime.py).
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 10, 10)
    ready.set()
    while not go.is_set():
        await asyncio.sleep(0.05)
    start = time.time()
    cpu_start = time.process_time()
    acks = 0

    async def send(at: float, index: int) -> None:
        nonlocal acks
        delay = start + at - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        client = clients.get(index)
        if client is None:
            errors.append("sender not connected")
            return
        text = f"bench message t={time.time():.6f}"
        body = {
            "session_id": session_id,
            "client_id": str(uuid.uuid4()),
            "text": text,
            "scope": "room",
        }
        for attempt in range(5):  # a retry reuses the client_id: never a duplicate
            try:
                sent = time.time()
                ack = await client.call("send_message", body, namespace="/live", timeout=30)
                ack_times.append(time.time() - sent)
            except Exception as error:
                if attempt == 4:
                    errors.append(f"send {type(error).__name__}")
                await asyncio.sleep(1)
                continue
            if ack.get("ok"):
                acks += 1
            else:
                errors.append(f"send refused {ack.get('error', {}).get('code')}")
            break

    await asyncio.gather(*(send(at, index) for at, index in sends))
    # wait for the stragglers: until every copy arrived, or nothing came for `settle` s
    wanted = total_messages * len(clients)
    last, quiet_since = -1, time.time()
    while delivered < wanted and time.time() - quiet_since < settle:
        if delivered != last:
            last, quiet_since = delivered, time.time()
        await asyncio.sleep(0.2)
    results.put(
        {
            "latencies": latencies,
            "delivered": delivered,
            "errors": errors,
            "acks": acks,
            "connected": len(clients),
            "reconnects": len(reconnects),
            "gaps": len(gaps),
            "ack_times": ack_times,
            "cpu": time.process_time() - cpu_start,
        }
    )
    await asyncio.gather(*(c.disconnect() for c in clients.values()), return_exceptions=True)


def worker(*args) -> None:  # type: ignore[no-untyped-def]
    asyncio.run(_worker_main(*args))


def server_pids(urls: list[str]) -> list[str]:
    """Processes holding a socket that listens on the URLs' ports (when /proc shows them)."""
    ports = {urlsplit(url).port for url in urls}
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            port = int(fields[1].rsplit(":", 1)[1], 16)
            if port in ports and fields[3] == "0A":  # LISTEN
                inodes.add(fields[9])
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            links = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
        except OSError:
            continue
        if any(f"socket:[{inode}]" in links for inode in inodes):
            pids.append(pid)
    return pids


def server_peak_memory_kb(pids: list[str]) -> int | None:
    """Largest VmHWM (peak resident memory) among the server processes."""
    peak = None
    for pid in pids:
        try:
            match = re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
        except OSError:
            continue
        if match:
            peak = max(peak or 0, int(match.group(1)))
    return peak


def server_cpu_seconds(pids: list[str]) -> float | None:
    """User + system CPU time used so far by the server processes."""
    total, ticks = 0.0, os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total if pids else None


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--url",
        action="append",
        required=True,
        help="server URL; repeat to spread jurors over several servers",
    )
    parser.add_argument("--participants", type=int, default=100)
    parser.add_argument("--messages", type=int, default=100, help="messages sent in total")
    parser.add_argument("--rate", type=float, default=20.0, help="messages per second")
    parser.add_argument("--processes", type=int, default=2, help="client worker processes")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds to wait at the end")
    parser.add_argument("--flask", default=str(ROOT / ".venv" / "bin" / "flask"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    urls = [url.rstrip("/") for url in args.url]

    began = time.time()
    session_id, codes = setup_session(args.participants, args.flask)
    print(f"session {session_id}: {len(codes)} jurors ({time.time() - began:.1f} s to set up)")
    rng = random.Random(args.seed)
    sends = sorted((i / args.rate, rng.randrange(args.participants)) for i in range(args.messages))
    workers = max(1, min(args.processes, args.participants))
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    go = context.Event()
    processes, readies = [], []
    for w in range(workers):
        mine = [(i, code) for i, code in enumerate(codes) if i % workers == w]
        mine_sends = [(at, index) for at, index in sends if index % workers == w]
        ready = context.Event()
        readies.append(ready)
        process = context.Process(
            target=worker,
            args=(
                urls,
                session_id,
                mine,
                mine_sends,
                ready,
                go,
                results,
                args.settle,
                args.messages,
            ),
        )
        process.start()
        processes.append(process)
    connecting = time.time()
    for ready in readies:
        ready.wait()
    print(
        f"connected in {time.time() - connecting:.1f} s; sending {args.messages} messages "
        f"at {args.rate:g}/s"
    )
    pids = server_pids(urls)
    cpu_before = server_cpu_seconds(pids)
    go.set()
    reports = [results.get() for _ in processes]
    cpu_after = server_cpu_seconds(pids)
    for process in processes:
        process.join()

    latencies = [value * 1000 for report in reports for value in report["latencies"]]
    errors = [error for report in reports for error in report["errors"]]
    delivered = sum(report["delivered"] for report in reports)
    acks = sum(report["acks"] for report in reports)
    connected = sum(report["connected"] for report in reports)
    reconnects = sum(report["reconnects"] for report in reports)
    gaps = sum(report["gaps"] for report in reports)
    ack_ms = [value * 1000 for report in reports for value in report["ack_times"]]
    expected = args.messages * args.participants
    peak = server_peak_memory_kb(pids)
    cpu = (
        round(cpu_after - cpu_before, 2)
        if cpu_before is not None and cpu_after is not None
        else None
    )
    figures = {
        "participants": args.participants,
        "servers": len(urls),
        "connected": connected,
        "reconnects": reconnects,
        "gaps_resynced": gaps,
        "messages": args.messages,
        "acknowledged": acks,
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "max_ms": round(max(latencies), 1) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
        "ack_p50_ms": round(percentile(ack_ms, 0.50), 1),
        "ack_p99_ms": round(percentile(ack_ms, 0.99), 1),
        "expected": expected,
        "delivered": delivered,
        "errors": len(errors),
        "server_peak_memory_mb": round(peak / 1024, 1) if peak else None,
        "server_cpu_s": cpu,
        "client_cpu_s": round(sum(report["cpu"] for report in reports), 2),
    }
    for error in sorted(set(errors))[:10]:
        print(f"error: {error} (x{errors.count(error)})")
    print(f"participants {figures['participants']} on {len(urls)} server(s), {connected} connected")
    print(
        f"fan-out latency p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
        f"p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms"
    )
    print(
        f"messages {args.messages} sent, {acks} acknowledged; deliveries expected "
        f"{expected}, delivered {delivered}; errors {len(errors)}"
    )
    print(
        f"server peak memory: {figures['server_peak_memory_mb'] or 'not readable'} MB; "
        f"server CPU while sending: {cpu if cpu is not None else 'not readable'} s; "
        f"bench clients' CPU: {figures['client_cpu_s']} s"
    )
    print(json.dumps(figures))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
