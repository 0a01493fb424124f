"""Shared fixtures: a new app per test (flaskr style) on its own SQLite file copied from a
template built once by the migrations, or inside one rolled-back transaction on
PostgreSQL when TEST_DATABASE_URL is set; factories that commit and return ids; a live
server on a port the OS picks; Playwright on Debian's Chromium; the axe-core check."""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from consult import create_app
from consult.extensions import db, socketio
from consult.i18n import compile_catalogues

ROOT = Path(__file__).resolve().parent.parent
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
DEFAULT_PASSWORD = "correct horse battery staple"


def pytest_configure(config: pytest.Config) -> None:
    compile_catalogues()  # the .mo files are built, not committed (docs/translations.md)
    if TEST_DATABASE_URL:
        name = make_url(TEST_DATABASE_URL).database or ""
        if not name.endswith("_test"):
            pytest.exit(
                f"TEST_DATABASE_URL names the database {name!r}: tests only run against a "
                "database whose name ends in _test, because they write to it.",
                returncode=4,
            )


EXIT_GRACE_SECONDS = 60
_exit_status = {"code": 0}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _exit_status["code"] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """A guard on the way out. Once the results are printed, the interpreter still joins
    what tests left running (non-daemon threads, child processes, atexit handlers); one
    CI run passed every test and then never exited. If the process is still alive
    EXIT_GRACE_SECONDS after this point, print every thread's stack (so the cause can be
    found) and leave with the suite's own exit status instead of hanging until CI's limit."""
    import faulthandler
    import multiprocessing
    import sys

    lingering = [t.name for t in threading.enumerate() if t is not threading.main_thread()
                 and not t.daemon and t.is_alive()]  # fmt: skip
    children = multiprocessing.active_children()
    if lingering or children:
        print(
            f"\nStill running after the tests: threads {lingering}, processes {children}",
            file=sys.stderr,
        )

    def give_up() -> None:
        print(
            f"\nThe test process had not exited {EXIT_GRACE_SECONDS} s after the results; "
            "stacks of every thread follow, then it exits with the suite's status.",
            file=sys.stderr,
        )
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(_exit_status["code"])

    timer = threading.Timer(EXIT_GRACE_SECONDS, give_up)
    timer.daemon = True
    timer.start()


