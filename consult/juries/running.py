"""What the officer pages (views.py, plan_views.py) show after a refused start of a
computation: the one already under way."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue

from consult.extensions import db
from consult.juries import draw_jobs, queries, services


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
