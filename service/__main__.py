"""Command line: `python -m service migrate | seed-demo | serve | new-disclosure-key | rewrap-disclosure-keys |
revision MESSAGE`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from dataclasses import replace

from service.config import Config


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m service", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or upgrade the database schema")
    commands.add_parser("seed-demo", help="create the demo accounts listed in the README (local use only)")
    commands.add_parser("new-disclosure-key", help="print a new master key line for the disclosure key file")
    commands.add_parser("rewrap-disclosure-keys",
                        help="after putting a new key first in the key file: re-wrap every package key and "
                             "seal every stored value again under it")
    revision = commands.add_parser("revision", help="generate a migration from the models' changes")
    revision.add_argument("message")
    serve = commands.add_parser("serve", help="serve the web application")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    config = Config.from_env()
    from service.sealing import use_key_file

    use_key_file(config.disclosure_keys_file)  # a value a command seals, it seals with the configured keys
    if args.command == "migrate":
        from service.migrate import upgrade

        upgrade(config.database_url)
        published = _publish_bundled_process(config.database_url)
        print(f"database ready: {config.database_url}" + (f"; published {published}" if published else ""))
        return 0
    if args.command == "seed-demo":
        return _seed_demo(config.database_url)
    if args.command == "new-disclosure-key":
        from service.disclosures.keys import new_key_line

        print(new_key_line())
        return 0
    if args.command == "rewrap-disclosure-keys":
        return _rewrap_disclosure_keys(config)
    if args.command == "revision":
        from alembic import command

        from service.migrate import alembic_config

        command.revision(alembic_config(config.database_url), message=args.message, autogenerate=True)
        return 0
    if args.command == "serve":
        from service.app import create_app
        from service.logs import configure_logging

        configure_logging()
        config = serving_config(config, args.host, args.port)
        app = create_app(config)
        if not config.redis_url:
            from service.sweeper import EmbeddedWorker

            # No Redis, no Celery: the service fires timers and delivers mail itself.
            EmbeddedWorker(app.extensions["db_session_factory"], config).start()
        app.run(host=args.host, port=args.port, debug=False)
        return 0
    return 2


def serving_config(config: Config, host: str, port: int, environ: Mapping[str, str] = os.environ) -> Config:
    """``config`` for serving on ``host``:``port``: unless BASE_URL is set, emailed links point where it is served."""
    if environ.get("BASE_URL"):
        return config
    # A wildcard address (every interface) is no place to send people: the link names this machine.
    shown = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host  # noqa: S104 - compared, not bound
    if ":" in shown:
        shown = f"[{shown}]"  # an IPv6 address
    return replace(config, base_url=f"http://{shown}:{port}")


def _rewrap_disclosure_keys(config: Config) -> int:
    from service.db import checkpoint_sqlite_wal, make_engine, make_session_factory
    from service.disclosures.keys import keyring_at
    from service.disclosures.service import rewrap_all
    from service.resealing import reseal_all

    keyring = keyring_at(config.disclosure_keys_file, default_path=Config.disclosure_keys_file)
    engine = make_engine(config.database_url)
    try:
        with make_session_factory(engine).begin() as session:
            count = rewrap_all(session=session, keyring=keyring)
            resealed = reseal_all(session=session, keyring=keyring)
        checkpoint_sqlite_wal(engine)  # the values under the old key leave SQLite's log too
    finally:
        engine.dispose()
    print(f"re-wrapped {count} package key(s) and sealed {resealed} stored value(s) again under master key "
          f"{keyring.current_id}")
    return 0


def _seed_demo(database_url: str) -> int:
    from datetime import UTC, datetime

    from service.accounts.demo import DEMO_PASSWORD, seed_demo_accounts
    from service.db import make_engine, make_session_factory

    engine = make_engine(database_url)
    try:
        with make_session_factory(engine).begin() as session:
            created = seed_demo_accounts(session=session, now=datetime.now(UTC))
    finally:
        engine.dispose()
    print(f"demo accounts ready (password {DEMO_PASSWORD}): " + (", ".join(created) or "already there"))
    return 0


def _publish_bundled_process(database_url: str) -> str | None:
    from datetime import UTC, datetime

    from service.db import make_engine, make_session_factory
    from service.processes.bundled import publish_bundled

    engine = make_engine(database_url)
    try:
        with make_session_factory(engine).begin() as session:
            version = publish_bundled(session=session, now=datetime.now(UTC))
            return f"{version.definition.key} version {version.number}" if version else None
    finally:
        engine.dispose()


def run(argv: list[str] | None = None) -> int:
    """``main`` with a missing or unusable master-key file reported in one line, not a traceback."""
    from service.config import SettingError
    from service.disclosures.keys import KeyUnavailable

    try:
        return main(argv)
    except KeyUnavailable as exc:
        print(f"error: {exc} (set DISCLOSURE_KEYS_FILE; see the README, 'Secure links')", file=sys.stderr)
        return 1
    except SettingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(run())
