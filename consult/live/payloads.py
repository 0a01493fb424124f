"""Live deliberation: rows turned into JSON-able dicts for events, acknowledgements and
snapshots (snapshots.py). Pure serialisers: they read the rows they are given and
query nothing. Text stays text: the browser inserts it with textContent, and templates
escape it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from consult.consultations.redaction import redact
from consult.models import (
    Contribution,
    HandRaise,
    JurySession,
    Poll,
    Recommendation,
    Round,
    SpeakingTurn,
    utcnow,
)


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def round_(r: Round | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "id": r.id,
        "position": r.position,
        "kind": r.kind,
        "title": r.title,
        "title_cy": r.title_cy or "",  # Welsh versions: pages and scripts pick by language
        "planned_minutes": r.planned_minutes,
        "instructions": r.instructions,
        "instructions_cy": r.instructions_cy or "",
        "materials": r.materials,
        "status": r.status,
        "ends_at": iso(r.ends_at),
        "remaining_seconds": r.remaining_seconds,
        "public": r.public,
        "auto_advance": r.auto_advance,
    }


def session_header(jury_session: JurySession, *, public_only: bool = False) -> dict[str, Any]:
    """The session, its agenda and its clock (clients count down to `round.ends_at`,
    corrected by `server_now`)."""
    current = jury_session.current_round
    rounds = list(jury_session.rounds)
    if public_only:
        current = current if current is not None and current.public else None
        rounds = [r for r in rounds if r.public]
    return {
        "session": {
            "id": jury_session.id,
            "title": jury_session.title,
            "status": jury_session.status,
            "announcement": jury_session.announcement,
            "gallery_open": jury_session.gallery_open,
        },
        "round": round_(current),
        "rounds": [
            {
                "id": r.id,
                "position": r.position,
                "title": r.title,
                "title_cy": r.title_cy or "",
                "kind": r.kind,
                "status": r.status,
            }
            for r in rounds
        ],
        "server_now": iso(utcnow()),
    }


def contribution(
    c: Contribution, *, author: str | None = None, staff: bool = True
) -> dict[str, Any]:
    hidden_text = c.hidden and not staff
    return {
        "id": c.id,
        "client_id": c.client_id,
        "kind": c.kind,
        "text": "" if hidden_text else c.text,
        "author": author,
        "member_id": c.member_id,
        "staff_author": c.user_id is not None,
        "table_id": c.table_id,
        "round_id": c.round_id,
        "created_at": iso(c.created_at),
        "hidden": c.hidden,
        "public": c.public,
        "idea_group": c.idea_group,
    }


def public_contribution(c: Contribution) -> dict[str, Any]:
    """What the gallery sees: no author, no ids of people, and the text with personal
    details redacted (the copy kept when the text was written)."""
    return {"id": c.id, "kind": c.kind, "text": c.redacted, "created_at": iso(c.created_at)}


def _outcome(r: Recommendation) -> dict[str, Any]:
    """Where a recommendation stands: its status, the threshold and quorum it needs, the
    votes so far and when it was decided."""
    return {
        "status": r.status,
        "threshold": r.threshold,
        "quorum": r.quorum,
        **r.vote_counts,
        "decided_at": iso(r.decided_at),
    }


def public_recommendation(r: Recommendation) -> dict[str, Any]:
    """A decided recommendation as the gallery sees it: the outcome and its counts, the
    title and text with personal details redacted, no amendments and no names (only
    how many minority reports it has)."""
    return {
        "id": r.id,
        "position": r.position,
        "title": redact(r.title or "")[0],
        "text": redact(r.text or "")[0],
        **_outcome(r),
        "minority_reports": len(r.minority_reports),
    }


def hand(h: HandRaise, name: str) -> dict[str, Any]:
    return {
        "id": h.id,
        "client_id": h.client_id,
        "member_id": h.member_id,
        "name": name,
        "table_id": h.table_id,
        "raised_at": iso(h.created_at),
    }


def turn(t: SpeakingTurn, name: str) -> dict[str, Any]:
    return {
        "id": t.id,
        "member_id": t.member_id,
        "name": name,
        "table_id": t.table_id,
        "hand_id": t.hand_id,
        "started_at": iso(t.started_at),
        "ended_at": iso(t.ended_at),
    }


def poll(
    p: Poll,
    *,
    staff: bool = False,
    results: dict[str, Any] | None = None,
    my_ballot: Any = None,
) -> dict[str, Any]:
    return {
        "id": p.id,
        "kind": p.kind,
        "question": p.question,
        # Welsh versions (issue 19) beside the English: pages and scripts pick by language
        "question_cy": p.question_cy or "",
        "options": [
            {**option, "label_cy": option.get("label_cy") or ""} for option in p.options or []
        ],
        "statements": [
            {"id": s.id, "text": s.text, "text_cy": s.text_cy or ""}
            for s in p.statements
            if not s.moderated_out
        ],
        "status": p.status,
        "revealed": p.revealed,
        "dots_per_member": p.dots_per_member,
        "budget_total": p.budget_total,
        "round_id": p.round_id,
        "results": results,
        "my_ballot": my_ballot,
    }


def _redact_texts(value: Any) -> Any:
    """`value` with every string under a "text" (or "text_cy") key redacted, at any depth."""
    if isinstance(value, dict):
        return {
            key: redact(item)[0]
            if key in ("text", "text_cy") and isinstance(item, str)
            else _redact_texts(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_redact_texts(item) for item in value]
    return value


def public_poll(p: Poll, *, results: dict[str, Any] | None = None) -> dict[str, Any]:
    """A revealed poll as the gallery sees it: jurors write statements, so the question,
    the statements and every statement text in the results are redacted of personal
    details, as the gallery's contributions and recommendations are."""
    body = _redact_texts(poll(p, results=results))
    body["question"] = redact(p.question or "")[0]
    body["question_cy"] = redact(p.question_cy or "")[0]
    return body


