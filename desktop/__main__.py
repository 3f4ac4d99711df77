"""Command line: `quoteboard` starts the app; `--smoke N` runs it headless-checkable for N seconds;
`quoteboard lists | export NAME | import FILE` script the watchlists (see `desktop.persistence.list_io`);
`quoteboard token set|status|clear` manages the API token in the OS keyring;
`quoteboard quote SYMBOL… --redis-url URL` prints the desk gateway's cached quotes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop import __version__

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
        help="run the whole app on the built-in simulator for SECONDS, then print a JSON summary "
        "as the last line of stdout and exit 0 only if every row got a price and nothing failed",
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
        "--plan",
        choices=["free", "basic", "premium", "professional"],
        default=None,
        help="your AllTick plan (limits connections and symbols); default basic, demo professional",
    )
    parser.add_argument("--seed", type=int, default=None, help="simulator seed (demo mode)")
    parser.add_argument(
        "--log-level", default="WARNING", help="DEBUG, INFO, WARNING (default), ERROR"
    )
    # -- recording and replay (issue 10) ----------------------------------------------------
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
    _add_list_commands(commands)
    _add_token_commands(commands)
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


def _add_token_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`quoteboard token set|status|clear` (the token itself is read from stdin, never argv)."""
    token = commands.add_parser(
        "token",
        help="store, check or remove the API token in the OS keyring",
        description="Manage the AllTick API token in the OS keyring. QUOTEBOARD_TOKEN in the "
        "environment overrides the keyring for one run.",
    )
    actions = token.add_subparsers(dest="token_action", metavar="ACTION", required=True)
    setter = actions.add_parser(
        "set",
        help="read the token from standard input (a hidden prompt, or a pipe) and store it",
    )
    setter.add_argument("stray", nargs="*", help=argparse.SUPPRESS)
    actions.add_parser("status", help="say whether a token is stored, and where (never the token)")
    actions.add_parser("clear", help="remove the stored token")


def _run_token_command(args: argparse.Namespace) -> int:
    if getattr(args, "stray", None):
        # Not echoed back: the argument may be the token itself.
        build_parser().error(
            "`quoteboard token set` takes no arguments: it reads the token from standard "
            "input, so it never lands in shell history or the process list. Run it and paste "
            'the token, or pipe it in: printf %s "$TOKEN" | quoteboard token set'
        )
    from desktop.persistence.token_cli import run_token_command

    return run_token_command(args.token_action)


def _add_list_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`lists`, `export`, `import`: scripts edit watchlists, also while the app runs."""
    data_dir = argparse.ArgumentParser(add_help=False)  # `--data-dir` also after the command
    data_dir.add_argument("--data-dir", type=Path, metavar="DIR", default=argparse.SUPPRESS)
    commands.add_parser("lists", parents=[data_dir], help="print each watchlist: NAME<TAB>COUNT")
    export = commands.add_parser("export", parents=[data_dir], help="print a watchlist")
    export.add_argument("name", metavar="NAME")
    export.add_argument("--format", choices=["csv", "txt"], default="csv")
    imp = commands.add_parser(
        "import", parents=[data_dir], help="add a CSV or text file's symbols to a watchlist"
    )
    imp.add_argument("file", metavar="FILE", help="a .csv or text file, or - for stdin")
    imp.add_argument("--into", metavar="NAME", help="the watchlist (default: the file's name)")
    imp.add_argument("--format", choices=["csv", "txt"], help="default: from the file name")


def _run_list_command(args: argparse.Namespace) -> int:
    from desktop.domain.list_text import ListFormat
    from desktop.domain.symbol_universe import SymbolUniverse
    from desktop.persistence import list_io
    from desktop.widgets.resources import resource_path

    fmt = ListFormat(args.format) if getattr(args, "format", None) else None
    if args.command == "lists":
        return list_io.cli_lists(args.data_dir)
    if args.command == "export":
        files = [resource_path("symbols", name) for name in ("us.csv", "hk.csv")]
        names = SymbolUniverse.from_files(files).name_of
        return list_io.cli_export(args.data_dir, args.name, fmt or ListFormat.CSV, names)
    return list_io.cli_import(args.data_dir, args.file, args.into, fmt)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `quoteboard` console script."""
    args = build_parser().parse_args(argv)
    if args.command == "token":
        return _run_token_command(args)
    if args.command == "quote":
        from desktop.gateway.quote_cli import run_quote

        return run_quote(args.symbols, args.redis_url, args.json)
    if args.command is not None:
        return _run_list_command(args)
    if args.dump and args.smoke is None:
        build_parser().error("--dump only works with --smoke")
    if args.replay is not None and args.record:
        build_parser().error("--record and --replay together would record the replay")
    if not 0 < args.speed <= 10_000:
        build_parser().error("--speed must be a number between 0 and 10000")
    from desktop.app import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
