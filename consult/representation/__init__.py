"""Representativeness: the area's population margins, who answered against who lives here,
weighted results beside the raw ones, and what a jury's deliberation changed."""

from flask import Blueprint

#: Officers' pages under /workspace (views.py); jurors' questionnaire under /juries.
bp = Blueprint("representation", __name__)
