"""Command line: `python -m service migrate | revision MESSAGE | serve`."""

from __future__ import annotations

import argparse
import sys

from service.config import Config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m service", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or upgrade the database schema")
    revision = commands.add_parser("revision", help="generate a migration from the models' changes")
    revision.add_argument("message")
    serve = commands.add_parser("serve", help="serve the web application")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    config = Config.from_env()

    if args.command == "migrate":
        from service.migrate import upgrade

        upgrade(config.database_url)
        print(f"database ready: {config.database_url}")
        return 0
    if args.command == "revision":
        from alembic import command

        from service.migrate import alembic_config

        command.revision(alembic_config(config.database_url), message=args.message, autogenerate=True)
        return 0
    if args.command == "serve":
        from service.app import create_app

        create_app(config).run(host=args.host, port=args.port, debug=False)
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
