"""Times what a trader sees during a fault: fault → every affected quote Stale, back → all Live.

The board's views all show the `TruthMonitor`'s verdicts (tests/widgets/test_truth_views.py
proves a dropped connection reaches every view at once), so judging the book every few
milliseconds with the same `TruthJudge` and the feed's own conditions measures what every view
shows, in real seconds.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import AlwaysOpen
from desktop.domain.truth import Truth, TruthJudge
from desktop.feed.service import FeedService

__all__ = ["TruthTimer"]


@dataclass
class TruthTimer:
    """Polls the verdicts of `symbols` every `every_s` seconds on the running loop."""

    book: QuoteBook
    feed: FeedService
    symbols: list[str]
    judge: TruthJudge = field(default_factory=lambda: TruthJudge(AlwaysOpen()))
    every_s: float = 0.005
    first_stale: dict[str, float] = field(default_factory=dict)
    live_again: dict[str, float] = field(default_factory=dict)
    """When each symbol that went Stale first read Live again."""
    last_not_live: float | None = None
    """Loop time of the latest judgement in which some symbol was not Live."""
    all_live_since: float | None = None
    first_not_live: str = ""
    """The first verdict that was not Live ("AAPL.US: Quiet (no trade for a while)"): why not."""
    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin polling (after the fault is injected)."""
        self._task = asyncio.get_running_loop().create_task(self._poll())

    async def stop(self) -> None:
        """Stop polling."""
        task = self._task
        if task is not None:
            if task.done() and not task.cancelled() and task.exception() is not None:
                raise RuntimeError("the truth timer stopped polling") from task.exception()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _poll(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            report = self.judge.judge(
                self.book,
                self.symbols,
                self.feed.clock(),
                time.time_ns() // 1_000_000,
                self.feed.truth_conditions(),
            )
            live = True
            for symbol, verdict in report.verdicts.items():
                if verdict.state is Truth.STALE:
                    self.first_stale.setdefault(symbol, now)
                if verdict.state is not Truth.LIVE:
                    live = False
                    if not self.first_not_live:
                        self.first_not_live = f"{symbol}: {verdict.state} ({verdict.detail})"
                elif symbol in self.first_stale:
                    self.live_again.setdefault(symbol, now)
            if live:
                if self.all_live_since is None:
                    self.all_live_since = now
            else:
                self.last_not_live, self.all_live_since = now, None
            await asyncio.sleep(self.every_s)

    def time_to_stale(self, t0: float) -> float | None:
        """Seconds from `t0` until every symbol that went Stale was Stale (None: none did)."""
        if not self.first_stale:
            return None
        return max(self.first_stale.values()) - t0

    def went_stale_at(self) -> float | None:
        """When the first symbol went Stale (the app knew of the outage)."""
        return min(self.first_stale.values()) if self.first_stale else None

    def time_to_first_live(self, back_at: float) -> float | None:
        """Seconds from `back_at` until the first symbol that went Stale read Live again."""
        if not self.live_again:
            return None
        return max(0.0, min(self.live_again.values()) - back_at)

    def stayed_live(self) -> bool:
        """Every symbol read Live in every judgement since `start`."""
        return self.last_not_live is None

    def time_to_live(self, back_at: float) -> float | None:
        """Seconds from `back_at` (the server answering again) until every symbol was Live."""
        if self.all_live_since is None:
            return None
        return max(0.0, self.all_live_since - back_at)
