"""The officer workspace: analysis jobs, theme review, exports, council responses."""

from flask import Blueprint

#: The officers' workspace (views.py) and `flask workspace worker` (cli.py).
bp = Blueprint("workspace", __name__, url_prefix="/workspace")
#: The public "You said, we did" pages and open-data feed (outcome_views.py).
outcomes_bp = Blueprint("outcomes", __name__)
