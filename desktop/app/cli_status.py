"""`quoteboard status`: connect as the board would, then say what really streams.

It subscribes the watchlists' symbols on the configured feed (QUOTEBOARD_TOKEN or the keyring
with `--feed-url`, else the built-in simulator), waits `--seconds`, and prints per connection the
codes sent, accepted and actually ticking, the plan's limits and the depth levels received per
market. A server drops codes beyond the plan silently (reference §1.5): only ticks tell.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TextIO

from desktop.app.database import seeded_watchlists
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import AlwaysOpen
from desktop.domain.symbols import Symbol, SymbolError
from desktop.feed.service import FeedService
from desktop.persistence.credentials import load_token
from desktop.persistence.database import Database, DatabaseTooNew
from desktop.persistence.paths import DB_FILENAME, resolve_data_dir
from desktop.protocol.plans import PLANS, Plan
from desktop.simulator.config import SimulatorConfig
from desktop.simulator.embedded import EmbeddedSimulator

__all__ = ["cli_status"]


def _symbols(data_dir: Path | None, err: TextIO) -> list[Symbol] | None:
    try:
        db = Database(resolve_data_dir(data_dir) / DB_FILENAME)
    except (DatabaseTooNew, OSError) as exc:
        print(f"quoteboard: {exc}", file=err)
        return None
    try:
        codes = seeded_watchlists(db).all_symbols()
    finally:
        db.close()
    symbols: list[Symbol] = []
    for code in codes:
        try:
            symbols.append(Symbol.parse(code))
        except SymbolError:
            continue
    return symbols


async def _measure(
    url: str, token: str, plan: Plan, symbols: list[Symbol], seconds: float
) -> list[str]:
    book = QuoteBook()
    service = FeedService(book, url, token, PLANS[plan], sessions=AlwaysOpen())
    service.set_symbols(symbols, symbols)
    await service.start()
    try:
        await asyncio.sleep(seconds)
        return service.subscription_report().lines()
    finally:
        await service.stop()


def cli_status(
    data_dir: Path | None,
    feed_url: str | None,
    plan: Plan | None,
    seconds: float,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run the check and print the report; 1 when the lists cannot be read or the feed is unset."""
    out, err = out or sys.stdout, err or sys.stderr
    symbols = _symbols(data_dir, err)
    if symbols is None:
        return 1
    simulator: EmbeddedSimulator | None = None
    if feed_url is None:
        simulator = EmbeddedSimulator(SimulatorConfig(synthesise_unknown=True))
        endpoints = simulator.start()
        url, token, source = endpoints.ws_url, endpoints.token, "the built-in simulator (demo)"
    else:
        lookup = load_token()
        if lookup.token is None:
            print("quoteboard: --feed-url needs an API token (quoteboard token set)", file=err)
            return 1
        url, token, source = feed_url, lookup.token, "the provider"
    chosen = plan or Plan.PROFESSIONAL
    try:
        print(f"Checking {len(symbols)} symbols on {source} for {seconds:g} s…", file=out)
        for line in asyncio.run(_measure(url, token, chosen, symbols, seconds)):
            print(line, file=out)
    finally:
        if simulator is not None:
            simulator.stop()
    return 0
