"""The live feature's blueprint: its pages (views.py) and its `flask live` commands
(cli.py) attach themselves to it; consult/live/__init__.py sets the feature up."""

from __future__ import annotations

from flask import Blueprint

from consult.i18n import register_browser_strings
from consult.live.console_strings import page_strings

bp = Blueprint("live", __name__, url_prefix="/live", cli_group="live")
register_browser_strings(bp.name, page_strings)
