"""The Flask application factory."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from functools import partial
from typing import Any

from flask import Flask, Response, jsonify, redirect, render_template, request, url_for
from jinja2 import ChoiceLoader
from sqlalchemy import text
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from service.api.accounts import api_accounts
from service.api.disclosures import api_links
from service.api.process_stuck import api_process_stuck
from service.api.process_trials import api_process_trials
from service.api.processes import api_processes
from service.api.schemas.answers import Health, answers
from service.api.schemas.spec import operation
from service.api.views import api
from service.config import Config
from service.db import make_engine, make_session_factory
from service.disclosures.keys import keyring_at
from service.engine import use_calendars
from service.errors import DomainError, InvalidInput
from service.logs import redact_link_tokens
from service.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from service.metrics import render_metrics
from service.records.layout import case_status
from service.records.pdf import DOCUMENT_LOADER
from service.request_guard import install as guard_requests
from service.sealing import use_keyring
from service.signing_key import session_signing_key
from service.uktime import to_uk_input, uk_time
from service.web import headers
from service.web.admin import web_admin
from service.web.draft_review import web_drafts
from service.web.links import web_links
from service.web.modeler import web_processes
from service.web.password import web_account
from service.web.recipient import recipient
from service.web.stuck import web_stuck
from service.web.trials import web_trials
from service.web.views import web
from service.workcalendar import WorkCalendars, calendars_for


def create_app(config: Config | None = None) -> Flask:
    """Build the application for ``config`` (read from the environment when not given)."""
    config = config or Config.from_env()
    # The app's own static files are the few anyone may fetch before signing in (the guard in
    # web/views.py lets the "static" endpoint through): the site's icon.
    app = Flask(__name__, static_folder="web/static/public", static_url_path="/static")
    guard_requests(app)  # every body, address and query checked at the door; size limits (before the routes)
    app.config.update(SECRET_KEY=session_signing_key(config), TESTING=config.testing, SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=config.secure_cookies)
    engine = make_engine(config.database_url)
    app.extensions["db_session_factory"] = make_session_factory(engine)
    app.extensions["service_config"] = config
    # Deadlines set while serving a request count on this configuration's working hours and closures.
    app.extensions["work_calendars"] = calendars_for(config)
    app.wsgi_app = _counting_on(app.extensions["work_calendars"], app.wsgi_app)  # type: ignore[method-assign]
    if config.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.trusted_proxies,  # type: ignore[method-assign]
                                x_proto=config.trusted_proxies)
    redact_link_tokens()
    # The same keys seal the values the database keeps (service.sealing).
    app.extensions["disclosure_keyring"] = use_keyring(keyring_at(config.disclosure_keys_file,
                                                                  default_path=Config.disclosure_keys_file))

    @app.get("/")
    def index() -> Any:
        return redirect(url_for("web.tasks"))

    # Browsers ask for /favicon.ico whether or not a page links an icon.
    app.add_url_rule("/favicon.ico", endpoint="static", defaults={"filename": "favicon.ico"})

    @app.get("/healthz")
    @operation(security=[], resp=answers(signed_in=False, checked_at_the_door=False, HTTP_200=(Health, "Up")))
    def healthz() -> Any:
        """Is the service up?"""
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return jsonify(status="ok")

    @app.get("/metrics")
    def metrics() -> Any:
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not config.metrics_token:
            return Response("metrics are off: set METRICS_TOKEN and send it as a bearer token\n", 404,
                            mimetype="text/plain")
        if not secrets.compare_digest(sent.encode(), config.metrics_token.encode()):
            return Response("send the METRICS_TOKEN as 'Authorization: Bearer <token>'\n", 401,
                            mimetype="text/plain", headers={"WWW-Authenticate": "Bearer"})
        with app.extensions["db_session_factory"]() as session:
            body = render_metrics(session, datetime.now(UTC))
        return Response(body, content_type=METRICS_CONTENT_TYPE)

    # Pages show times as UK wall time (GMT or BST); forms take typed times the same way.
    app.jinja_env.filters.update(uk_time=uk_time, uk_date=partial(uk_time, date_only=True), uk_input=to_uk_input,
                               case_status=case_status)
    # The printed documents' templates ("records/record.html", ...): a page includes the very template its
    # PDF is printed from (service.records.pdf), so the two cannot differ.
    app.jinja_env.loader = ChoiceLoader([DOCUMENT_LOADER, app.create_global_jinja_loader()])
    app.register_blueprint(api)
    app.register_blueprint(api_accounts)
    app.register_blueprint(api_links)
    app.register_blueprint(api_processes)
    app.register_blueprint(api_process_stuck)
    app.register_blueprint(api_process_trials)
    app.register_blueprint(web)
    app.register_blueprint(recipient)
    app.register_blueprint(web_links)
    app.register_blueprint(web_processes)
    app.register_blueprint(web_drafts)
    app.register_blueprint(web_stuck)
    app.register_blueprint(web_trials)
    app.register_blueprint(web_admin)
    app.register_blueprint(web_account)
    headers.install(app)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        if request.path.startswith("/api/"):
            return jsonify(error=exc.description or exc.name), exc.code
        return exc

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Any:
        if not request.path.startswith("/api/"):
            return render_template("problem.html", message=exc.message, back=headers.came_from()), exc.status
        body: dict[str, Any] = {"error": exc.message}
        if isinstance(exc, InvalidInput):
            body["field"] = exc.field
            if exc.problems:
                body["problems"] = exc.problems
        return jsonify(body), exc.status

    return app


def _counting_on(calendars: WorkCalendars, wsgi_app: Any) -> Any:
    """``wsgi_app`` serving each request with the engine's deadlines counted on ``calendars``."""

    def counting(environ: Any, start_response: Any) -> Any:
        with use_calendars(calendars):
            return wsgi_app(environ, start_response)

    return counting
