"""Participatory budgeting: rounds, residents' proposals, officers' assessment, voting
online (one-time codes) and on paper (double entry), and results counted by `analysis.pb`.

The blueprint is defined in `blueprint.py`; the public pages are in views.py, the
officers' in manage_views.py, the rules in services.py. `create_app` imports the views."""

from consult.pb.blueprint import bp

__all__ = ["bp"]
