"""Invitation sheets: the join link for a code and its QR code (segno, as a data: URI
image, which our CSP allows, so the printed sheet needs no script or inline style)."""

from __future__ import annotations

import segno
from flask import url_for


def join_url(code: str) -> str:
    """`<external base URL>/join?code=CODE`: scanning it opens the join page, filled in."""
    return url_for("auth.join", code=code, _external=True)


def qr_data_uri(url: str) -> str:
    """An SVG QR code for `url` as a data: URI (error correction M, dark on white)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=4, dark="#000", light="#fff")
