"""How long people wait where the unit tests only check what happens (they used to time it):

    .venv/bin/python bench/waits.py [--repeats 3]

- "Forgot your password?" with an SMTP server that holds every mail for 1.5 s: how long
  the answer takes (the mail goes after it, so it should not include the 1.5 s).
- An analysis run over its time limit (`ANALYSIS_TIME_LIMIT` 0.3 s, in its child
  process): how long from starting it until it is stopped and marked failed.
- A LEXIMIN jury draw over its time limit (`DRAW_TIME_LIMIT` 2 s; 300 generated people,
  6 categories, a panel of 30): how long the officer's request takes until the draw is
  stopped and marked failed.

Runs the app in this process on a scratch SQLite database (built by the migrations in a
temporary folder), as the tests do. Prints each figure (median and max of the repeats),
then one JSON line with every figure.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench passphrase that is long enough"


def make_app(folder: Path) -> Any:
    sys.path.insert(0, str(ROOT))  # bench/ holds an analysis.py: the package must win
    from flask_migrate import upgrade

    from consult import create_app
    from consult.extensions import db

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-secret-key",
            "INSTANCE_PATH": str(folder / "instance"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SOCKETIO_ASYNC_MODE": "threading",
            "SOCKETIO_MESSAGE_QUEUE": None,
            "ANALYSIS_QUEUE": "inline",
            "LIVE_ROUND_CLOCK": False,
        }
    )
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return app


def officer(app: Any, email: str) -> int:
    from consult.extensions import db
    from consult.models import User

    with app.app_context():
        user = User(email=email, role="officer", name="Bench officer", active=True)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user.id


def forgot_password(app: Any, email: str) -> float:
    """Seconds for the answer while the SMTP server holds the mail 1.5 s."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def slow_server() -> None:
        connection, _ = listener.accept()
        time.sleep(1.5)  # the slow mail server being measured against
        connection.sendall(b"421 busy, try later\r\n")
        connection.close()

    server = threading.Thread(target=slow_server, daemon=True)
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=listener.getsockname()[1])
    try:
        started = time.perf_counter()
        response = app.test_client().post("/forgot-password", data={"email": email})
        elapsed = time.perf_counter() - started
        assert response.status_code == 302, response.status_code
        server.join(10)
    finally:
        listener.close()
        app.config.update(MAIL_SERVER=None)
    return elapsed


def consultation_with_answers(app: Any, count: int = 300) -> int:
    from consult.consultations.redaction import moderate
    from consult.extensions import db
    from consult.models import Answer, Consultation, Question, Response, utcnow

    generator = random.Random(7)
    words = ["bus", "park", "bins", "lights", "trees", "benches", "parking", "cycle lane"]
    with app.app_context():
        consultation = Consultation(
            slug=f"bench-{generator.randrange(10**9)}",
            title="Bench consultation",
            status="closed",
        )
        consultation.questions.append(
            Question(kind="free_text", prompt="What would you change?", key="change")
        )
        db.session.add(consultation)
        db.session.flush()
        question = consultation.questions[0]
        for number in range(count):
            text = f"More {generator.choice(words)} and fewer {generator.choice(words)} please"
            response = Response(
                consultation_id=consultation.id,
                reference=f"RSP-BENCH-{consultation.id}-{number}",
                status="submitted",
                submitted_at=utcnow(),
            )
            response.answers.append(
                Answer(question_id=question.id, text=text, redacted_text=moderate(text)[0])
            )
            db.session.add(response)
        db.session.commit()
        return consultation.id


