"""The desk gateway: one upstream feed (the board's own `FeedService`) published into Redis.

Holds the provider connections with the board's feed machinery (plans, pacing, reconnects, refused
codes, health), publishes every accepted event (`GatewayPublisher`), streams the union of the
boards' interest (`GatewayInterest`), keeps their history bars (`GatewayBarKeeper`) and a heartbeat
with a short TTL so boards can tell within ~2 s that it is gone. No Qt anywhere (an import-linter
contract).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from redis.asyncio import Redis
from redis.exceptions import RedisError

from desktop.aio.task_set import TaskSet
from desktop.domain.feed_status import FeedStatus
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import AlwaysOpen, SessionSource, load_exchange_sessions
from desktop.feed.service import FeedService
from desktop.feed.timing import ConnectionSettings
from desktop.gateway.audit import AuditLog
from desktop.gateway.bar_keeper import GatewayBarKeeper
from desktop.gateway.interest import GatewayInterest
from desktop.gateway.publisher import GatewayPublisher
from desktop.protocol.gateway_wire import GatewayBeat, GatewayCodec, GatewayKeys
from desktop.protocol.plans import PLANS, Plan

__all__ = ["GatewayConfig", "GatewayService"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    """How the gateway runs; tests shrink the timings instead of sleeping."""

    plan: Plan = Plan.PROFESSIONAL
    demo: bool = True
    max_boards: int = 10
    audit_path: Path | None = None
    maxlen: int = 10_000
    """Entries kept per stream (one entry per flush, ~5 ms of events)."""
    beat_ttl_s: float = 1.5
    """The heartbeat expires this long after the last refresh: boards say "Gateway down"."""
    beat_every_s: float = 0.4
    poll_s: float = 0.25
    """How often boards' interest is read."""
    answer_ttl_s: float = 30.0
    forget_after_s: float = 5.0
    """A board's symbols are dropped once its interest has been gone this long."""
    flush_s: float = 0.005
    hash_every_s: float = 0.1
    """A symbol's latest-value hash is rewritten at most this often (the streams carry the rest)."""
    bars_refresh_s: float = 180.0
    """Kept bars are fetched again this often (within the plan's REST pacing)."""
    bars_ttl_s: float = 900.0
    """Kept bars expire this long after their last fetch (a stopped gateway leaves none stale)."""
    keys: GatewayKeys = field(default_factory=GatewayKeys)
    connection: ConnectionSettings | None = None


class GatewayService:
    """Runs the upstream feed, the publisher, the interest poll and the heartbeat."""

    def __init__(self, redis: Redis, ws_url: str, token: str, config: GatewayConfig) -> None:
        self.redis = redis
        self.config = config
        self.run_id = f"{os.getpid():x}-{secrets.token_hex(4)}"
        self.book = QuoteBook()
        self.keys = config.keys
        self.publisher = GatewayPublisher(
            redis,
            self.book,
            self.run_id,
            keys=self.keys,
            maxlen=config.maxlen,
            flush_s=config.flush_s,
            hash_every_s=config.hash_every_s,
        )
        profile = PLANS[config.plan]
        self.feed = FeedService(
            self.book,
            ws_url,
            token,
            profile,
            demo=config.demo,
            settings=config.connection,
            sessions=AlwaysOpen() if config.demo else None,
            tap=self.publisher.offer,
            on_rest_book=self.publisher.offer_rest_book,
            on_status=self._on_status,
        )
        self.interest = GatewayInterest(
            redis,
            self.feed,
            AuditLog(config.audit_path),
            keys=self.keys,
            max_boards=config.max_boards,
            answer_ttl_s=config.answer_ttl_s,
            forget_after_s=config.forget_after_s,
        )
        self.bars = GatewayBarKeeper(
            redis,
            self.feed.rest,
            lambda: self.interest.boards.values(),
            keys=self.keys,
            refresh_s=config.bars_refresh_s,
            ttl_s=config.bars_ttl_s,
        )
        self.codec = GatewayCodec()
        self._tasks = TaskSet("gateway")
        self._redis_ok = True
        self._running = False

    def _on_status(self, status: FeedStatus) -> None:
        log.info("upstream feed: %s", status.text)

    async def start(self) -> None:
        """Connect upstream and start publishing, answering boards and beating."""
        self._running = True
        await self.feed.start()
        self._tasks.spawn(self.publisher.run_forever(), name="gateway-publisher")
        self._tasks.spawn(self._heartbeat(), name="gateway-heartbeat")
        self._tasks.spawn(self._poll_interest(), name="gateway-interest")
        self._tasks.spawn(self.bars.run_forever(), name="gateway-bars")
        if not self.config.demo:
            self._tasks.spawn(self._load_sessions(), name="gateway-sessions")
        log.info(
            "gateway %s: plan %s, at most %d boards",
            self.run_id,
            self.feed.profile.label,
            self.config.max_boards,
        )

    async def stop(self) -> None:
        """Stop beating (boards see "Gateway down" at once) and close the upstream feed."""
        self._running = False
        self.publisher.stop()
        self.bars.stop()
        await self._tasks.close()
        try:
            await self.redis.delete(self.keys.heartbeat)
        except (RedisError, OSError):
            pass
        await self.feed.stop()

    async def _load_sessions(self) -> None:
        sessions: SessionSource = await asyncio.to_thread(
            load_exchange_sessions, time.time_ns() // 1_000_000
        )
        self.feed.set_sessions(sessions)

    def beat(self) -> GatewayBeat:
        """The heartbeat record for now."""
        status = self.feed.status
        return GatewayBeat(
            self.run_id,
            time.time_ns() // 1_000_000,
            status.state.value,
            status.text,
            self.feed.profile.plan.value,
            self.config.demo,
            boards=len(self.interest.boards),
            symbols=self.interest.symbols,
            max_boards=self.config.max_boards,
        )

    async def _heartbeat(self) -> None:
        ttl_ms = int(self.config.beat_ttl_s * 1000)
        while self._running:  # not only cancellation: redis-py may swallow a cancel
            try:
                pipe = self.redis.pipeline(transaction=False)
                pipe.set(self.keys.heartbeat, self.codec.encode(self.beat()), px=ttl_ms)
                pipe.set(self.keys.cache_epoch, self.run_id, nx=True)
                _, fresh = await pipe.execute()
                if fresh:  # a new (or emptied) Redis: every hash is written again
                    log.info("gateway: Redis holds no cache of ours; republishing every symbol")
                    self.publisher.republish_all()
                self._redis_state(True, None)
            except (RedisError, OSError) as exc:
                self._redis_state(False, exc)
            await asyncio.sleep(self.config.beat_every_s)

    async def _poll_interest(self) -> None:
        while self._running:  # not only cancellation: redis-py may swallow a cancel
            try:
                await self.interest.poll()
            except (RedisError, OSError) as exc:
                self._redis_state(False, exc)
            await asyncio.sleep(self.config.poll_s)

    def _redis_state(self, ok: bool, exc: BaseException | None) -> None:
        if ok != self._redis_ok:
            self._redis_ok = ok
            if ok:
                log.info("gateway: Redis answers again")
            else:
                log.warning("gateway: Redis unreachable (%s)", exc)
