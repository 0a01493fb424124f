"""The theme review page asks the database a fixed number of questions, however many
answers (or jury contributions) a page of it shows: no query per row. Counted with a
SQLAlchemy `before_cursor_execute` listener on the app's engine."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select

from consult.extensions import db
from consult.models import (
    AnalysisRun,
    Answer,
    Consultation,
    Contribution,
    JurySession,
    Response,
    Theme,
    ThemeAssignment,
    utcnow,
)

#: Every query a theme page may make, whatever its size: 10 for a consultation's theme
#: (9 for a jury's) since its rows are read in one query; it was 9 + one per row (29 for
#: a page of 20 answers) when each row was fetched on its own.
QUERY_BOUND = 14  # PostgreSQL sessions add a query or two; what matters is no growth per row


@contextmanager
def counting_queries(app: Flask) -> Iterator[list[str]]:
    """The SQL statements run on the app's engine inside the block."""
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _consultation_theme(app: Flask, make_consultation: Callable[..., int], rows: int) -> int:
    """A finished run of a consultation with one theme holding `rows` answers."""
    consultation_id = make_consultation(
        status="closed",
        questions=[{"kind": "free_text", "prompt": "What would you change?", "key": "change"}],
    )
    with app.app_context():
        question = db.session.get(Consultation, consultation_id).questions[0]
        run = AnalysisRun(
            consultation_id=consultation_id, status="done", progress=1.0, finished_at=utcnow()
        )
        db.session.add(run)
        db.session.flush()
        theme = Theme(run_id=run.id, question_id=question.id, label="Buses", size=rows)
        other = Theme(run_id=run.id, question_id=question.id, label="Parks", position=1)
        db.session.add_all([theme, other])
        db.session.flush()
        for number in range(rows):
            response = Response(
                consultation_id=consultation_id,
                reference=f"RSP-Q{consultation_id:03d}-{number:04d}",
                status="submitted",
                submitted_at=utcnow(),
            )
            text = f"Bus number {number} is late; write to me at me{number}@example.org"
            response.answers.append(
                Answer(question_id=question.id, text=text, redacted_text=text.split(";")[0])
            )
            db.session.add(response)
            db.session.flush()
            db.session.add(
                ThemeAssignment(theme_id=theme.id, answer_id=response.answers[0].id, confidence=0.5)
            )
        db.session.commit()
        return theme.id


def _jury_theme(app: Flask, make_jury: Callable[..., int], rows: int) -> int:
    """A finished run of a jury with one theme holding `rows` contributions."""
    jury_id = make_jury(status="finished")
    with app.app_context():
        session = JurySession(jury_id=jury_id, title="Final session", status="ended")
        db.session.add(session)
        db.session.flush()
        run = AnalysisRun(jury_id=jury_id, status="done", progress=1.0, finished_at=utcnow())
        db.session.add(run)
        db.session.flush()
        theme = Theme(run_id=run.id, label="Buses", size=rows)
        db.session.add(theme)
        db.session.flush()
        for number in range(rows):
            idea = Contribution(
                session_id=session.id,
                kind="idea",
                text=f"Idea {number}: call me on 07700 900{number:03d}",
                client_id=f"idea-{number}",
            )
            db.session.add(idea)
            db.session.flush()
            db.session.add(ThemeAssignment(theme_id=theme.id, contribution_id=idea.id))
        db.session.commit()
        return theme.id


def _queries(app: Flask, client: Any, theme_id: int) -> int:
    with counting_queries(app) as statements:
        response = client.get(f"/workspace/themes/{theme_id}")
        assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("subject", ["consultation", "jury"])
def test_theme_page_queries_do_not_grow_with_its_rows(
    app, officer_client, make_consultation, make_jury, subject
):
    make = (
        (lambda rows: _consultation_theme(app, make_consultation, rows))
        if subject == "consultation"
        else (lambda rows: _jury_theme(app, make_jury, rows))
    )
    small, full = make(1), make(20)  # 20 rows: a whole page
    few, many = _queries(app, officer_client, small), _queries(app, officer_client, full)
    assert few == many, f"{few} queries for 1 row, {many} for 20"
    assert many <= QUERY_BOUND, many


def test_theme_page_shows_contributions_redacted(app, officer_client, make_jury):
    theme_id = _jury_theme(app, make_jury, 3)
    page = officer_client.get(f"/workspace/themes/{theme_id}").get_data(as_text=True)
    assert "07700 900001" not in page and "[phone]" in page
    original = officer_client.get(f"/workspace/themes/{theme_id}?text=original")
    assert "07700 900001" in original.get_data(as_text=True)
    with app.app_context():
        stored = db.session.scalars(select(Contribution.redacted_text)).all()
    assert stored and all(text and "[phone]" in text for text in stored)


def _with_subthemes(app: Flask, theme_id: int, count: int) -> None:
    """Give the theme `count` sub-themes and spread its answers over them."""
    with app.app_context():
        theme = db.session.get(Theme, theme_id)
        children = [
            Theme(
                run_id=theme.run_id,
                question_id=theme.question_id,
                parent_id=theme.id,
                position=number,
                label=f"Route {number}",
                description=f"Answers about route {number}.",
            )
            for number in range(count)
        ]
        db.session.add_all(children)
        db.session.flush()
        rows = db.session.scalars(
            select(ThemeAssignment).where(ThemeAssignment.theme_id == theme.id)
        ).all()
        for number, row in enumerate(rows):
            row.subtheme_id = children[number % count].id
        db.session.commit()


def test_tree_pages_queries_do_not_grow_with_sub_themes(app, officer_client, make_consultation):
    """The theme page and the overview read every sub-theme in one query."""
    small, large = (
        _consultation_theme(app, make_consultation, 20),
        _consultation_theme(app, make_consultation, 20),
    )
    _with_subthemes(app, small, 1)
    _with_subthemes(app, large, 8)
    few, many = _queries(app, officer_client, small), _queries(app, officer_client, large)
    assert few == many, f"{few} queries for 1 sub-theme, {many} for 8"
    assert many <= QUERY_BOUND, many
    page = officer_client.get(f"/workspace/themes/{large}").get_data(as_text=True)
    assert "Sub-themes (8)" in page and "Answers about route 7." in page
    with app.app_context():
        consultations = [
            db.session.get(AnalysisRun, db.session.get(Theme, t).run_id).consultation_id
            for t in (small, large)
        ]
    counts = []
    for consultation_id in consultations:
        with counting_queries(app) as statements:
            assert (
                officer_client.get(f"/workspace/consultations/{consultation_id}").status_code == 200
            )
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
