"""Citizens' juries: registration pool, quotas, fair selection, invitations, tables."""

from flask import Blueprint

#: Pages (views.py) and `flask jury ...` commands (cli.py).
bp = Blueprint("juries", __name__, url_prefix="/juries", cli_group="jury")
