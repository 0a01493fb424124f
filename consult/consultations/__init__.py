"""Online consultations: design (officers), respond (residents), moderate, import."""

from flask import Blueprint

#: Residents' pages (views.py), officers' (manage_views.py), `flask consultations ...` (cli.py).
bp = Blueprint("consultations", __name__, url_prefix="/consultations")
