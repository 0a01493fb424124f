"""Participatory budgeting: rounds, residents' proposals, officers' assessment, voting
online (one-time codes) and on paper (double entry), and results counted by `analysis.pb`.

The blueprint is defined in `blueprint.py`; the public pages are in views.py and
proposal_pages.py, the officers' in manage_views.py and proposal_manage_views.py; the rules
in services.py (round, ballots), counting.py, and for proposals proposals.py, merges.py,
images.py, with what proposers are told in notices.py. `create_app` imports the views."""

from consult.pb.blueprint import bp

__all__ = ["bp"]