def people_in(r: Recommendation) -> set[int]:
    """The jurors `recommendation` names (authors of amendments and minority reports)."""
    ids = {a.member_id for a in r.amendments} | {m.author_member_id for m in r.minority_reports}
    return {i for i in ids if i is not None}


def decision(r: Recommendation) -> dict[str, Any] | None:
    """Why a decided recommendation passed or not, from its stored count (the rule of
    decisions.vote_outcome): the support share of those who supported or opposed against
    the threshold, and the votes cast (abstentions too) against the quorum."""
    if r.status not in ("passed", "failed"):
        return None
    support, oppose, abstain = r.votes_for or 0, r.votes_against or 0, r.votes_abstain or 0
    cast = support + oppose + abstain
    share = support / (support + oppose) if support + oppose else 0.0
    quorate = cast >= r.quorum
    return {
        "votes_cast": cast,
        "support_share": round(share, 4),
        "threshold": r.threshold,
        "quorum": r.quorum,
        "quorate": quorate,
        "threshold_met": support + oppose > 0 and share >= r.threshold - 1e-9,
    }


def recommendation(r: Recommendation, names: Mapping[int, str]) -> dict[str, Any]:
    """A recommendation with its amendments and minority reports; `names` maps the
    jurors of `people_in(r)` to their display names."""
    return {
        "id": r.id,
        "client_id": r.client_id,
        "position": r.position,
        "title": r.title,
        "text": r.text,
        **_outcome(r),
        "decision": decision(r),
        "amendments": [
            {
                "id": a.id,
                "client_id": a.client_id,
                "text": a.text,
                "rationale": a.rationale,
                "status": a.status,
                "member_id": a.member_id,
                "author": names.get(a.member_id),
            }
            for a in r.amendments
        ],
        "minority_reports": [
            {
                "id": m.id,
                "client_id": m.client_id,
                "text": m.text,
                "author": names.get(m.author_member_id),
                "signatures": len(m.signatures),
                "signer_ids": [s.member_id for s in m.signatures],
            }
            for m in r.minority_reports
        ],
    }
