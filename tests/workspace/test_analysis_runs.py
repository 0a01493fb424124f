"""Analysis runs: inline execution, storage of themes, failure keeps the previous run,
approved themes survive a re-run through the coding frame."""

from __future__ import annotations

from sqlalchemy import func, select

from consult import jobs as job_runner
from consult.extensions import db
from consult.models import (
    AnalysisRun,
    Consultation,
    CouncilResponse,
    DuplicateGroupRecord,
    Jury,
    Theme,
    ThemeAssignment,
    User,
)
from consult.workspace import jobs, queries, services
from consult.workspace.services import ResponseInput


def _run(app, consultation_id, officer_id, **parameters):  # type: ignore[no-untyped-def]
    with app.app_context():
        run = jobs.start_run(
            consultation=db.session.get(Consultation, consultation_id),
            actor=db.session.get(User, officer_id),
            **parameters,
        )
        db.session.commit()
        jobs.dispatch(run.id)
        return run.id


def test_inline_run_themes_every_free_text_question_and_skips_hidden_answers(
    app, closed_consultation, officer_id
):
    run_id = _run(app, closed_consultation["id"], officer_id)
    with app.app_context():
        run = db.session.get(AnalysisRun, run_id)
        assert run.status == "done" and run.progress == 1.0 and run.finished_at
        assert run.parameters["n_themes"] == "auto"
        like, change, choice = closed_consultation["questions"]
        for question_id in (like, change):
            themes = queries.live_themes(run, question_id)
            real = [t for t in themes if not t.no_substantive_comment]
            assert len(real) >= 2
            no_comment = [t for t in themes if t.no_substantive_comment]
            assert no_comment and no_comment[0].size == 2
            assert sum(t.size for t in themes) == closed_consultation["answers"]
            assert all(t.summary and t.quotes for t in real)
            assert abs(sum(t.share for t in themes) - 1) < 0.01
        assert not queries.live_themes(run, choice)
        hidden = db.session.scalar(
            select(func.count())
            .select_from(ThemeAssignment)
            .where(ThemeAssignment.answer_id == closed_consultation["hidden_answer_id"])
        )
        assert hidden == 0
        assert run.summary["answers"] == 2 * closed_consultation["answers"]
        groups = db.session.scalars(
            select(DuplicateGroupRecord).where(DuplicateGroupRecord.question_id == like)
        ).all()
        assert groups and all(g.count >= 2 and g.representative_text for g in groups)


def test_a_failed_run_records_its_cause_and_the_previous_run_stays_current(
    app, closed_consultation, officer_id
):
    first = _run(app, closed_consultation["id"], officer_id)
    with app.app_context():
        run = jobs.start_run(
            consultation=db.session.get(Consultation, closed_consultation["id"]),
            actor=db.session.get(User, officer_id),
        )
        # a seed the engine refuses (the form would never send one): the engine raises
        run.parameters = {**run.parameters, "random_state": -1}
        db.session.commit()
        second = run.id
        jobs.dispatch(second)
    with app.app_context():
        failed = db.session.get(AnalysisRun, second)
        assert failed.status == "failed" and failed.message == "Failed"
        assert failed.error.startswith("InvalidParameterError: The 'random_state' parameter")
        assert "Traceback" in failed.error
        assert not db.session.scalars(select(Theme).where(Theme.run_id == second)).all()
        assert queries.current_run(consultation_id=closed_consultation["id"]).id == first


def test_only_one_run_at_a_time_and_only_officers_start_runs(
    app, closed_consultation, officer_id, make_user
):
    import pytest

    from consult.errors import Conflict, NotPermitted

    facilitator = make_user("facilitator")
    with app.app_context():
        consultation = db.session.get(Consultation, closed_consultation["id"])
        with pytest.raises(NotPermitted):
            jobs.start_run(consultation=consultation, actor=db.session.get(User, facilitator))
        jobs.start_run(consultation=consultation, actor=db.session.get(User, officer_id))
        with pytest.raises(Conflict):
            jobs.start_run(consultation=consultation, actor=db.session.get(User, officer_id))


