"""Rate limits on public submissions: the residents' answer forms (views.py) and the JSON
API's submissions (`consult.api.views`) share one limit per client address."""

from __future__ import annotations

import os

from flask import current_app


def submit_rate_limit() -> str:
    """The limit on public submissions per client address (SUBMIT_RATE_LIMIT)."""
    return (
        current_app.config.get("SUBMIT_RATE_LIMIT")
        or os.environ.get("SUBMIT_RATE_LIMIT")
        or "30 per minute"
    )
