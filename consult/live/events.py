"""The `/live` Socket.IO namespace: every event authenticated and checked by a service."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_socketio import ConnectionRefusedError, Namespace


class LiveNamespace(Namespace):
    """Live deliberation: a contribution is on disk before anyone sees it."""

    def on_connect(self, auth: dict[str, Any] | None = None) -> None:
        if not current_user.is_authenticated:
            raise ConnectionRefusedError("not_signed_in")
