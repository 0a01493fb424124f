"""Does the web server keep answering while an officer's analysis runs?

    .venv/bin/python bench/workspace_responsiveness.py [--answers 8000] [--set agnews]
        [--db /tmp/consult_bench_workspace.db] [--rebuild] [--root DIR] [--interval 0.25]

Builds (once; `--rebuild` to start again) a scratch SQLite database with a closed
consultation whose one free-text question holds the first `--answers` texts of a labelled
short-text set in ../shared/data/shorttext/ (read where it lies, never copied), and an
officer. Serves it with the production server, as `make serve` does (gunicorn, one gevent
worker, 10,000 connections, `JOB_QUEUE=thread`), from `--root` (default: this
checkout; give an older checkout to measure it the same way). Signs in as the officer and
starts "Run the analysis" from the consultation's page; times GET /healthz every
`--interval` seconds from a few seconds before until the run has finished (the run row is
read from the database file, so a server that does not answer cannot hide it). Prints the
run's duration (the server's started and finished times), how long the POST that started
it took, and /healthz latency (count, median, p95, max) while idle and during the run;
then one JSON line with every figure.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import datetime
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = Path(os.environ.get("CONSULT_DATA", ROOT.parent / "shared" / "data"))
SHORTTEXT = DATA / "shorttext"
OFFICER = "bench-officer@council.example"
SLUG = "bench-responsiveness"
IDLE_SECONDS = 3.0


def build(db_path: Path, set_name: str, answers: int) -> int:
    """Migrate a fresh database and load the consultation; returns its id."""
    if db_path.exists():
        db_path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{db_path}"}
    environment["SOCKETIO_ASYNC_MODE"] = "threading"
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
    )
    with open(SHORTTEXT / f"{set_name}.csv", encoding="utf-8", newline="") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)][:answers]
    if len(texts) < answers:
        raise SystemExit(f"{set_name} has only {len(texts)} texts")
    from consult.consultations.redaction import moderate
    from consult.extensions import db
    from consult.models import Answer, Consultation, Question, Response, User, utcnow

    app = _app(db_path)
    with app.app_context():
        officer = User(email=OFFICER, role="officer", name="Bench officer", active=True)
        officer.set_password(secrets.token_urlsafe(16))  # a new one each time: see prepare()
        db.session.add(officer)
        consultation = Consultation(
            slug=SLUG,
            title=f"Bench: {answers:,} answers from {set_name}",
            summary="Responsiveness benchmark.",
            background="Made by bench/workspace_responsiveness.py.",
            status="closed",
            opens_at=utcnow(),
            closes_at=utcnow(),
        )
        consultation.questions.append(
            Question(position=0, kind="free_text", prompt="What do you think?")
        )
        db.session.add(consultation)
        db.session.flush()
        question = consultation.questions[0]
        for number, text in enumerate(texts):
            redacted, flags = moderate(text)
            response = Response(
                consultation_id=consultation.id,
                reference=f"RSP-BENCH-{number:06d}",
                status="submitted",
                submitted_at=utcnow(),
            )
            response.answers.append(
                Answer(question_id=question.id, text=text, redacted_text=redacted, flags=flags)
            )
            db.session.add(response)
        db.session.commit()
        consultation_id = consultation.id
        db.engine.dispose()
    return consultation_id


def _app(db_path: Path) -> Any:
    from consult import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
            "SECRET_KEY": "bench",
            "SOCKETIO_ASYNC_MODE": "threading",
            "LIVE_ROUND_CLOCK": False,
        }
    )


def prepare(db_path: Path) -> tuple[int, str]:
    """The consultation's id and a fresh officer password; earlier runs left queued or
    running (an interrupted bench) are set aside so a new run may start."""
    from consult.extensions import db
    from consult.models import Consultation, User

    password = secrets.token_urlsafe(16)
    app = _app(db_path)
    with app.app_context():
        officer = db.session.scalar(db.select(User).where(User.email == OFFICER))
        officer.set_password(password)
        consultation = db.session.scalar(db.select(Consultation).where(Consultation.slug == SLUG))
        db.session.execute(
            db.text(
                "UPDATE analysis_runs SET status = 'failed', error = 'set aside by the bench' "
                "WHERE status IN ('queued', 'running')"
            )
        )
        db.session.commit()
        consultation_id = consultation.id
        db.engine.dispose()
    return consultation_id, password


class Officer:
    """A signed-in officer over HTTP: cookies, and CSRF tokens read from the pages."""

    TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=600) as response:
            return response.read().decode()

    def post(self, path: str, form_page: str, data: dict[str, str]) -> str:
        token = self.TOKEN.search(self.get(form_page)).group(1)  # type: ignore[union-attr]
        body = urllib.parse.urlencode({**data, "csrf_token": token}).encode()
        with self.opener.open(self.base + path, data=body, timeout=600) as response:
            response.read()
            return response.geturl()


class Prober(threading.Thread):
    """GET /healthz every `interval` seconds (one at a time, a new connection each):
    (sent at, seconds taken, HTTP status) for every request."""

    def __init__(self, base: str, interval: float) -> None:
        super().__init__(daemon=True)
        self.url, self.interval = f"{base}/healthz", interval
        self.samples: list[tuple[float, float, int]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            sent = time.monotonic()
            try:
                with urllib.request.urlopen(self.url, timeout=600) as response:
                    response.read()
                    status = response.status
            except OSError:
                status = 0
            taken = time.monotonic() - sent
            self.samples.append((sent, taken, status))
            self.stop.wait(max(0.0, self.interval - taken))


def figures(latencies: list[float]) -> dict[str, Any]:
    if not latencies:
        return {"n": 0}
    ordered = sorted(latencies)
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_server(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.time() + 120
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not start:\n{log.read_text()[-3000:]}")


def last_run_id(db_path: Path) -> int:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
        return connection.execute("SELECT COALESCE(MAX(id), 0) FROM analysis_runs").fetchone()[0]


def watch_run(db_path: Path, after: int, timeout: float) -> tuple[float, dict[str, Any]]:
    """Read the database until the run started after `after` has finished: the moment
    this was seen and the row."""
    deadline = time.monotonic() + timeout
    query = (
        "SELECT id, status, started_at, finished_at, error, summary FROM analysis_runs "
        "WHERE id > ? ORDER BY id LIMIT 1"
    )
    while time.monotonic() < deadline:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30) as connection:
            row = connection.execute(query, (after,)).fetchone()
        if row and row[1] in ("done", "failed"):
            keys = ("id", "status", "started_at", "finished_at", "error", "summary")
            return time.monotonic(), dict(zip(keys, row, strict=True))
        time.sleep(0.1)
    raise SystemExit(f"the run did not finish within {timeout:g} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=8000)
    parser.add_argument("--set", default="agnews", help="a file of ../shared/data/shorttext/")
    parser.add_argument("--db", type=Path, default=Path("/tmp/consult_bench_workspace.db"))
    parser.add_argument("--rebuild", action="store_true", help="build the database afresh")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve")
    parser.add_argument("--interval", type=float, default=0.25)
    parser.add_argument("--timeout", type=float, default=900)
    arguments = parser.parse_args()
    db_path = arguments.db.resolve()

    if arguments.rebuild or not db_path.exists():
        print(f"building {db_path}: {arguments.answers:,} answers from {arguments.set} ...")
        build(db_path, arguments.set, arguments.answers)
    consultation_id, password = prepare(db_path)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db_path}",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "SOCKETIO_ASYNC_MODE": "gevent",
        "JOB_QUEUE": "thread",
        "PUBLIC_ORIGINS": base,
    }
    command = [sys.executable, "-m", "gunicorn", "-k", "gevent", "-w", "1"]
    command += ["--worker-connections", "10000", "--bind", f"127.0.0.1:{port}", "wsgi:app"]
    with tempfile.NamedTemporaryFile("w+", suffix=".log") as log:
        server = subprocess.Popen(
            command,
            cwd=arguments.root,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_server(port, server, Path(log.name))
            officer = Officer(base)
            officer.post("/sign-in", "/sign-in", {"email": OFFICER, "password": password})
            page = f"/workspace/consultations/{consultation_id}"
            officer.get(page)
            prober = Prober(base, arguments.interval)
            prober.start()
            time.sleep(IDLE_SECONDS)
            before = last_run_id(db_path)
            posted: dict[str, float] = {}

            def start_run() -> None:
                sent = time.monotonic()
                officer.post(f"{page}/runs", page, {"n_themes": "auto", "random_state": "0"})
                posted["taken"] = time.monotonic() - sent

            started = time.monotonic()
            poster = threading.Thread(target=start_run, daemon=True)
            poster.start()
            finished, row = watch_run(db_path, before, arguments.timeout)
            poster.join(timeout=arguments.timeout)
            time.sleep(arguments.interval * 2)
            prober.stop.set()
            prober.join(timeout=600)
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    idle = [t for sent, t, _ in prober.samples if sent < started]
    during = [t for sent, t, _ in prober.samples if started <= sent <= finished]
    failures = sum(1 for sent, _, status in prober.samples if status != 200)
    run_seconds = (
        datetime.fromisoformat(str(row["finished_at"]))
        - datetime.fromisoformat(str(row["started_at"]))
    ).total_seconds()
    summary = json.loads(row["summary"] or "{}")
    result = {
        "root": str(arguments.root),
        "set": arguments.set,
        "answers": arguments.answers,
        "run_id": row["id"],
        "status": row["status"],
        "error": (row["error"] or "").split("\n", 1)[0] or None,
        "themes": summary.get("themes"),
        "run_seconds": round(run_seconds, 2),
        "post_seconds": round(posted.get("taken", float("nan")), 3),
        "start_to_seen_finished_seconds": round(finished - started, 2),
        "healthz_idle": figures(idle),
        "healthz_during_run": figures(during),
        "healthz_failures": failures,
    }
    print(f"server: gunicorn -k gevent -w 1 --worker-connections 10000, root {arguments.root}")
    print(f"consultation: {arguments.answers:,} answers from {arguments.set}")
    print(
        f"run {row['id']}: {row['status']}"
        + (f" ({result['error']})" if result["error"] else f", {result['themes']} themes")
        + f"; computed in {run_seconds:.1f} s (server clock); the POST starting it took "
        f"{result['post_seconds']:.2f} s"
    )
    for label, numbers in (
        ("idle", result["healthz_idle"]),
        ("during run", result["healthz_during_run"]),
    ):
        if numbers["n"]:
            print(
                f"/healthz {label:>10}: n={numbers['n']:<4} median {numbers['median_ms']:>8.1f} ms"
                f"  p95 {numbers['p95_ms']:>8.1f} ms  max {numbers['max_ms']:>8.1f} ms"
            )
    if failures:
        print(f"/healthz failures: {failures}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