def test_progress_is_committed_as_the_run_goes(app, closed_consultation, officer_id, monkeypatch):
    seen: list[float] = []
    real_commit = db.session.commit

    def spy():  # type: ignore[no-untyped-def]
        runs = [o for o in db.session.identity_map.values() if isinstance(o, AnalysisRun)]
        if runs:
            seen.append(runs[0].progress)
        real_commit()

    with app.app_context():
        monkeypatch.setattr(db.session, "commit", spy, raising=False)
    _run(app, closed_consultation["id"], officer_id)
    assert len([p for p in seen if 0 < p < 1]) >= 3
    assert seen == sorted(seen)


def test_approved_and_edited_themes_survive_a_rerun(app, closed_consultation, officer_id):
    first = _run(app, closed_consultation["id"], officer_id)
    like = closed_consultation["questions"][0]
    with app.app_context():
        officer = db.session.get(User, officer_id)
        run = db.session.get(AnalysisRun, first)
        themes = [t for t in queries.live_themes(run, like) if not t.no_substantive_comment]
        kept = themes[0]
        services.rename_theme(kept, "Our own name", actor=officer)
        services.approve_theme(kept, actor=officer)
        moved_row = db.session.scalars(
            select(ThemeAssignment).where(
                ThemeAssignment.theme_id == themes[1].id, ThemeAssignment.primary.is_(True)
            )
        ).first()
        services.move_item(themes[1], moved_row.answer_id, kept, actor=officer)
        services.record_response(
            ResponseInput(status="accepted", text="We will do it."), theme=kept, actor=officer
        )
        kept_size = kept.size
        db.session.commit()
        moved_answer = moved_row.answer_id
    second = _run(app, closed_consultation["id"], officer_id)
    with app.app_context():
        run = db.session.get(AnalysisRun, second)
        assert run.status == "done"
        new = [t for t in queries.live_themes(run, like) if t.label == "Our own name"]
        assert len(new) == 1
        theme = new[0]
        assert theme.approved_at is not None and theme.engine_key.startswith("kept:")
        members = db.session.scalars(
            select(ThemeAssignment.answer_id).where(ThemeAssignment.theme_id == theme.id)
        ).all()
        assert moved_answer in members
        assert theme.size >= kept_size - 2
        response = db.session.scalar(select(CouncilResponse))
        assert response.theme_id == theme.id
        assert run.summary["questions"][0]["kept_themes"] == 1


def test_jury_contributions_are_analysed(app, finished_jury, officer_id):
    with app.app_context():
        run = jobs.start_run(
            jury=db.session.get(Jury, finished_jury["id"]),
            actor=db.session.get(User, officer_id),
        )
        db.session.commit()
        jobs.dispatch(run.id)
        run = db.session.get(AnalysisRun, run.id)
        assert run.status == "done"
        themes = queries.live_themes(run)
        assert len(themes) >= 2
        rows = db.session.scalars(
            select(ThemeAssignment).where(ThemeAssignment.theme_id == themes[0].id)
        ).all()
        assert rows and all(r.contribution_id and r.answer_id is None for r in rows)


def test_a_run_whose_process_died_is_failed_and_does_not_block_the_next(
    app, closed_consultation, officer_id
):
    from datetime import timedelta

    from consult.models import AnalysisRun, utcnow

    with app.app_context():
        consultation = db.session.get(Consultation, closed_consultation["id"])
        officer = db.session.get(User, officer_id)
        stuck = jobs.start_run(consultation=consultation, actor=officer)
        stuck.status = "running"
        stuck.started_at = utcnow() - timedelta(seconds=job_runner.RQ_JOB_TIMEOUT + 600)
        db.session.commit()
        stuck_id = stuck.id
        fresh = jobs.start_run(consultation=consultation, actor=officer)
        db.session.commit()
        assert fresh.status == "queued"
        stuck = db.session.get(AnalysisRun, stuck_id)
        assert stuck.status == "failed" and "Start the analysis again" in stuck.error
