"""The printed documents: the decision record, the letter to the person, a package as its recipient reads it.

Each document is one Jinja template under ``records/templates``. Its web page includes that template (the
web app's Jinja loader serves these templates under the same ``records/`` names, see ``service.app``), and
it is printed here to PDF by WeasyPrint with an A4 print stylesheet, so a page and its PDF are drawn from
one source and cannot say different things. Printing fetches nothing: no URL a document names is loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, PrefixLoader, select_autoescape
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from service.uktime import uk_time

from .layout import case_status, in_words

TEMPLATES = Path(__file__).resolve().parent / "templates"
# The document templates under the names both environments know them by ("records/record.html", ...).
DOCUMENT_LOADER = PrefixLoader({"records": FileSystemLoader(TEMPLATES)})
# The same filters as the web app's (``service.app``), so a template reads the same in both.
FILTERS = {"uk_time": uk_time, "case_status": case_status, "in_words": in_words}

_environment = Environment(loader=DOCUMENT_LOADER, autoescape=select_autoescape(("html",)))
_environment.filters.update(FILTERS)


def render_document(template: str, **context: Any) -> str:
    """A document template rendered to HTML."""
    return _environment.get_template(template).render(**context)


def print_pdf(template: str, **context: Any) -> bytes:
    """A document template printed to PDF bytes (A4; its title, and any author, from its ``<head>``)."""
    markup = render_document(template, **context)
    document: bytes = HTML(string=markup, base_url=TEMPLATES.as_uri() + "/",
                           url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()
    return document


def record_pdf(record: Mapping[str, Any], *, printed_by: str, printed_at: str) -> bytes:
    """A case's record (as ``records.view.record_detail`` gives it, with its sections) as PDF bytes: the
    record the case page shows, with who printed it and when."""
    return print_pdf("records/print_record.html", record=record, printed_by=printed_by, printed_at=printed_at)
