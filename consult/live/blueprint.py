"""The live feature's blueprint: its pages (views.py) and its `flask live` commands
(cli.py) attach themselves to it; consult/live/__init__.py sets the feature up."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("live", __name__, url_prefix="/live", cli_group="live")
