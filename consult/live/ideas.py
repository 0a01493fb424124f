"""Live deliberation: the idea board. Ideas (contributions of kind "idea") are grouped
into themes by the analysis engine's `cluster_ideas`, warm-started from the last board so
theme ids stay put; the facilitator renames and merges themes. The board is published as
an `idea_board` event, and the latest one in the log is the board. Services publish and
flush; callers commit (after a new idea, in a unit of work of its own)."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask_babel import force_locale, gettext
from sqlalchemy import select, text

from consult.errors import Invalid, NotFound
from consult.extensions import db
from consult.live.checks import clean_int, clean_text, require_staff
from consult.live.outbox import publish, session_room
from consult.models import AuditEntry, Contribution, JurySession, LiveEvent
from consult.wording import N_

#: One idea-board regroup at a time per session, in this process (a gevent-aware lock
#: once gevent has patched threading).
_BOARD_LOCKS: dict[int, threading.Lock] = {}
#: The first key of PostgreSQL's two-key advisory locks that regroups take ("IDEA").
_ADVISORY_KEY = 0x49444541


@contextmanager
def regrouping(session_id: int) -> Iterator[None]:
    """Hold around a unit of work that regroups a session's board after a new idea: one
    at a time per session in this process, until that unit of work has committed."""
    with _BOARD_LOCKS.setdefault(session_id, threading.Lock()):  # setdefault: atomic
        yield


def _lock_board_across_processes(jury_session: JurySession) -> None:
    """With several server processes on PostgreSQL, a transaction-scoped advisory lock on
    (idea board, session): another process's regroup of the same session waits until this
    unit of work commits; nothing else in the session waits. SQLite serves from one
    process, where the in-process lock is the whole story."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:board, :session)"),
            {"board": _ADVISORY_KEY, "session": jury_session.id},
        )


def _last_board(jury_session: JurySession) -> dict[str, Any] | None:
    row = db.session.scalar(
        select(LiveEvent)
        .where(LiveEvent.session_id == jury_session.id, LiveEvent.event == "idea_board")
        .order_by(LiveEvent.seq.desc())
        .limit(1)
    )
    return dict(row.payload) if row is not None else None


def idea_board(jury_session: JurySession) -> dict[str, Any]:
    """The last published board, or an unthemed one."""
    board = _last_board(jury_session)
    if board is not None:
        return board
    return {"themes": [], "unthemed": [], "renames": {}, "merges": {}, "engine": None}


