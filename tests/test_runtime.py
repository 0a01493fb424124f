"""The server process's garbage-collector settings (consult/runtime.py), checked in fresh
interpreters so this test session's own collector is left alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from consult.runtime import DEFAULT_GEN0_THRESHOLD

ROOT = Path(__file__).resolve().parents[1]

PROBE = "import gc; print(gc.get_threshold()[0], gc.get_freeze_count())"


def _run(code: str, tmp_path: Path, **env: str) -> tuple[int, int]:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.db'}",
            "SOCKETIO_ASYNC_MODE": "threading",
            "CONSULT_NO_MONKEY_PATCH": "1",
            **env,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    threshold, frozen = result.stdout.split()[-2:]
    return int(threshold), int(frozen)


def _interpreter_default() -> int:
    """The generation-0 threshold a fresh interpreter starts with (700 on CPython 3.11;
    other versions differ), asked of one rather than written down."""
    result = subprocess.run(
        [sys.executable, "-c", "import gc; print(gc.get_threshold()[0])"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout)


def test_the_wsgi_app_freezes_its_start_up_objects(tmp_path):
    threshold, frozen = _run(f"import wsgi; {PROBE}", tmp_path)
    assert threshold == DEFAULT_GEN0_THRESHOLD != _interpreter_default()
    assert frozen > 10_000  # Flask, SQLAlchemy, the models: walked by no collection


def test_the_setting_can_be_turned_off(tmp_path):
    threshold, frozen = _run(f"import wsgi; {PROBE}", tmp_path, CONSULT_GC_THRESHOLD="0")
    assert (threshold, frozen) == (_interpreter_default(), 0)


def test_a_chosen_threshold_is_used(tmp_path):
    code = f"from consult.runtime import settle_memory; settle_memory(20_000); {PROBE}"
    assert _run(code, tmp_path)[0] == 20_000
