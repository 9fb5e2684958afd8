"""Every page says how browsers must treat it (no inline script, never framed, no sniffing, no referrer
to other sites), no page with case data is kept in a cache, and sign-in goes back only to this site."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.api.conftest import PASSWORD, Api
from tests.api.test_web_pages import _csrf, _sign_in

TEMPLATES = Path(__file__).resolve().parents[2] / "service" / "web" / "templates"


class _Scripts(HTMLParser):
    """Every script a page would run inline: <script> without src, on* attributes, javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script" and "src" not in named and named.get("type") != "application/json":
            self.inline.append(f"<script> without src: {named}")
        self.inline += [f"{tag} {name}=" for name, _ in attrs if name.startswith("on")]
        self.inline += [f"{tag} {name}={value}" for name, value in attrs
                        if (value or "").strip().lower().startswith("javascript:")]


def _inline_scripts(html: str) -> list[str]:
    found = _Scripts()
    found.feed(html)
    return found.inline


def _a_case(api: Api) -> str:
    case = api.post("/api/cases", "tess.teacher", {"direction": "outbound_concern", "urgency": "routine",
                                                    "summary": "A worry"}, expect=201)
    return str(case["id"])


def test_every_page_has_the_security_headers_and_case_pages_are_never_cached(api: Api) -> None:
    case_id = _a_case(api)
    client = api.client
    _sign_in(client, "tess.teacher")
    task_id = api.get(f"/api/cases/{case_id}", "tess.teacher")["open_tasks"][0]["id"]
    for path in ("/login", "/tasks", "/cases", f"/cases/{case_id}", f"/tasks/{task_id}", f"/api/cases/{case_id}"):
        response = client.get(path, headers={"Authorization": f"Bearer {api.token('tess.teacher')}"})
        assert response.status_code == 200, path
        policy = response.headers["Content-Security-Policy"]
        script_src = next(p for p in policy.split("; ") if p.startswith("script-src"))
        assert script_src == "script-src 'self'", (path, policy)
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cache-Control"] == "no-store", path
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and "no-store" not in icon.headers.get("Cache-Control", "")


def test_the_pages_people_use_run_no_inline_script(api: Api) -> None:
    case_id = _a_case(api)
    client = api.client
    _sign_in(client, "tess.teacher")
    task_id = api.get(f"/api/cases/{case_id}", "tess.teacher")["open_tasks"][0]["id"]
    for path in ("/tasks", f"/cases/{case_id}", f"/tasks/{task_id}"):
        html = client.get(path).get_data(as_text=True)
        assert "<script" in html or path == "/tasks"
        assert _inline_scripts(html) == [], path
    owner = api.client.application.test_client()
    _sign_in(owner, "pat.owner")
    modeler = owner.get("/processes/information_sharing/modeler")
    assert modeler.status_code == 200 and _inline_scripts(modeler.get_data(as_text=True)) == []


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")))
def test_no_template_holds_inline_script(template: str) -> None:
    text = (TEMPLATES / template).read_text()
    assert not re.search(r"<script(?![^>]*\b(src=|type=\"application/json\"))[^>]*>", text), template
    assert not re.search(r"\son[a-z]+=\"", text) and "javascript:" not in text, template


@pytest.mark.parametrize("target", ["/%09/evil.example", "//evil.example", "/\\evil.example", "https://evil.example",
                                    "/%0d%0a/evil.example", "evil.example", "/%5cevil.example"])
def test_after_sign_in_only_a_path_on_this_site_is_followed(api: Api, target: str) -> None:
    client = api.client
    response = client.post(f"/login?next={target}", data={"csrf_token": _csrf(client, "/login"),
                                                           "username": "tess.teacher", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/tasks", target


def test_the_page_asked_for_before_signing_in_opens_after_it(api: Api) -> None:
    case_id = _a_case(api)
    client = api.client
    asked = client.get(f"/cases/{case_id}")
    assert asked.status_code == 302 and asked.headers["Location"] == f"/login?next=/cases/{case_id}"
    form = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert f'name="next" value="/cases/{case_id}"' in form
    signed_in = client.post("/login", data={"csrf_token": _csrf(client, "/login"), "username": "tess.teacher",
                                            "password": PASSWORD, "next": f"/cases/{case_id}"})
    assert signed_in.headers["Location"] == f"/cases/{case_id}"
    assert "A worry" in client.get(signed_in.headers["Location"]).get_data(as_text=True)