def _base_config(tmp: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "INSTANCE_PATH": str(tmp / "instance"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SOCKETIO_ASYNC_MODE": "threading",
        "SOCKETIO_MESSAGE_QUEUE": None,
        "SERVER_NAME": None,
        "PUBLIC_ORIGINS": ["http://localhost", "http://127.0.0.1"],
        "JOB_QUEUE": "inline",
        "LIVE_ROUND_CLOCK": False,  # tests tick the clock themselves
    }


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> str | None:
    """An SQLite file built once per run by the migrations (None on PostgreSQL, where the
    schema is upgraded once and each test runs inside a transaction)."""
    from flask_migrate import upgrade

    tmp = tmp_path_factory.mktemp("template")
    if TEST_DATABASE_URL:
        app = create_app({**_base_config(tmp), "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL})
        with app.app_context():
            db.drop_all()
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
            upgrade()
            db.engine.dispose()
        return None
    path = tmp / "template.db"
    app = create_app({**_base_config(tmp), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return str(path)


@pytest.fixture
def app_config(tmp_path: Path, template_database: str | None) -> dict[str, Any]:
    """The configuration the `app` fixture is built from; a test may change it first."""
    config = _base_config(tmp_path)
    if TEST_DATABASE_URL:
        config["SQLALCHEMY_DATABASE_URI"] = TEST_DATABASE_URL
    else:
        path = tmp_path / "consult.db"
        shutil.copyfile(template_database, path)
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    return config


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    application = create_app(app_config)
    if TEST_DATABASE_URL:
        with application.app_context():
            connection = db.engine.connect()
        outer = connection.begin()
        factory = db.session.session_factory
        factory.configure(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield application
        finally:
            outer.rollback()
            connection.close()
            factory.configure(bind=None, join_transaction_mode="conditional_savepoint")
            with application.app_context():
                db.engine.dispose()
        return
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


# --- factories: each opens a short app context, commits, and returns ids ------------------


@pytest.fixture
def make_user(app: Flask) -> Callable[..., int]:
    from consult.models import User

    counter = iter(range(1, 10_000))

    def make(
        role: str = "officer",
        *,
        email: str | None = None,
        password: str = DEFAULT_PASSWORD,
        name: str | None = None,
        active: bool = True,
    ) -> int:
        with app.app_context():
            user = User(
                email=email or f"{role}{next(counter)}@council.example",
                role=role,
                name=name or f"Test {role}",
                active=active,
            )
            user.set_password(password)
            db.session.add(user)
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def make_consultation(app: Flask) -> Callable[..., int]:
    from datetime import timedelta

    from consult.models import Consultation, Question, utcnow

    counter = iter(range(1, 10_000))

    def make(
        *,
        status: str = "open",
        title: str | None = None,
        slug: str | None = None,
        questions: list[dict[str, Any]] | None = None,
    ) -> int:
        number = next(counter)
        with app.app_context():
            consultation = Consultation(
                slug=slug or f"consultation-{number}",
                title=title or f"Consultation {number}",
                summary="What should we do about it?",
                background="## Background\n\nSome facts.",
                status=status,
                opens_at=utcnow() - timedelta(days=1),
                closes_at=utcnow() + timedelta(days=30),
            )
            for position, spec in enumerate(
                questions or [{"kind": "free_text", "prompt": "What do you think?"}]
            ):
                consultation.questions.append(Question(position=position, **spec))
            db.session.add(consultation)
            db.session.commit()
            return consultation.id

    return make


@pytest.fixture
def make_jury(app: Flask) -> Callable[..., int]:
    from consult.models import Jury

    counter = iter(range(1, 10_000))

    def make(*, title: str | None = None, panel_size: int = 12, status: str = "recruiting") -> int:
        number = next(counter)
        with app.app_context():
            jury = Jury(
                slug=f"jury-{number}",
                title=title or f"Jury {number}",
                question="How should we get around?",
                panel_size=panel_size,
                status=status,
            )
            db.session.add(jury)
            db.session.commit()
            return jury.id

    return make


@pytest.fixture
def make_panel_member(app: Flask, make_jury: Callable[..., int]) -> Callable[..., tuple[int, str]]:
    """Returns (member id, join code)."""
    from consult.auth.services import issue_join_code
    from consult.models import PanelMember

    def make(
        *,
        jury_id: int | None = None,
        name: str = "Sam",
        status: str = "invited",
        features: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        jury_id = jury_id or make_jury()
        with app.app_context():
            member = PanelMember(
                jury_id=jury_id, display_name=name, status=status, features=features or {}
            )
            db.session.add(member)
            db.session.flush()
            code = issue_join_code(member)
            db.session.commit()
            return member.id, code

    return make


@pytest.fixture
def sign_in(app: Flask) -> Callable[..., None]:
    """Sign a test client in as a staff member (by email) or a juror (by join code)."""

    def do(
        client: FlaskClient,
        *,
        email: str | None = None,
        password: str = DEFAULT_PASSWORD,
        code: str | None = None,
    ) -> None:
        if code is not None:
            response = client.post("/join", data={"code": code})
        else:
            response = client.post("/sign-in", data={"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]

    return do


# --- a live server and a real browser -----------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served over real HTTP (and Socket.IO) on a port the OS picks."""
    from werkzeug.serving import make_server

    port = free_port()
    app.config["PUBLIC_ORIGINS"] = [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]
    # Socket.IO took its allowed origins when the app was built: give it the real port.
    from consult.extensions import socketio

    socketio.server.eio.cors_allowed_origins = app.config["PUBLIC_ORIGINS"]
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


# --- a live session: a jury, its facilitator and jurors, served for real browsers -------


@dataclass
class LiveSetup:
    session_id: int
    jury_id: int
    facilitator_email: str
    members: list[tuple[int, str]] = field(default_factory=list)  # (id, join code)
    round_ids: list[int] = field(default_factory=list)


@pytest.fixture
def make_live_session(
    app: Flask, make_user: Callable[..., int], make_jury: Callable[..., int], make_panel_member
) -> Callable[..., LiveSetup]:
    """A jury with `jurors` members and a planned session on the standard jury-day agenda
    (created through the service, as a facilitator)."""
    from consult.live import outbox, rounds
    from consult.models import Jury, User

    counter = iter(range(1, 10_000))

    def make(*, jurors: int = 3, start: bool = False, gallery: bool = False) -> LiveSetup:
        email = f"fran{next(counter)}@council.example"
        user_id = make_user("facilitator", email=email, name="Fran")
        jury_id = make_jury()
        members = [
            make_panel_member(jury_id=jury_id, name=name)
            for name in ["Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hal"][:jurors]
        ]
        with app.app_context():
            actor = db.session.get(User, user_id)
            jury_session = rounds.create_session(
                db.session.get(Jury, jury_id), actor=actor, title="Day one"
            )
            jury_session.gallery_open = gallery
            if start:
                rounds.control(jury_session, "start", actor=actor)
            db.session.commit()
            outbox.discard_outbox()
            setup = LiveSetup(
                session_id=jury_session.id,
                jury_id=jury_id,
                facilitator_email=email,
                members=members,
                round_ids=[r.id for r in jury_session.rounds],
            )
        return setup

    return make


@pytest.fixture
def live_origin(app: Flask, live_server: str) -> str:
    """The shared live_server fixture sets PUBLIC_ORIGINS after Socket.IO was bound with
    the old list; tell the Engine.IO server about the server's real origin too."""
    socketio.server.eio.cors_allowed_origins = list(app.config["PUBLIC_ORIGINS"])
    return live_server


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, never a downloaded browser."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


def browser_page(browser: Any, base: str, width: int) -> Any:
    """A page in a new browser context (one person) `width` px wide, at `base`."""
    context = browser.new_context(base_url=base, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def signed_in_page(browser: Any, base: str, email: str, width: int) -> Any:
    """`browser_page`, signed in as the staff member `email`."""
    page = browser_page(browser, base, width)
    page.goto(base + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")
    return page


def assert_fits(page: Any) -> None:
    """Nothing on the page is wider than the window: no sideways scrolling."""
    wide, screen = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert wide <= screen, f"{page.url}: {wide} px wide on a {screen} px screen"


AXE_SOURCE = (ROOT / "tests" / "vendor" / "axe.min.js").read_text()


ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


# Receipt references, voting codes and join codes (RSP-7F3K-9QX2, PBP-WE7K-3M2A) are
# random letters and digits: a check for English words left on a Welsh page takes them
# out first, or a code that happens to hold "WE" or "THE" reads as an untranslated word.
CODE_SHAPED = re.compile(r"\b[A-Z0-9]+(?:-[A-Z0-9]+)+\b")


def without_codes(text: str) -> str:
    return CODE_SHAPED.sub(" ", text)


def assert_accessible(page: Any, impacts: tuple[str, ...] = ALL_IMPACTS) -> None:
    """Run axe-core on the page; a violation of any of `impacts` fails the test. The
    default is every impact (issue 15: 0 violations of any impact on every page a browser
    journey visits); pass ("serious", "critical") only for a page still being mended."""
    page.evaluate(AXE_SOURCE)  # evaluated, not a <script> tag: our CSP blocks inline script
    violations = page.evaluate("async () => (await axe.run()).violations")
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} "
        f"({', '.join(str(n['target'][0]) for n in v['nodes'][:3])})"
        for v in violations
        if v["impact"] in impacts
    ]
    assert not found, f"{page.url}: {found}"


def _start_redis(folder: Path) -> tuple[Any, int]:
    """A redis-server on a free port of 127.0.0.1 writing nothing to disk (`--save ""
    --appendonly no`), logging to `folder`: (its process, its port). Skips, saying why,
    where `redis-server` is not installed."""
    import subprocess
    import time

    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    for _attempt in range(3):  # another process may take the free port before Redis does
        port = free_port()
        process = subprocess.Popen(
            [
                binary,
                "--port", str(port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(folder),
                "--logfile", str(folder / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < deadline:
            if _redis_answers(port):
                break
            time.sleep(0.05)  # polling for the server to come up, not a fixed wait
        if process.poll() is None and _redis_answers(port):
            return process, port
        process.kill()
        process.wait()
    log = (folder / "redis.log").read_text(errors="replace")[-2000:]
    pytest.fail(f"redis-server did not start:\n{log}")


def _stop_redis(process: Any) -> None:
    import subprocess

    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A redis-server of the test session's own, on a free port, with nothing written to
    disk (`--save "" --appendonly no`), stopped at the end: the suite never touches the
    machine's Redis, so flushing a database here harms no one. Yields its base URL
    (`redis://127.0.0.1:PORT`; append `/N` for database N). Skips, saying why, where
    `redis-server` is not installed."""
    process, port = _start_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield f"redis://127.0.0.1:{port}"
    finally:
        # Presence stores a test left behind keep their daemon threads until the
        # interpreter exits; once this server is gone they would only log that it is.
        logging.getLogger("consult.live.presence").disabled = True
        _stop_redis(process)


@pytest.fixture
def doomed_redis(tmp_path: Path) -> Iterator[tuple[str, Callable[[], None]]]:
    """A redis-server of this test's own that the test may stop: (its URL, a function
    that kills it at once, as a crash would). Stopped at the end either way."""
    folder = tmp_path / "redis"
    folder.mkdir()
    process, port = _start_redis(folder)

    def kill() -> None:
        process.kill()
        process.wait()

    try:
        yield f"redis://127.0.0.1:{port}", kill
    finally:
        if process.poll() is None:
            _stop_redis(process)


def _redis_answers(port: int) -> bool:
    """True when a Redis on 127.0.0.1:`port` answers PING."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def record_figure(config: pytest.Config, line: str) -> None:
    """Keep a figure a test measured (e.g. how many hostile inputs it tried), printed at
    the end of the run under "figures" so a report can quote it."""
    figures = getattr(config, "consult_figures", [])
    figures.append(line)
    config.consult_figures = figures  # type: ignore[attr-defined]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    figures = getattr(terminalreporter.config, "consult_figures", [])
    if figures:
        terminalreporter.section("figures")
        for line in figures:
            terminalreporter.write_line(line)


@pytest.fixture
def connect(app: Flask, sign_in: Callable[..., None]) -> Callable[..., Any]:
    """A Socket.IO test client for the facilitator (email=) or a juror (code=), already
    joined to the session (its join acknowledgement is kept on `.joined`)."""

    def make(session_id: int, *, email: str | None = None, code: str | None = None, join=True):
        client = app.test_client()
        if email:
            sign_in(client, email=email, password=DEFAULT_PASSWORD)
        elif code:
            sign_in(client, code=code)
        socket = socketio.test_client(app, namespace="/live", flask_test_client=client)
        assert socket.is_connected("/live")
        socket.http = client
        if join:
            socket.joined = socket.emit(
                "join", {"session_id": session_id}, namespace="/live", callback=True
            )
            assert socket.joined["ok"], socket.joined
            socket.get_received("/live")
        return socket

    return make
