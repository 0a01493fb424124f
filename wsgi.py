"""The WSGI entry point: `gunicorn -k gevent -w 1 wsgi:app` (see the README).

Under gevent the standard library is patched first, before anything imports sockets."""

import os

if os.environ.get("SOCKETIO_ASYNC_MODE", "gevent") == "gevent" and not os.environ.get(
    "CONSULT_NO_MONKEY_PATCH"
):
    from gevent import monkey

    monkey.patch_all()

from consult import create_app
from consult.extensions import socketio
from consult.runtime import settle_memory

app = create_app()
settle_memory()  # after start-up: no collection walks the app's own objects again

__all__ = ["app", "socketio"]
