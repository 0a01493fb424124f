"""Live deliberation: the fixture `flask --app wsgi live bench-setup` builds for the load
bench (bench/live_load.py): a jury, N jurors with fresh join codes, and a live session
whose table-discussion round is running."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from consult.auth.services import new_join_code
from consult.extensions import db
from consult.live import rounds, seating
from consult.live.outbox import discard_outbox
from consult.models import Jury, PanelMember, Round, User, utcnow

BENCH_EMAIL = "live-bench@localhost"


def create_bench_session(participants: int, *, table_size: int = 8) -> tuple[int, list[str]]:
    """Returns (session id, join codes). Commits."""
    if participants < 1:
        raise ValueError("participants must be at least 1")
    facilitator = db.session.scalar(select(User).where(User.email == BENCH_EMAIL))
    if facilitator is None:
        facilitator = User(email=BENCH_EMAIL, name="Bench facilitator", role="facilitator")
        facilitator.set_password(secrets.token_urlsafe(24))
        db.session.add(facilitator)
    tag = secrets.token_hex(4)
    jury = Jury(
        slug=f"bench-{tag}",
        title=f"Load bench {tag}",
        question="How does the live room hold up?",
        panel_size=participants,
        status="running",
        registration_open=False,
    )
    db.session.add(jury)
    db.session.flush()
    codes = [new_join_code() for _ in range(participants)]
    expires = utcnow() + timedelta(days=1)
    db.session.add_all(
        PanelMember(
            jury_id=jury.id,
            display_name=f"Juror {number}",
            status="confirmed",
            join_code_hash=PanelMember.hash_code(code),
            join_code_expires_at=expires,
        )
        for number, code in enumerate(codes, start=1)
    )
    db.session.flush()
    jury_session = rounds.create_session(
        jury, actor=facilitator, title="Load bench", template=False
    )
    jury_session.rounds.append(
        Round(position=0, kind="table_discussion", title="Table discussion", planned_minutes=120)
    )
    db.session.flush()
    seating.allocate_tables(jury_session, actor=facilitator, table_size=table_size, seed=1)
    rounds.control(jury_session, "start", actor=facilitator)
    db.session.commit()
    discard_outbox()  # nobody is listening yet
    return jury_session.id, codes
