"""Submission load bench: concurrent residents POST responses to a running Consult server.

    bench/submit_load.py --url http://127.0.0.1:8000 [--seconds 60] [--concurrency 24]
                         [--slug SLUG --token TOKEN]

Drives `POST /api/v1/consultations/<slug>/responses` (each with its own Idempotency-Key;
a failed or timed-out request is retried with the same key, and every 50th response is
deliberately sent twice) for --seconds, then counts what the server stored through the
officer API and compares it with what it acknowledged. Without --slug/--token it runs
`flask --app wsgi consultations bench-setup` (same environment, so set DATABASE_URL as the
server has it) to create the bench consultation and an officer token.

Run the server the production way (see docs/consultations.md), with the submission rate
limit lifted for the bench: SUBMIT_RATE_LIMIT="1000000 per minute" (or
RATELIMIT_ENABLED=false). Prints the figures, then one JSON line: responses_per_second,
p50_ms, p99_ms, acknowledged, stored (and a few more)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [
    "More buses in the evening, and a shelter at the stop on Mill Lane.",
    "Cheaper fares for young people would help me get to college.",
    "The 14 is always late. Please fix the timetable.",
    "Keep the bus station open; it is the only warm place to wait.",
    "Call me on 07700 900123 if you want to talk about the route changes.",
]


def setup(url: str) -> tuple[str, str]:
    flask = ROOT / ".venv" / "bin" / "flask"
    command = [str(flask if flask.exists() else "flask"), "--app", "wsgi", "consultations"]
    environment = {**os.environ, "CONSULT_NO_MONKEY_PATCH": "1"}
    result = subprocess.run(
        [*command, "bench-setup"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return data["slug"], data["token"]


def answers_for(questions: list[dict[str, Any]], rng: random.Random) -> dict[str, Any]:
    """A valid answer to every question, from the types GET /consultations/<slug> gives."""
    answers: dict[str, Any] = {}
    for q in questions:
        values = [o["value"] for o in q["options"]]
        kind = q["kind"]
        if kind == "free_text":
            answers[str(q["id"])] = rng.choice(TEXTS)[: q["max_length"] or 2000]
        elif kind == "single_choice":
            answers[str(q["id"])] = rng.choice(values)
        elif kind == "likert":
            answers[str(q["id"])] = rng.randint(1, 5)
        elif kind == "multiple_choice":
            answers[str(q["id"])] = rng.sample(values, rng.randint(1, len(values)))
        elif kind == "ranking":
            answers[str(q["id"])] = rng.sample(values, len(values))
        elif kind == "budget":
            total = q["budget_total"]
            first = rng.randint(0, total)
            split = [first, total - first] + [0] * (len(values) - 2)
            answers[str(q["id"])] = dict(zip(values, split, strict=True))
    return answers


async def stored_count(session: aiohttp.ClientSession, url: str, token: str) -> int:
    async with session.get(url, params={"per_page": "1"}, headers=_auth(token)) as response:
        response.raise_for_status()
        return (await response.json())["total"]


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    base = args.url.rstrip("/")
    slug, token = args.slug, args.token
    if not (slug and token):
        slug, token = setup(base)
    api = f"{base}/api/v1/consultations/{slug}"
    timeout = aiohttp.ClientTimeout(total=10)
    connector = aiohttp.TCPConnector(limit=args.concurrency, force_close=False)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        async with session.get(api) as response:
            response.raise_for_status()
            questions = (await response.json())["questions"]
        rng = random.Random(7)
        bodies = [json.dumps({"answers": answers_for(questions, rng)}).encode() for _ in range(200)]
        before = await stored_count(session, f"{api}/responses", token)
        latencies: list[float] = []
        references: set[str] = set()
        counters = {"retries": 0, "duplicates_sent": 0, "duplicate_mismatch": 0, "failed": 0}
        deadline = time.perf_counter() + args.seconds
        headers = {"Content-Type": "application/json"}

        async def post(body: bytes, key: str) -> str | None:
            for _attempt in range(5):
                try:
                    async with session.post(
                        f"{api}/responses",
                        data=body,
                        headers={**headers, "Idempotency-Key": key},
                    ) as response:
                        if response.status in (200, 201):
                            return (await response.json())["reference"]
                        await response.read()
                        if response.status < 500 and response.status != 429:
                            counters["failed"] += 1
                            return None
                except (TimeoutError, aiohttp.ClientError):
                    pass
                counters["retries"] += 1
                await asyncio.sleep(0.05)
            counters["failed"] += 1
            return None

        async def resident(number: int) -> None:
            sent = 0
            while time.perf_counter() < deadline:
                key = f"bench-{uuid.uuid4().hex}"
                body = bodies[(number * 7919 + sent) % len(bodies)]
                started = time.perf_counter()
                reference = await post(body, key)
                if reference is not None:
                    latencies.append((time.perf_counter() - started) * 1000)
                    references.add(reference)
                    sent += 1
                    if sent % 50 == 0:  # a client that retries a request it already sent
                        counters["duplicates_sent"] += 1
                        if await post(body, key) != reference:
                            counters["duplicate_mismatch"] += 1

        started = time.perf_counter()
        await asyncio.gather(*(resident(n) for n in range(args.concurrency)))
        elapsed = time.perf_counter() - started
        after = await stored_count(session, f"{api}/responses", token)
    latencies.sort()
    p99_index = max(0, round(0.99 * len(latencies)) - 1)
    return {
        "responses_per_second": round(len(references) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(latencies[p99_index], 1) if latencies else None,
        "acknowledged": len(references),
        "stored": after - before,
        "seconds": round(elapsed, 1),
        "concurrency": args.concurrency,
        **counters,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--url", required=True, help="The running server, like http://127.0.0.1:8000"
    )
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=24)
    parser.add_argument("--slug", help="An open consultation (default: the bench's own)")
    parser.add_argument("--token", help="An officer API token, to count what was stored")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    print(f"concurrency         {result['concurrency']} submitters for {result['seconds']} s")
    print(f"responses/second    {result['responses_per_second']}")
    print(f"latency p50 / p99   {result['p50_ms']} ms / {result['p99_ms']} ms")
    print(f"acknowledged        {result['acknowledged']}")
    print(f"stored              {result['stored']}")
    print(
        f"retries {result['retries']}, deliberate duplicates {result['duplicates_sent']} "
        f"(mismatched {result['duplicate_mismatch']}), failed {result['failed']}"
    )
    print(json.dumps(result))
    if result["stored"] != result["acknowledged"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
