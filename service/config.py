"""Every setting the service and workers read, each declared once with a typed default."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "var"

# Days the organisation's schools are closed, for deadlines in school days: typical English
# local-authority holidays for the academic years 2026-27 and 2027-28 (October half term, Christmas,
# February half term, Easter, May half term, summer). They are typical dates only, with no INSET
# days: every organisation should set its own (SCHOOL_CLOSURES), and extend it each year.
DEFAULT_SCHOOL_CLOSURES = ",".join((
    "2026-10-26..2026-10-30", "2026-12-21..2027-01-01", "2027-02-15..2027-02-19", "2027-03-29..2027-04-09",
    "2027-05-31..2027-06-04", "2027-07-22..2027-08-31",
    "2027-10-25..2027-10-29", "2027-12-20..2027-12-31", "2028-02-14..2028-02-18", "2028-04-10..2028-04-21",
    "2028-05-29..2028-06-02", "2028-07-21..2028-08-31",
))


class SettingError(ValueError):
    """A setting the service cannot use; the message is one line naming the setting and the bad part."""


@dataclass(frozen=True)
class Config:
    """Settings; ``Config.from_env()`` reads them from the environment, tests build one directly."""

    database_url: str = f"sqlite:///{DEFAULT_DATA_DIR / 'safeguarding.db'}"
    # Signs session cookies: required in any deployment; unset, the embedded SQLite database keeps a
    # random one beside it (service/signing_key.py).
    secret_key: str = ""
    testing: bool = False
    # Workers: without a Redis URL the service runs the timer sweep and mail delivery itself.
    redis_url: str | None = None
    # Mail: without an SMTP URL, mail is written to mail_dir as .eml files.
    smtp_url: str | None = None
    mail_dir: str = str(DEFAULT_DATA_DIR / "mail")
    mail_from: str = "safeguarding-service@localhost"
    base_url: str = "http://127.0.0.1:8000"
    # Where notifications for a role queue go, and the domain of people's own addresses.
    notify_dsl: str = "dsl@localhost"
    notify_manager: str = "managers@localhost"
    notify_head_of_service: str = "head-of-service@localhost"
    user_mail_domain: str = "localhost"
    # Who the letter telling a person their information was shared comes from, and who they can
    # contact about their data protection rights.
    organisation_name: str = "Northshire Safeguarding Partnership"
    data_protection_contact: str = "dpo@localhost"
    # The organisation's own phone number (its switchboard or safeguarding line), which a secure link's
    # email gives the recipient to check the email is genuine; empty: the email asks them to call the
    # organisation on a number they already know, never one taken from the email.
    organisation_phone: str = ""
    # Whether the organisation shares as a public body (a school, the NHS, a council, the police): a fact
    # of the organisation, not a question for each case; the lawful-basis tables read it.
    organisation_public_body: bool = True
    # The bearer token Prometheus sends for /metrics (which shows case and queue counts); unset, /metrics is off.
    metrics_token: str = ""
    # How often the sweep looks for due timers, in seconds.
    sweep_interval: float = 1.0
    # Session cookies only over HTTPS: on in any deployment (off for the embedded http://127.0.0.1).
    secure_cookies: bool = False
    # How many proxies in front of the service set X-Forwarded-For (0: clients connect directly);
    # sign-in throttling counts failures per client address, so it must see the real one.
    trusted_proxies: int = 0
    # Secure links: the master key file (created on first use only at this embedded default path),
    # how long a link stays usable, and the pause after each wrong code (times the failures so far).
    disclosure_keys_file: str = str(DEFAULT_DATA_DIR / "disclosure-keys")
    secure_link_hours: float = 72.0
    code_retry_seconds: float = 2.0
    # Office hours for deadlines in working hours and days (UK time), as "HH:MM-HH:MM".
    working_hours: str = "09:00-17:00"
    # School closures (deadlines in school days skip them, as well as weekends and bank holidays):
    # comma-separated dates and inclusive ranges, "2027-02-15..2027-02-19,2027-05-31".
    school_closures: str = DEFAULT_SCHOOL_CLOSURES

    @classmethod
    def from_env(cls) -> Config:
        """Build the configuration from environment variables (names are the field names upper-cased)."""
        defaults = cls()
        changes: dict[str, Any] = {
            name: os.environ.get(name.upper(), getattr(defaults, name)) for name in _TEXT_SETTINGS
        }
        changes.update({name: os.environ.get(name.upper()) or None for name in _OPTIONAL_SETTINGS})
        changes["sweep_interval"] = float(os.environ.get("SWEEP_INTERVAL", defaults.sweep_interval))
        changes["trusted_proxies"] = int(os.environ.get("TRUSTED_PROXIES", defaults.trusted_proxies))
        changes["secure_link_hours"] = float(os.environ.get("SECURE_LINK_HOURS", defaults.secure_link_hours))
        changes["code_retry_seconds"] = float(os.environ.get("CODE_RETRY_SECONDS", defaults.code_retry_seconds))
        changes["secure_cookies"] = os.environ.get("SECURE_COOKIES", "").lower() in ("1", "true", "yes")
        changes["organisation_public_body"] = os.environ.get("ORGANISATION_PUBLIC_BODY", "true").lower() not in (
            "0", "false", "no")
        config = replace(defaults, **changes)
        parse_closures(config.school_closures)  # a malformed SCHOOL_CLOSURES stops start-up here, in one line
        return config

    @property
    def secure_link_lifetime(self) -> timedelta:
        return timedelta(hours=self.secure_link_hours)

    @property
    def school_closure_dates(self) -> frozenset[date]:
        return parse_closures(self.school_closures)

    def notify_address(self, role: str) -> str | None:
        """The address a role's notifications go to (None for a role that gets none)."""
        return {"dsl": self.notify_dsl, "manager": self.notify_manager,
                "head_of_service": self.notify_head_of_service}.get(role)