def analysis_stop(app: Any, officer_id: int, consultation_id: int) -> float:
    """Seconds from starting a run over its 0.3 s limit until it is stopped."""
    from consult.extensions import db
    from consult.models import AnalysisRun, Consultation, User
    from consult.workspace import jobs

    app.config["ANALYSIS_TIME_LIMIT"] = 0.3
    with app.app_context():
        run = jobs.start_run(
            consultation=db.session.get(Consultation, consultation_id),
            actor=db.session.get(User, officer_id),
        )
        db.session.commit()
        run_id = run.id
    started = time.perf_counter()
    with app.app_context():
        jobs.execute(run_id, in_child=True)
    elapsed = time.perf_counter() - started
    with app.app_context():
        stopped = db.session.get(AnalysisRun, run_id)
        assert stopped.status == "failed" and "time limit" in (stopped.error or ""), stopped.error
    return elapsed


def slow_jury(app: Any, seed: int) -> str:
    """300 generated people in 6 categories of 3 values, loose quotas, a panel of 30."""
    from consult.extensions import db
    from consult.models import CategoryValue, Jury, JuryCategory, Registrant, utcnow

    generator = random.Random(seed)
    with app.app_context():
        jury = Jury(
            slug=f"bench-jury-{seed}",
            title="Bench jury",
            question="?",
            panel_size=30,
            status="recruiting",
        )
        names = [f"c{n}" for n in range(6)]
        for position, name in enumerate(names):
            category = JuryCategory(name=name, label=name.upper(), position=position)
            for value_position, value in enumerate(("a", "b", "c")):
                category.values.append(
                    CategoryValue(
                        value=value,
                        label=value.upper(),
                        position=value_position,
                        min_count=6,
                        max_count=14,
                    )
                )
            jury.categories.append(category)
        jury.lottery_seed = "bench seed"
        jury.seed_published_at = utcnow()
        db.session.add(jury)
        db.session.flush()
        for index in range(300):
            db.session.add(
                Registrant(
                    jury_id=jury.id,
                    first_name=f"Person{index}",
                    last_name="Bench",
                    email=f"person{index}@example.org",
                    address_line=f"{index} Bench Street",
                    postcode="RV1 1AA",
                    household_key=f"{index}-rv11aa",
                    features={name: generator.choice("abc") for name in names},
                    consented_at=utcnow(),
                )
            )
        db.session.commit()
        return jury.slug


def draw_stop(app: Any, email: str, slug: str) -> float:
    """Seconds for the officer's draw request (done in the request here) until a draw
    over its 2 s limit is stopped."""
    from consult.extensions import db
    from consult.models import DrawRun

    app.config["DRAW_TIME_LIMIT"] = 2
    client = app.test_client()
    client.post("/sign-in", data={"email": email, "password": PASSWORD})
    started = time.perf_counter()
    response = client.post(f"/juries/{slug}/draw", data={"algorithm": "leximin"})
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    run_id = int(re.search(r"/draw-runs/(\d+)$", response.headers["Location"]).group(1))
    with app.app_context():
        run = db.session.get(DrawRun, run_id)
        outcome = run.status, (run.error_details or {}).get("kind")
    print(f"    draw {slug}: {outcome}", flush=True)
    return elapsed


def summary(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 3), "max": round(max(values), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder))
        email = "officer@bench.example"
        officer_id = officer(app, email)

        times = [forgot_password(app, email) for _ in range(arguments.repeats)]
        figures["forgot_password_with_slow_mail_s"] = summary(times)
        print(f"Forgot password, mail server holding 1.5 s: {summary(times)} s", flush=True)

        consultation_id = consultation_with_answers(app)
        times = [analysis_stop(app, officer_id, consultation_id) for _ in range(arguments.repeats)]
        figures["analysis_stopped_after_0_3_s_limit_s"] = summary(times)
        print(f"Analysis over a 0.3 s limit, stopped after: {summary(times)} s", flush=True)

        times = [draw_stop(app, email, slow_jury(app, n)) for n in range(arguments.repeats)]
        figures["draw_stopped_after_2_s_limit_s"] = summary(times)
        print(f"LEXIMIN draw over a 2 s limit, stopped after: {summary(times)} s", flush=True)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
