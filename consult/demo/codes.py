"""Demo codes (jurors' join codes, PB voting codes) derived from the instance's secret
key, so that every run of `flask demo load` prints the same ones."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app

from consult.auth.services import JOIN_CODE_ALPHABET


def derived_code(purpose: str, group_sizes: tuple[int, ...]) -> str:
    """A code for `purpose` (e.g. "demo-juror:12"), in groups joined by hyphens."""
    digest = hmac.new(
        current_app.config["SECRET_KEY"].encode(), purpose.encode(), hashlib.sha256
    ).digest()
    raw = "".join(JOIN_CODE_ALPHABET[byte % len(JOIN_CODE_ALPHABET)] for byte in digest)
    groups, start = [], 0
    for size in group_sizes:
        groups.append(raw[start : start + size])
        start += size
    return "-".join(groups)
