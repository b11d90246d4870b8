"""dost-fieldbot command line: run | console | migrate | admin … | report | export | demo.

Only wiring lives here: parse the command line, load the config once, call into app/ (the composition root).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from app import cli
from bot.config import ConfigError, load_config
from bot.logs import setup_logging


def build_parser() -> argparse.ArgumentParser:
    parser = cli.HouseParser(prog="main.py", description=__doc__.splitlines()[0])
    parser.add_argument("--config", help="path to config.toml (default: $FIELDBOT_CONFIG or ./config.toml)")
    parser.add_argument("--env-file", metavar="FILE",
                        help="read the environment from this file first, as systemd's EnvironmentFile= does "
                             "(deploy/fieldbot passes /etc/dost-fieldbot/env)")
    parser.add_argument("--log-level", default="INFO", type=str.upper,
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="default: INFO")
    sub = parser.add_subparsers(dest="command")
    cli.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.env_file:
            os.environ.update(cli.read_env_file(args.env_file))
    except cli.CliError as error:
        print(error, file=sys.stderr)
        return error.status
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(cli.texts.cli.CONFIG_ERROR.format(error=exc), file=sys.stderr)
        return 2
    setup_logging(args.log_level, secrets=cli.secrets_of(config), json_lines=config.general.log_format == "json")
    try:
        return asyncio.run(cli.dispatch(args, config)) or 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
