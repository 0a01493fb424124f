"""Consult: the Flask application. `create_app` is the one place that assembles it."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from types import ModuleType
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from sqlalchemy import event

from consult import i18n, inputs, wording
from consult.config import renamed_settings, settings_from_environment
from consult.extensions import csrf, db, limiter, login_manager, migrate, socketio
from consult.paths import INSTANCE, MIGRATIONS, STATIC, TEMPLATES


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from the environment; tests pass `config` to override settings."""
    app = Flask(
        __name__,
        instance_path=str(INSTANCE),
        instance_relative_config=True,
        template_folder=str(TEMPLATES),
        static_folder=str(STATIC),
    )
    if config and config.get("INSTANCE_PATH"):
        app.instance_path = str(config["INSTANCE_PATH"])
    app.config.from_mapping(settings_from_environment(app.instance_path))
    app.config.from_mapping(config or {})  # tests override here, nothing else does
    app.config.from_mapping(renamed_settings(config or {}))
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(TEMPLATES)),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    importlib.import_module("consult.models")  # every table registered before migrations run
    inputs.register(app)  # before any route is added: it sets how <int:...> reads

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
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

    from consult import (
        admin,
        api,
        auth,
        cli,
        consultations,
        errors,
        home,
        juries,
        live,
        pb,
        privacy,
        representation,
        security,
        workspace,
    )
    from consult.live import events as live_events

    _import_routes_and_commands()
    for blueprint in (
        home.bp,
        auth.bp,
        consultations.bp,
        juries.bp,
        live.bp,
        workspace.bp,
        workspace.outcomes_bp,
        pb.bp,
        representation.bp,
        admin.bp,
        api.bp,
        privacy.bp,
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
    i18n.register(app)
    errors.register(app, socketio)
    security.register(app)
    cli.register(app)
    _register_daily_jobs(app)
    app.jinja_env.globals["council_name"] = app.config["COUNCIL_NAME"]
    app.jinja_env.filters["plural"] = wording.plural
    app.jinja_env.filters["noun"] = wording.noun
    return app


def _import_routes_and_commands() -> tuple[ModuleType, ...]:
    """Import the modules that put routes and CLI commands on the features' blueprints
    (each blueprint is defined in its feature's package, so these modules import it and
    nothing imports them but this)."""
    from consult.admin import views as admin_views
    from consult.api import views as api_views
    from consult.auth import views as auth_views
    from consult.consultations import cli as consultations_cli
    from consult.consultations import manage_views as consultations_manage_views
    from consult.consultations import views as consultations_views
    from consult.home import views as home_views
    from consult.juries import cli as juries_cli
    from consult.juries import plan_views as juries_plan_views
    from consult.juries import pool_views as juries_pool_views
    from consult.juries import public as juries_public
    from consult.juries import views as juries_views
    from consult.live import cli as live_cli
    from consult.live import views as live_views
    from consult.pb import kiosk_views as pb_kiosk_views
    from consult.pb import manage_views as pb_manage_views
    from consult.pb import proposal_manage_views as pb_proposal_manage_views
    from consult.pb import proposal_pages as pb_proposal_pages
    from consult.pb import views as pb_views
    from consult.pb import voter_views as pb_voter_views
    from consult.privacy import cli as privacy_cli
    from consult.privacy import views as privacy_views
    from consult.representation import views as representation_views
    from consult.workspace import cli as workspace_cli
    from consult.workspace import outcome_views as workspace_outcome_views
    from consult.workspace import views as workspace_views

    return (
        admin_views,
        api_views,
        auth_views,
        consultations_cli,
        consultations_manage_views,
        consultations_views,
        home_views,
        juries_cli,
        juries_plan_views,
        juries_pool_views,
        juries_public,
        juries_views,
        live_cli,
        live_views,
        pb_kiosk_views,
        pb_manage_views,
        pb_proposal_manage_views,
        pb_proposal_pages,
        pb_views,
        pb_voter_views,
        privacy_cli,
        privacy_views,
        representation_views,
        workspace_cli,
        workspace_outcome_views,
        workspace_views,
    )


def _register_daily_jobs(app: Flask) -> None:
    """The job runner's daily clock (consult/jobs/daily.py): the data purge, where
    DATA_PURGE_DAILY is on; otherwise cron runs `flask --app wsgi data purge`."""
    from consult.jobs import daily
    from consult.privacy import retention

    if app.config.get("DATA_PURGE_DAILY"):
        daily.register(app, "data purge", retention.daily_purge)
        daily.start_with_first_request(app)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
