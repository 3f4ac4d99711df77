"""Command line: `quoteboard` starts the app; `--smoke N` runs it headless-checkable for N seconds;
`quoteboard lists | export NAME | import FILE` script the watchlists (`desktop.app.cli_lists`);
`quoteboard token set|status|clear` manages the API token in the OS keyring (`desktop.app.cli_token`);
`quoteboard quote SYMBOL… --redis-url URL` prints the desk gateway's cached quotes.

The only place that sees argparse: the options become a frozen `AppConfig` (or a `ListCommand`,
a `TokenCommand`) here, once, and `desktop.app` takes it from there.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from pathlib import Path

from desktop import __version__
from desktop.app.config import (
    INGEST_MODES,
    LIST_FORMATS,
    MAX_INGEST_WORKERS,
    PLAN_NAMES,
    AppConfig,
    ConfigError,
    ListCommand,
)

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface (the token is never an argument: see `quoteboard --help`)."""
    parser = argparse.ArgumentParser(
        prog="quoteboard",
        description="Real-time US and Hong Kong quotes. With no API token it runs on a built-in "
        "market simulator. The token comes from the OS keyring or QUOTEBOARD_TOKEN, never from "
        "the command line.",
    )
    parser.add_argument("--version", action="version", version=f"Quote Board {__version__}")
    parser.add_argument(
        "--smoke",
        type=float,
        metavar="SECONDS",
        help="run the whole app headless for SECONDS (on the built-in simulator, or on what "
        "--feed-url or --replay give), then print a JSON summary as the last line of stdout and "
        "exit 0 only if every row got a price and nothing failed",
    )
    parser.add_argument(
        "--dump", type=Path, metavar="FILE", help="with --smoke: write the final table as CSV"
    )
    parser.add_argument("--data-dir", type=Path, metavar="DIR", help="where to keep app data")
    parser.add_argument(
        "--feed-url",
        metavar="URL",
        help="use the AllTick provider at this WebSocket URL "
        "(e.g. ws://127.0.0.1:9000/quote-stock-b-ws-api) instead of the built-in simulator",
    )
    parser.add_argument(
        "--gateway",
        metavar="URL",
        help="stream from the desk gateway's Redis for this run (redis://, rediss:// or "
        "redis+sentinel://; README: Desk gateway) instead of AllTick or the simulator",
    )
    parser.add_argument(
        "--plan",
        choices=PLAN_NAMES,
        default=None,
        help="your AllTick plan (limits connections and symbols); default basic, demo professional",
    )
    parser.add_argument("--seed", type=int, default=None, help="simulator seed (demo mode)")
    parser.add_argument(
        "--ingest",
        choices=INGEST_MODES,
        default=None,
        help="where the feed's sockets and decoding run: loop (default: on the GUI's event "
        "loop) or process (a worker process hands decoded ticks to the GUI in batches)",
    )
    parser.add_argument(
        "--ingest-workers",
        type=int,
        default=None,
        metavar="N",
        help=f"spread the feed's connections over N worker processes (1-{MAX_INGEST_WORKERS}; "
        "connection i in worker i mod N); implies --ingest process",
    )
    parser.add_argument(
        "--log-level", default="WARNING", help="DEBUG, INFO, WARNING (default), ERROR"
    )
    # -- recording and replay ----------------------------------------------------------------
    parser.add_argument(
        "--record",
        action="store_true",
        help="record every tick and book into <data-dir>/ticks.db for this run (with --smoke "
        "the JSON line gains `recorded`, which must equal `ticks`)",
    )
    parser.add_argument(
        "--replay",
        type=Path,
        metavar="DATABASE",
        help="show a recorded session (a ticks.db) instead of the live feed",
    )
    parser.add_argument(
        "--speed", type=float, default=1.0, help="with --replay: this many times faster"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    data_dir = argparse.ArgumentParser(add_help=False)  # `--data-dir` also after the command
    data_dir.add_argument("--data-dir", type=Path, metavar="DIR", default=argparse.SUPPRESS)
    _add_list_commands(commands, data_dir)
    _add_status_command(commands, data_dir)
    _add_token_commands(commands, data_dir)
    _add_quote_command(commands)
    return parser


def _add_quote_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`quoteboard quote SYMBOL… --redis-url URL [--json]`: the desk gateway's cache, no window."""
    quote = commands.add_parser(
        "quote",
        help="print the latest values of symbols from the desk gateway's Redis cache",
        description="Read the desk gateway's latest-value cache (README: Desk gateway). Fast: "
        "no window, no provider connection.",
    )
    quote.add_argument("symbols", nargs="+", metavar="SYMBOL", help="e.g. AAPL.US 00700.HK")
    quote.add_argument("--redis-url", required=True, metavar="URL", help="the gateway's Redis")
    quote.add_argument("--json", action="store_true", help="print a JSON array instead of a table")


def _add_token_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], data_dir: argparse.ArgumentParser
) -> None:
    """`quoteboard token set|status|clear` (the token itself is read from stdin, never argv)."""
    token = commands.add_parser(
        "token",
        parents=[data_dir],
        help="store, check or remove the API token in the OS keyring",
        description="Manage the AllTick API token in the OS keyring. QUOTEBOARD_TOKEN in the "
        "environment overrides the keyring for one run.",
    )
    actions = token.add_subparsers(dest="token_action", metavar="ACTION", required=True)
    setter = actions.add_parser(
        "set",
        parents=[data_dir],
        help="read the token from standard input (a hidden prompt, or a pipe) and store it",
    )
    setter.add_argument("stray", nargs="*", help=argparse.SUPPRESS)
    actions.add_parser(
        "status",
        parents=[data_dir],
        help="say whether a token is stored, and where (never the token)",
    )
    actions.add_parser("clear", parents=[data_dir], help="remove the stored token")


