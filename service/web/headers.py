"""Security headers on every response, and no copy of a page with case data kept by a browser or proxy.

The pages run only scripts served from this site (no inline script, no eval), are never framed, and
never tell another site which page linked to it (a secure link's address is a secret).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request

# Styles may be inline: the diagram and table editors (bpmn-js, dmn-js) set element styles as they draw.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
    "font-src 'self' data:", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Files anyone may keep (the icon, the pages' scripts, the front-end libraries): everything else may
# carry case data, or say who is signed in, so no browser or proxy keeps a copy.
CACHEABLE_ENDPOINTS = frozenset({"static", "web.vendor", "web_processes.static"})


def install(app: Flask) -> None:
    app.after_request(_secure)


def _secure(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint not in CACHEABLE_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response


def came_from() -> str | None:
    """The page of this site the request came from (for a "Go back" link), or None."""
    referrer = urlsplit(request.referrer or "")
    here = urlsplit(request.host_url)
    if (referrer.scheme, referrer.netloc) != (here.scheme, here.netloc) or not referrer.path.startswith("/"):
        return None
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")
