"""Running a pure computation (`python -m analysis.job`, `python -m
analysis.sortition.job`) in a child process, so that a gevent web process keeps answering
everyone else while the sums are done: the parent only writes the request and reads the
child's lines. Both jobs speak the same protocol: one JSON request on standard input;
JSON lines out, `{"progress": 0..1, "stage": …}` on the way, then `{"result": …}` or
`{"error": {"kind", "message", …}}`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from consult import ROOT


@dataclass(frozen=True)
class ChildOutcome:
    """How a child job ended: its last message (`result` or `error`, or empty when it
    printed neither), whether the time limit stopped it, its exit status and the end of
    its standard error."""

    message: dict[str, Any] = field(default_factory=dict)
    timed_out: bool = False
    returncode: int | None = None
    stderr: str = ""

    @property
    def result(self) -> dict[str, Any] | None:
        return dict(self.message["result"]) if "result" in self.message else None

    @property
    def error(self) -> dict[str, Any] | None:
        return self.message.get("error") or None


def run_child(
    module: str,
    request: dict[str, Any],
    progress: Callable[[float, str], None],
    *,
    time_limit: float,
) -> ChildOutcome:
    """Run `python -m module`, send it `request`, pass its progress lines to `progress`
    and return how it ended. The child is killed after `time_limit` seconds, and never
    outlives this call (leaving early, by an exception in `progress`, kills it)."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(ROOT), environment.get("PYTHONPATH", "")) if part
    )
    stopped = threading.Event()
    message: dict[str, Any] = {}
    with (
        tempfile.TemporaryFile(mode="w+") as errors,
        subprocess.Popen(
            [sys.executable, "-m", module],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            encoding="utf-8",
            cwd=str(ROOT),
            env=environment,
        ) as process,
    ):

        def stop() -> None:
            stopped.set()
            process.kill()

        watchdog = threading.Timer(time_limit, stop)
        watchdog.daemon = True
        watchdog.start()
        try:
            try:
                assert process.stdin is not None and process.stdout is not None
                process.stdin.write(json.dumps(request))
                process.stdin.close()
            except BrokenPipeError:
                pass  # it died at once; its standard error says why
            for line in process.stdout:  # type: ignore[union-attr]
                try:
                    decoded = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if "progress" in decoded:
                    progress(float(decoded["progress"]), str(decoded.get("stage", "")))
                else:
                    message = decoded
            process.wait()
        finally:
            watchdog.cancel()
            if process.poll() is None:  # we are leaving early (an error): so does the child
                process.kill()
                process.wait()
        errors.seek(0)
        stderr = errors.read()[-4000:]
    return ChildOutcome(message, stopped.is_set(), process.returncode, stderr)
