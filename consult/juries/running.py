"""How the officer pages (views.py, plan_views.py) start a computation in the background,
and what they show after a refused start: the one already under way."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue

from consult.errors import ConsultError
from consult.extensions import db
from consult.juries import draw_jobs, queries, services
from consult.models import DrawRun


def show_running(
    busy: draw_jobs.DrawAlreadyRunning, slug: str, message: str, *, back: str
) -> ResponseReturnValue:
    """After a refused start (one computation at a time per jury): roll back and show the
    computation under way, or the `back` page if it finished in the meantime, with
    `message` (what is already being computed, in the page's language)."""
    db.session.rollback()
    running = busy.run or services.active_draw_run(queries.jury(slug))
    flash(message, "info")
    if running is None:
        return redirect(url_for(back, slug=slug))
    return redirect(url_for("juries.draw_run", slug=slug, run_id=running.id))


def start_computation(
    slug: str,
    start: Callable[[], DrawRun],
    busy: str,
    *,
    back: str,
    refused: Callable[[ConsultError], ResponseReturnValue],
) -> ResponseReturnValue:
    """Queue a draw or a lottery (`start`) to be computed in the background and go to its
    progress page; or, when one is already under way for the jury, to that one with the
    message `busy` (`show_running`, which goes to the `back` page if it has finished);
    or, when the service refuses, roll back and show `refused(error)`."""
    try:
        run = start()
    except draw_jobs.DrawAlreadyRunning as running:
        return show_running(running, slug, busy, back=back)
    except ConsultError as error:
        db.session.rollback()
        return refused(error)
    db.session.commit()
    draw_jobs.dispatch(run.id)
    return redirect(url_for("juries.draw_run", slug=slug, run_id=run.id))