def _add_status_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], data_dir: argparse.ArgumentParser
) -> None:
    """`status`: what really streams, per connection (sent, accepted, ticking)."""
    status = commands.add_parser(
        "status",
        parents=[data_dir],
        help="subscribe the watchlists and print per connection the codes sent, accepted and "
        "actually ticking, the plan's limits and the depth levels received",
    )
    status.add_argument("--feed-url", metavar="URL", help="the provider (default: the simulator)")
    status.add_argument("--plan", choices=PLAN_NAMES, help="the plan's limits (professional)")
    status.add_argument("--seconds", type=float, default=10.0, help="how long to watch (10)")


def _add_list_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], data_dir: argparse.ArgumentParser
) -> None:
    """`lists`, `export`, `import`: scripts edit watchlists, also while the app runs."""
    commands.add_parser("lists", parents=[data_dir], help="print each watchlist: NAME<TAB>COUNT")
    export = commands.add_parser("export", parents=[data_dir], help="print a watchlist")
    export.add_argument("name", metavar="NAME")
    export.add_argument("--format", choices=LIST_FORMATS, default="csv")
    imp = commands.add_parser(
        "import", parents=[data_dir], help="add a CSV or text file's symbols to a watchlist"
    )
    imp.add_argument("file", metavar="FILE", help="a .csv or text file, or - for stdin")
    imp.add_argument("--into", metavar="NAME", help="the watchlist (default: the file's name)")
    imp.add_argument("--format", choices=LIST_FORMATS, help="default: from the file name")


def _list_command(args: argparse.Namespace) -> ListCommand:
    return ListCommand(
        action=args.command,
        data_dir=args.data_dir,
        name=getattr(args, "name", ""),
        file=getattr(args, "file", ""),
        into=getattr(args, "into", None),
        format=ListCommand.format_named(getattr(args, "format", None)),
    )


def _app_config(args: argparse.Namespace) -> AppConfig:
    return AppConfig(
        data_dir=args.data_dir,
        smoke=args.smoke,
        dump=args.dump,
        feed_url=args.feed_url,
        gateway=args.gateway,
        plan=AppConfig.plan_named(args.plan),
        seed=args.seed,
        log_level=args.log_level,
        record=args.record,
        replay=args.replay,
        speed=args.speed,
        ingest=AppConfig.ingest_named(args.ingest, args.ingest_workers),
        ingest_workers=1 if args.ingest_workers is None else args.ingest_workers,
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `quoteboard` console script."""
    multiprocessing.freeze_support()  # a frozen build starts its ingest worker through this
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "token":
        from desktop.app.cli_token import STRAY_ARGUMENT, run_token_command

        if getattr(args, "stray", None):
            parser.error(STRAY_ARGUMENT)
        return run_token_command(args.token_action)  # the keyring: --data-dir changes nothing
    if args.command == "quote":
        from desktop.gateway.quote_cli import run_quote

        return run_quote(args.symbols, args.redis_url, args.json)
    if args.command == "status":
        from desktop.app.cli_status import cli_status

        plan = AppConfig.plan_named(args.plan)
        return cli_status(args.data_dir, args.feed_url, plan, args.seconds)
    if args.command is not None:
        from desktop.app.cli_lists import run_list_command

        return run_list_command(_list_command(args))
    try:
        config = _app_config(args)
    except ConfigError as exc:
        parser.error(str(exc))
    from desktop.app.preload import import_before_qt

    import_before_qt()  # before `desktop.app.board` loads Qt: see the module
    from desktop.app.board import run

    return run(config)


if __name__ == "__main__":
    sys.exit(main())
