"""Consult: the Flask application. `create_app` is the one place that assembles it."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from sqlalchemy import event

from consult.config import settings_from_environment
from consult.extensions import csrf, db, limiter, login_manager, migrate, socketio

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from the environment; tests pass `config` to override settings."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    if config and config.get("INSTANCE_PATH"):
        app.instance_path = str(config["INSTANCE_PATH"])
    app.config.from_mapping(settings_from_environment(app.instance_path))
    app.config.from_mapping(config or {})  # tests override here, nothing else does
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    importlib.import_module("consult.models")  # every table registered before migrations run

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        channel=app.config["SOCKETIO_CHANNEL"],
        cors_allowed_origins=app.config["PUBLIC_ORIGINS"],
        manage_session=False,
        logger=False,
        engineio_logger=False,
    )
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)

    from consult import cli, errors, live, security
    from consult.admin import views as admin
    from consult.api import views as api
    from consult.auth import views as auth
    from consult.consultations import views as consultations
    from consult.home import views as home
    from consult.juries import views as juries
    from consult.live import events as live_events
    from consult.workspace import outcomes
    from consult.workspace import views as workspace

    _import_routes_and_commands()
    for blueprint in (
        home.bp,
        auth.bp,
        consultations.bp,
        juries.bp,
        live.bp,
        workspace.bp,
        outcomes.bp,
        admin.bp,
        api.bp,
    ):
        app.register_blueprint(blueprint)
    csrf.exempt(api.bp)
    socketio.on_namespace(
        live_events.LiveNamespace(
            "/live",
            message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
            channel=app.config["SOCKETIO_CHANNEL"],
        )
    )
    errors.register(app, socketio)
    security.register(app)
    cli.register(app)
    app.jinja_env.globals["council_name"] = app.config["COUNCIL_NAME"]
    return app


def _import_routes_and_commands() -> tuple[ModuleType, ...]:
    """Import the modules that put routes and CLI commands on the features' blueprints
    (the live blueprint is defined in its package, so these modules import it and nothing
    imports them but this)."""
    from consult.live import cli as live_cli
    from consult.live import views as live_views

    return (live_cli, live_views)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
