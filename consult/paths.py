"""Where the project's files are: the checkout's root and the folders the app serves from.
A module of its own (imports nothing of Consult) so that any module can ask without
importing the `consult` package, which assembles the app and imports them back."""

from __future__ import annotations

from pathlib import Path

#: The checkout: `consult/`, `analysis/`, `templates/`, `static/`, `migrations/`.
ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"
MIGRATIONS = ROOT / "migrations"
#: Flask's instance folder (the SQLite database, the generated secret key) by default.
INSTANCE = ROOT / "instance"
