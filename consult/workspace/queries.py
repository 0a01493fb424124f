"""Reading analysis runs: the run that is current for a consultation or a jury, and its
themes. Views, exports, charts and the outcomes pages read through here; starting and
doing runs is `consult.workspace.jobs`."""

from __future__ import annotations

from sqlalchemy import select

from consult.extensions import db
from consult.models import AnalysisRun, Theme


def current_run(
    *, consultation_id: int | None = None, jury_id: int | None = None
) -> AnalysisRun | None:
    """The latest finished run of a consultation or jury (a failed run never replaces it)."""
    where = (
        AnalysisRun.consultation_id == consultation_id
        if consultation_id is not None
        else AnalysisRun.jury_id == jury_id
    )
    return db.session.scalar(
        select(AnalysisRun)
        .where(where, AnalysisRun.status == "done")
        .order_by(AnalysisRun.finished_at.desc(), AnalysisRun.id.desc())
        .limit(1)
    )


def live_themes(run: AnalysisRun, question_id: int | None = None) -> list[Theme]:
    """A run's themes that have not been merged away, in order (no-comment last)."""
    query = select(Theme).where(Theme.run_id == run.id, Theme.merged_into_id.is_(None))
    if question_id is not None:
        query = query.where(Theme.question_id == question_id)
    rows = db.session.scalars(query.order_by(Theme.position, Theme.id)).all()
    return sorted(rows, key=lambda t: (t.no_substantive_comment, t.position, t.id))
