"""The job runner's parent side of a pure computation run in a child process (`python -m
analysis.job`, `python -m analysis.sortition.job`), so that a gevent web process keeps
answering everyone else while the sums are done: the parent only writes the request and
reads the child's lines. Both jobs speak the same protocol (`analysis.childjob`): one JSON
request on standard input; JSON lines out, `{"progress": 0..1, "stage": …}` on the way,
then `{"result": …}` or `{"error": {"kind", "message", …}}`.

`ChildJob.run` turns every way a child can end without a result (its time limit, input it
refuses, an error, a crash) into one `JobFailed` worded for the person who asked, the same
way for every kind of job."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from consult.paths import ROOT


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
        # both are pipes (stdin=PIPE, stdout=PIPE above)
        assert process.stdin is not None and process.stdout is not None
        stdin, stdout = process.stdin, process.stdout

        def stop() -> None:
            stopped.set()
            process.kill()

        watchdog = threading.Timer(time_limit, stop)
        watchdog.daemon = True
        watchdog.start()
        try:
            try:
                stdin.write(json.dumps(request))
                stdin.close()
            except BrokenPipeError:
                pass  # it died at once; its standard error says why
            for line in stdout:
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


class JobFailed(Exception):
    """A job gave no result: `message` says why, for the person who asked (the first line
    of the run's error); `kind` names the cause for code and templates (`time_limit`,
    `input`, `infeasible`, `internal`, or the child's own kind); `technical` is detail
    shown under the message (a traceback, the end of standard error); `details` are any
    more facts the child gave (for infeasible quotas, `conflicts` and `relaxation`)."""

    def __init__(self, message: str, *, kind: str, technical: str = "", **details: Any) -> None:
        super().__init__(message)
        self.message, self.kind, self.technical, self.details = message, kind, technical, details

    def as_details(self) -> dict[str, Any]:
        """`kind`, `technical` (when there is any) and the other details, as stored."""
        technical = {"technical": self.technical} if self.technical else {}
        return {"kind": self.kind, **technical, **self.details}

    def as_text(self) -> str:
        """The message, with the technical detail under it when there is any."""
        return f"{self.message}\n\n{self.technical}" if self.technical else self.message


def duration_text(seconds: float) -> str:
    """`30 seconds`, `2.5 minutes`, `60 minutes`."""
    if seconds < 120:
        return f"{seconds:g} seconds"
    return f"{seconds / 60:g} minutes"


@dataclass(frozen=True)
class ChildJob:
    """A computation done in a child process (`python -m module`) and how its failures
    are worded: `job` names the whole ("The draw"), `engine` what computes ("The
    lottery"), `crashed` the start of an error's message, `time_limit_advice` what to do
    when it ran out of time; `explain` words the child's own error kinds (given the error
    message it sent) where the generic wording would not do."""

    module: str
    job: str
    engine: str
    crashed: str
    time_limit_advice: str
    explain: Mapping[str, Callable[[dict[str, Any]], JobFailed]] = field(default_factory=dict)

    def run(
        self,
        request: dict[str, Any],
        progress: Callable[[float, str], None],
        *,
        time_limit: float,
    ) -> dict[str, Any]:
        """Compute `request` in a child process (`run_child`) and return its result.
        Raises JobFailed when the child ends without one."""
        outcome = run_child(self.module, request, progress, time_limit=time_limit)
        if outcome.result is not None:
            return outcome.result
        raise self.failure(outcome, time_limit=time_limit)

    def failure(self, outcome: ChildOutcome, *, time_limit: float) -> JobFailed:
        """Why a child that gave no result failed, worded for the person who asked."""
        if outcome.timed_out:
            return JobFailed(
                f"{self.job} did not finish within its time limit ({duration_text(time_limit)}) "
                f"and was stopped. {self.time_limit_advice}",
                kind="time_limit",
            )
        error = outcome.error
        if error:
            kind = str(error.get("kind") or "internal")
            if kind in self.explain:
                return self.explain[kind](error)
            if kind == "input":
                return JobFailed(
                    f"{self.engine} refused its inputs: {error.get('message')}", kind=kind
                )
            return JobFailed(
                f"{self.crashed}: {error.get('message')}",
                kind=kind,
                technical=str(error.get("traceback") or ""),
            )
        return JobFailed(
            f"{self.engine} process ended without a result (exit status {outcome.returncode}).",
            kind="internal",
            technical=outcome.stderr,
        )
