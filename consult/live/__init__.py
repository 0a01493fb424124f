"""Live deliberation: a jury's sessions run in real time. The rooms of the feature:

- `outbox`: room names, the session's event log, `unit_of_work()` (commit, then broadcast)
- `checks`: who may act, input cleaning; `payloads`: rows to JSON (pure)
- services, one room each: `rounds` (the agenda and running its rounds), `seating`
  (tables, shared with the juries feature), `floor` (contributions, hands, turns),
  `polls` (with the kinds of poll in `poll_kinds`, the opinion map in `opinion_map`),
  `decisions` (recommendations, amendments, final votes, minority reports), `ideas`
- `snapshots`: the state a page or a reconnecting client starts from
- callers: `events` (the Socket.IO namespace), `views` (pages), `cli`, `clock`

The blueprint is defined in `blueprint.py`; the pages (views.py) and `flask live ...`
commands (cli.py) hang on it, and only `create_app` imports them. Registering `bp` on an
app sets the feature up: it starts listening to consult/signals.py."""

from __future__ import annotations

from flask.blueprints import BlueprintSetupState

from consult.live import events
from consult.live.blueprint import bp


def _set_up(state: BlueprintSetupState) -> None:
    events.connect_receivers()


bp.record_once(_set_up)

__all__ = ["bp"]
