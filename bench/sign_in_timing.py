"""How long a refused sign-in takes, for a real account and for a made-up address.

Run: `.venv/bin/python bench/sign_in_timing.py [--attempts N]`. Builds the app on a
temporary SQLite database, adds one staff account, and posts wrong passwords to
/sign-in for that account and for addresses that have none, interleaved, printing the
median and 90th percentile of each and their difference. Before issue 14 the medians were
104 ms and 4 ms (an onlooker could tell which addresses have accounts); the target is no
difference beyond noise. Rate limits are off here (they are tested elsewhere).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("CONSULT_NO_MONKEY_PATCH", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=60)
    attempts = parser.parse_args().attempts

    from consult import create_app
    from consult.extensions import db
    from consult.models import User

    folder = tempfile.mkdtemp()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
            "SECRET_KEY": "bench",
            "SOCKETIO_ASYNC_MODE": "threading",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SIGN_IN_LOCKOUT_ATTEMPTS": 10**9,
            "INSTANCE_PATH": folder,
        }
    )
    with app.app_context():
        db.create_all()
        user = User(email="real@council.example", name="Real", role="officer")
        user.set_password("a long and correct password")
        db.session.add(user)
        db.session.commit()
    client = app.test_client()
    timings: dict[str, list[float]] = {"real account": [], "made-up address": []}
    client.post("/sign-in", data={"email": "warm@up.example", "password": "x"})
    for number in range(attempts):
        for label, email in (
            ("real account", "real@council.example"),
            ("made-up address", f"nobody{number}@council.example"),
        ):
            start = time.perf_counter()
            response = client.post("/sign-in", data={"email": email, "password": "wrong"})
            timings[label].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 401, response.status_code
    print(f"{attempts} refused sign-ins each; load {os.getloadavg()}")
    for label, values in timings.items():
        values.sort()
        p90 = values[int(len(values) * 0.9)]
        print(f"  {label:16} median {statistics.median(values):6.1f} ms, p90 {p90:6.1f} ms")
    gap = statistics.median(timings["real account"]) - statistics.median(timings["made-up address"])
    print(f"  median difference {gap:+.1f} ms")


if __name__ == "__main__":
    main()
