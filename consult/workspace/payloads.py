"""Model -> JSON-able dicts for the workspace and the open-data feed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from consult.extensions import db
from consult.models import AnalysisRun, CouncilResponse, Theme
from consult.workspace.services import response_source, response_title


def run_progress(run: AnalysisRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "status": run.status,
        "progress": round(run.progress or 0.0, 4),
        "percent": round((run.progress or 0.0) * 100),
        "message": run.message,
        "error": (run.error or "").split("\n", 1)[0] if run.status == "failed" else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


def outcome(response: CouncilResponse) -> dict[str, Any]:
    """One published item of the open-data feed: a recommendation, a theme or a funded PB
    project, its source, the council's response and progress. No personal data."""
    kind, source = response_source(response)
    item: dict[str, Any] = {
        "id": response.id,
        "kind": (
            "recommendation"
            if response.recommendation_id is not None
            else "project"
            if response.pb_proposal_id is not None
            else "theme"
        ),
        "title": response_title(response),
        "source": {
            "kind": kind,
            "slug": source.slug,
            "title": source.title,
        },
        "response": {
            "status": response.status,
            "text": response.text,
            "reasons": response.reasons,
            # the Welsh versions, where the council wrote them (issue 19)
            "text_cy": response.text_cy or None,
            "reasons_cy": response.reasons_cy or None,
        },
        "owner": response.owner,
        "due_date": response.due_date.isoformat() if response.due_date else None,
        "progress": response.progress,
        "progress_updates": [
            {
                "percent": u.percent,
                "note": u.note,
                "note_cy": u.note_cy or None,
                "date": u.created_at.date().isoformat(),
            }
            for u in response.updates
        ],
        "published_at": response.published_at.isoformat() if response.published_at else None,
        "updated_at": max(
            [response.updated_at, *[u.created_at for u in response.updates]]
        ).isoformat(),
    }
    if response.recommendation is not None:
        item["text"] = response.recommendation.text
    elif response.pb_proposal is not None:
        item["text"] = response.pb_proposal.description
        item["cost"] = response.pb_proposal.cost
        item["ward"] = response.pb_proposal.ward
    elif response.theme is not None:
        theme: Theme = response.theme
        item["text"] = " ".join(s["sentence"] for s in (theme.summary or []))
        item["description"] = theme.description or ""
        item["size"] = theme.size
        item["share"] = theme.share
    return item


def published_outcomes() -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(CouncilResponse)
        .where(CouncilResponse.published_at.is_not(None))
        .order_by(CouncilResponse.published_at, CouncilResponse.id)
    ).all()
    return [outcome(r) for r in rows]
