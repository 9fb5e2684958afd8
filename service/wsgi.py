"""The WSGI entry point for gunicorn: ``gunicorn service.wsgi:app`` (settings from the environment)."""

from __future__ import annotations

from service.app import create_app
from service.logs import configure_logging

configure_logging()
app = create_app()
