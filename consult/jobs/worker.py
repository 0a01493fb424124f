"""The RQ worker's side of the job runner: `perform` is the function every queued job
names (`consult.jobs.WORKER_FUNCTION`). It runs the job's `execute(run_id)` in an app
context: the one `flask --app wsgi workspace worker` forked it with, or, under a plain
`rq worker analysis`, an app built here from the environment (`create_app()`: so
`DATABASE_URL` and the rest must be set) and disposed of after.

No module of the app imports this one (RQ finds it by name): it sits above the app it
builds, as `wsgi.py` does."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from flask import has_app_context

from consult import create_app
from consult.extensions import db
from consult.jobs import execute_in_app


def perform(execute_path: str, run_id: int) -> None:
    """Run `execute_path` (`package.module.function`, a job kind's `execute`) on the run."""
    execute = _job_function(execute_path)
    if has_app_context():
        try:
            execute(run_id)
        finally:
            db.session.remove()
        return
    app = create_app()
    try:
        execute_in_app(app, execute, run_id)
    finally:
        with app.app_context():
            db.engine.dispose()


def _job_function(path: str) -> Callable[[int], None]:
    """The function `path` names, which must be one of Consult's own (a job queued by
    anything else fails saying so, rather than running whatever it names)."""
    module, _, name = path.rpartition(".")
    if not module.startswith("consult."):
        raise ValueError(f"not a Consult job: {path}")
    function = getattr(importlib.import_module(module), name)
    if not callable(function):
        raise ValueError(f"not a Consult job: {path}")
    return function