def refresh_idea_board(
    jury_session: JurySession,
    *,
    recluster: bool = True,
    fresh: bool = False,
    renames: dict[str, str] | None = None,
    merges: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Group the session's visible ideas into themes (the analysis engine's
    `cluster_ideas`, warm-started from the last board so theme ids stay put), apply the
    facilitator's renames and merges, store each idea's group label and publish the board.
    If the engine is missing or fails, ideas stay unthemed.

    One regroup at a time per session, in this process and across processes: two ideas
    sent together would otherwise race, and the regroup that read the board before the
    second idea could publish last, leaving that idea off it. Whoever waits reads the
    ideas after the other has finished, so the last board published holds every idea.
    Across processes (PostgreSQL) this takes a lock that the caller's commit ends; in
    this process the caller holds `regrouping(session id)` around its unit of work."""
    _lock_board_across_processes(jury_session)
    return _regroup(jury_session, recluster, fresh, renames, merges)


def _regroup(
    jury_session: JurySession,
    recluster: bool,
    fresh: bool,
    renames: dict[str, str] | None,
    merges: dict[str, str] | None,
) -> dict[str, Any]:
    ideas = list(
        db.session.scalars(
            select(Contribution)
            .where(
                Contribution.session_id == jury_session.id,
                Contribution.kind == "idea",
                Contribution.hidden.is_(False),
            )
            .order_by(Contribution.id)
        )
    )
    last = _last_board(jury_session) or {}
    renames = dict(last.get("renames", {}) if renames is None else renames)
    merges = dict(last.get("merges", {}) if merges is None else merges)
    if fresh:  # regrouping from scratch gives new theme ids: old overrides no longer apply
        renames, merges = {}, {}
    engine = last.get("engine")
    assignments: dict[str, int] = {}
    labels: dict[int, str] = {}
    if recluster or not last:
        try:
            # scikit-learn loads with the first regroup, not in every web process at start-up
            # (tests/analysis/test_purity.py); this is not hiding an import cycle
            from analysis.ideas import IdeaClusters, IdeaTheme, cluster_ideas

            previous = None
            if last.get("raw_themes") and not fresh:
                previous = IdeaClusters(
                    tuple(
                        IdeaTheme(
                            t["id"],
                            t["label"],
                            tuple(t.get("keyphrases", [])),
                            tuple(t["idea_ids"]),
                        )
                        for t in last["raw_themes"]
                    ),
                    tuple((k, int(v)) for k, v in last.get("raw_assignments", {}).items()),
                )
            clusters = cluster_ideas(
                [idea.text for idea in ideas],
                [str(idea.id) for idea in ideas],
                previous=previous,
                random_state=0,
            )
            raw = clusters.as_dict()
            assignments = {k: int(v) for k, v in raw["assignments"].items()}
            raw_themes = raw["themes"]
            labels = {t["id"]: t["label"] for t in raw_themes}
            engine = "analysis.themes.cluster_ideas"
        except Exception as error:  # degrade to an unthemed board, never lose the idea
            raw_themes, engine = [], f"unavailable: {str(error)[:120]}"
    else:
        raw_themes = last.get("raw_themes", [])
        assignments = {k: int(v) for k, v in last.get("raw_assignments", {}).items()}
        labels = {t["id"]: t["label"] for t in raw_themes}
    visible = {str(idea.id) for idea in ideas}
    groups: dict[int, list[str]] = defaultdict(list)
    for idea in ideas:
        theme_id = assignments.get(str(idea.id), 0)
        while str(theme_id) in merges:
            theme_id = int(merges[str(theme_id)])
        groups[theme_id].append(str(idea.id))
    themes = []
    for theme_id, idea_ids in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        if theme_id == 0:
            continue
        label = renames.get(str(theme_id)) or labels.get(theme_id)
        theme = {"id": theme_id, "label": label, "idea_ids": [int(i) for i in idea_ids]}
        if not label:  # a numbered theme: the number's words in each language
            theme.update(_numbered(theme_id))
        themes.append(theme)
    label_of = {int(i): t["label"] for t in themes for i in t["idea_ids"]}
    for idea in ideas:
        idea.idea_group = label_of.get(idea.id)
    board = {
        "themes": themes,
        "unthemed": [int(i) for i in groups.get(0, []) if i in visible],
        "renames": renames,
        "merges": merges,
        "engine": engine,
        "raw_themes": raw_themes,
        "raw_assignments": {k: v for k, v in assignments.items()},
    }
    db.session.flush()
    publish(jury_session, session_room(jury_session), "idea_board", board)
    return board


def _numbered(theme_id: int) -> dict[str, str]:
    """A theme with no label of its own: "Theme 3", and its Welsh ("label_cy") for the
    juror pages in Welsh (the board goes to everyone at once, so it carries both). A
    label the engine found or the facilitator wrote is jurors' or staff words, shown as
    written."""
    english = f"Theme {theme_id}"
    with force_locale("cy"):  # outside an app context the catalogue's English comes back
        welsh = str(gettext("Theme %(num)s", num=theme_id))
    return {"label": english, "label_cy": welsh if welsh != english else ""}


def rename_theme(
    jury_session: JurySession, theme_id: Any, label: Any, *, actor: Any
) -> dict[str, Any]:
    theme_id, board, present = _theme_edit(jury_session, theme_id, "renames", actor=actor)
    label = clean_text(label, field="label", limit=200)
    if theme_id not in present:
        raise NotFound(gettext("There is no such theme on the board."))
    return _edit_board(
        jury_session,
        board,
        "renames",
        theme_id,
        label,
        actor=actor,
        action="ideas.renamed",
        label=label,
    )


def merge_themes(
    jury_session: JurySession, theme_id: Any, into_id: Any, *, actor: Any
) -> dict[str, Any]:
    theme_id, board, present = _theme_edit(jury_session, theme_id, "merges", actor=actor)
    into_id = clean_int(into_id, field="into_id", low=1)
    if theme_id == into_id or theme_id not in present or into_id not in present:
        raise Invalid(
            gettext("Choose two different themes on the board."),
            fields={"into_id": gettext("Choose")},
        )
    return _edit_board(
        jury_session,
        board,
        "merges",
        theme_id,
        str(into_id),
        actor=actor,
        action="ideas.merged",
        into=into_id,
    )


#: The facilitator's edits of one theme, as the board keeps them ("renames" to a label,
#: "merges" into another theme's id), with the refusal anyone else gets.
ONLY_STAFF_MAY = {
    "renames": N_("Only the facilitator can rename a theme."),
    "merges": N_("Only the facilitator can merge themes."),
}


def _theme_edit(
    jury_session: JurySession, theme_id: Any, edits: str, *, actor: Any
) -> tuple[int, dict[str, Any] | None, set[int]]:
    """The start of a facilitator's edit of one theme on the idea board: raises
    NotPermitted for anyone but staff, Invalid for a `theme_id` that is not a whole number
    from 1; else the id, the board as last drawn and the ids of its themes."""
    require_staff(actor, gettext(ONLY_STAFF_MAY[edits]))
    theme_id = clean_int(theme_id, field="theme_id", low=1)
    board = _last_board(jury_session)
    return theme_id, board, _theme_ids(board)


def _theme_ids(board: dict[str, Any] | None) -> set[int]:
    return {t["id"] for t in board["themes"]} if board else set()


def _edit_board(
    jury_session: JurySession,
    board: Any,
    edits: str,
    theme_id: int,
    value: str,
    *,
    actor: Any,
    action: str,
    **details: Any,
) -> dict[str, Any]:
    """The facilitator's edit of one theme kept with the board's others of its kind
    (`edits`: "renames" to a label, "merges" into another theme's id), audited as
    `action` with `details`, and the board redrawn from it without regrouping."""
    changed = dict(board.get(edits, {}))
    changed[str(theme_id)] = value
    AuditEntry.record(action, actor=actor, subject=jury_session, theme=theme_id, **details)
    return refresh_idea_board(jury_session, recluster=False, **{edits: changed})