# The built-in defaults, for a caller given no settings (a test, a benchmark); nothing here reads the environment.
DEFAULT_CONFIG = Config()

_TEXT_SETTINGS = ("database_url", "secret_key", "mail_dir", "mail_from", "base_url", "notify_dsl", "notify_manager",
                  "notify_head_of_service", "user_mail_domain", "organisation_name", "data_protection_contact",
                  "organisation_phone", "working_hours", "disclosure_keys_file", "school_closures", "metrics_token")
_OPTIONAL_SETTINGS = ("redis_url", "smtp_url")
# Every environment variable the configuration reads.
ENV_NAMES = tuple(name.upper() for name in (*_TEXT_SETTINGS, *_OPTIONAL_SETTINGS, "sweep_interval", "secure_cookies",
                                             "organisation_public_body",
                                             "secure_link_hours", "code_retry_seconds", "trusted_proxies"))


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CLOSURE_FORMAT = "use YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD"
# One closure longer than this is a typing mistake (2027 for 2072), not a holiday.
MAX_CLOSURE_DAYS = 366


def parse_closures(text: str, *, setting: str = "SCHOOL_CLOSURES") -> frozenset[date]:
    """The dates in a comma-separated list of dates and inclusive ranges ("2027-02-15..2027-02-19").

    Spaces around the parts are ignored, and so are empty parts; anything else that is not a date or
    a range is a SettingError with a one-line message naming the part and ``setting``."""
    days: set[date] = set()
    for raw in text.split(","):
        part = raw.strip()
        if not part:
            continue
        ends = [_closure_day(end.strip(), part, setting) for end in part.split("..")]
        if len(ends) > 2:
            raise SettingError(f"{setting}: {part!r} is not a date or a range ({_CLOSURE_FORMAT})")
        first, last = ends[0], ends[-1]
        if last < first:
            raise SettingError(f"{setting}: {part!r} ends before it starts ({_CLOSURE_FORMAT})")
        if (last - first).days >= MAX_CLOSURE_DAYS:
            raise SettingError(f"{setting}: {part!r} is longer than a year")
        days.update(first + timedelta(days=n) for n in range((last - first).days + 1))
    return frozenset(days)


def _closure_day(text: str, part: str, setting: str) -> date:
    try:
        if _ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    shown = text if text else part
    raise SettingError(f"{setting}: {shown!r} is not a date ({_CLOSURE_FORMAT})")
