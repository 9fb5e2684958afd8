"""Password guessing is slowed where it comes from; a stranger cannot lock an account's owner out."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from service.accounts.models import ApiToken, LoginAttempt, User, WebSession
from service.accounts.service import authenticate
from service.accounts.throttle import (
    ACCOUNT_FAILURES_BEFORE_DELAY,
    CLIENT_FAILURES_BEFORE_DELAY,
    MAX_PAIR_FAILURES,
    TooManyAttempts,
    record_failed_login,
)
from service.app import create_app
from tests.api.conftest import PASSWORD, Api


def _sign_in(api: Api, username: str, password: str, address: str, expect: int) -> Any:
    return api.call("POST", "/api/tokens", None, expect, json={"username": username, "password": password},
                    environ_base={"REMOTE_ADDR": address}).get_json()


def test_five_wrong_passwords_hold_back_that_device_only_and_the_owner_still_signs_in(api: Api) -> None:
    for _ in range(MAX_PAIR_FAILURES):
        _sign_in(api, "tess.teacher", "wrong", "203.0.113.66", 401)
    refused = _sign_in(api, "tess.teacher", PASSWORD, "203.0.113.66", 429)
    assert refused["error"].startswith("too many failed sign-ins for this account from your device: wait 15 minutes")
    assert _sign_in(api, "tess.teacher", PASSWORD, "198.51.100.20", 201)["username"] == "tess.teacher"


def test_twenty_failures_from_a_shared_office_address_lock_nobody_out(api: Api) -> None:
    for number in range(20):
        _sign_in(api, f"someone.{number}", "wrong", "203.0.113.7", 401)
    assert _sign_in(api, "hana.visitor", PASSWORD, "203.0.113.7", 201)["username"] == "hana.visitor"


def test_spraying_from_one_address_only_ever_waits_seconds_there(app: Flask) -> None:
    proxied = create_app(replace(app.extensions["service_config"], trusted_proxies=1)).test_client()

    def sign_in(forwarded_for: str, username: str) -> Any:
        return proxied.post("/api/tokens", json={"username": username, "password": "wrong"},
                            headers={"X-Forwarded-For": forwarded_for})

    tries = [sign_in("192.0.2.1", f"nobody.{n}").status_code for n in range(CLIENT_FAILURES_BEFORE_DELAY)]
    assert tries == [401] * CLIENT_FAILURES_BEFORE_DELAY
    held = sign_in("192.0.2.1", "someone")
    assert held.status_code == 429
    # At the threshold the wait is a second after the last failure: a delay, never a lock-out.
    assert held.get_json()["error"] == "many failed sign-ins recently: wait 1 second and try again"
    assert sign_in("192.0.2.2", "someone").status_code == 401, "the address behind the proxy counts, not the proxy"


def test_guesses_at_one_account_from_many_places_delay_it_and_never_lock_it(app: Flask) -> None:
    sessions = app.extensions["db_session_factory"]
    start = datetime.now(UTC)
    with sessions.begin() as s:
        for n in range(ACCOUNT_FAILURES_BEFORE_DELAY + 5):  # from fifteen botnet addresses, none locked as a pair
            record_failed_login(session=s, username="tess.teacher", now=start, client=f"198.18.0.{n}")
    with sessions.begin() as s:
        try:
            authenticate(session=s, username="tess.teacher", password=PASSWORD, now=start + timedelta(seconds=1),
                         client="192.168.1.10")
        except TooManyAttempts as held:  # fifteen failures, five past the ten allowed: 2**5 = 32, at most 30 s
            assert held.message == "many failed sign-ins recently: wait 29 seconds and try again"
        else:
            raise AssertionError("a second after fifteen failures the owner waits")
    with sessions.begin() as s:
        user = authenticate(session=s, username="tess.teacher", password=PASSWORD,
                            now=start + timedelta(seconds=31), client="192.168.1.10")
        assert user.username == "tess.teacher", "half a minute later the owner is in"


def test_old_failures_expired_tokens_and_sessions_are_deleted(api: Api) -> None:
    sessions = api.client.application.extensions["db_session_factory"]
    long_ago = datetime.now(UTC) - timedelta(days=2)
    with sessions.begin() as s:
        tess = s.scalars(select(User).where(User.username == "tess.teacher")).one()
        s.add(LoginAttempt(username="tess.teacher", at=long_ago, client="192.0.2.99"))
        s.add(ApiToken(user_id=tess.id, token_hash="a" * 64, created_at=long_ago, expires_at=long_ago))
        s.add(WebSession(user_id=tess.id, token_hash="b" * 64, created_at=long_ago, expires_at=long_ago))
    _sign_in(api, "nobody", "wrong", "192.0.2.50", 401)
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(LoginAttempt).where(LoginAttempt.at < long_ago
                                                                              + timedelta(hours=1))) == 0
        assert s.scalar(select(func.count()).select_from(ApiToken)) == 0
        assert s.scalar(select(func.count()).select_from(WebSession)) == 0
        assert s.scalar(select(func.count()).select_from(LoginAttempt)) == 1, "the new failure is kept"
