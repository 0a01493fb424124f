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

app = create_app()

__all__ = ["app", "socketio"]
