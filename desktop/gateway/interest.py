"""Which boards the gateway serves and what it streams for them: the union of their interest.

Boards write `qb:interest:<board>` with an expiry and refresh it; a board that dies stops
refreshing, its key expires, and its symbols stop costing subscriptions. Every `poll_s` the
gateway reads all interest keys, admits boards in order of arrival up to `max_boards`, asks the
feed for the union (earlier boards' symbols first, so a late board cannot push an earlier board's
symbols over the plan) and answers each board in `qb:board:<board>` with why any of its symbols
is not streaming. Arrivals, changes, departures and refusals go to the audit log.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Sequence
from typing import Any, Protocol

from redis.asyncio import Redis

from desktop.domain.symbols import Symbol, SymbolError
from desktop.gateway.audit import AuditLog
from desktop.protocol.gateway_wire import BoardAdmission, BoardInterest, GatewayCodec, GatewayKeys

__all__ = ["GatewayInterest", "InterestTarget"]

log = logging.getLogger(__name__)


class InterestTarget(Protocol):
    """The part of `FeedService` the gateway drives."""

    def set_symbols(
        self,
        trades: Sequence[Symbol],
        depth: Sequence[Symbol] = (),
        full_depth: Collection[Symbol] | None = None,
    ) -> None:
        """The full desired sets."""

    def notes(self) -> dict[str, str]:
        """Symbol → why it is not streaming."""

    @property
    def over_limit_depth(self) -> set[str]:
        """Symbols whose depth the plan cannot stream."""


class GatewayInterest:
    """Reads every board's interest, streams the union, answers each board, audits."""

    def __init__(
        self,
        redis: Redis,
        feed: InterestTarget,
        audit: AuditLog,
        *,
        keys: GatewayKeys | None = None,
        max_boards: int = 10,
        answer_ttl_s: float = 30.0,
        forget_after_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.redis = redis
        self.feed = feed
        self.audit = audit
        self.keys = keys or GatewayKeys()
        self.max_boards = max_boards
        self.answer_ttl_s = answer_ttl_s
        self.forget_after_s = forget_after_s
        """A board's interest must be missing this long before its symbols are dropped: a Redis
        that restarted empty does not unsubscribe everything while the boards re-register."""
        self.clock = clock
        self._missing_since: dict[str, float] = {}
        self.codec = GatewayCodec()
        self.boards: dict[str, BoardInterest] = {}
        """Admitted boards in order of arrival."""
        self.refused: set[str] = set()
        self._union: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...] | None] | None = None

    @property
    def symbols(self) -> int:
        """How many symbols the union asks for."""
        return 0 if self._union is None else len(self._union[0])

    async def poll(self) -> None:
        """One round: read interests, update the feed's sets, answer every board."""
        found = await self._read_interests()
        self._admit(found)
        self._apply_union()
        await self._answer(found)

    async def _read_interests(self) -> dict[str, BoardInterest]:
        keys = [
            key async for key in self.redis.scan_iter(match=self.keys.interest_pattern, count=500)
        ]
        if not keys:
            return {}
        values: list[Any] = await self.redis.mget(keys)
        found: dict[str, BoardInterest] = {}
        for raw in values:
            interest = self.codec.interest(raw)
            if interest is not None:
                found[interest.board] = interest
        return found

    def _admit(self, found: dict[str, BoardInterest]) -> None:
        now = self.clock()
        for board in list(self._missing_since):
            if board in found or board not in self.boards:
                del self._missing_since[board]
        for board in [b for b in self.boards if b not in found]:
            since = self._missing_since.setdefault(board, now)
            if now - since < self.forget_after_s:
                continue
            del self._missing_since[board]
            gone = self.boards.pop(board)
            self.audit.write(
                "left", board, user=gone.user, host=gone.host, removed=list(gone.trades)
            )
        self.refused &= set(found)
        arrivals = sorted(found.items(), key=lambda item: (item[1].since_ms, item[0]))
        for board, interest in arrivals:
            known = self.boards.get(board)
            if known is None and len(self.boards) >= self.max_boards:
                self._refuse(board, interest)
                continue
            if known is not None:
                if known.trades != interest.trades or known.depth != interest.depth:
                    old, new = set(known.trades), set(interest.trades)
                    self.audit.write(
                        "changed",
                        board,
                        user=interest.user,
                        host=interest.host,
                        added=[s for s in interest.trades if s not in old],
                        removed=[s for s in known.trades if s not in new],
                        watching=len(interest.trades),
                    )
                self.boards[board] = interest
            else:
                self.boards[board] = interest
                self.refused.discard(board)
                self.audit.write(
                    "joined",
                    board,
                    user=interest.user,
                    host=interest.host,
                    added=list(interest.trades),
                    watching=len(interest.trades),
                )

    def _refuse(self, board: str, interest: BoardInterest) -> None:
        if board not in self.refused:
            self.refused.add(board)
            self.audit.write(
                "refused",
                board,
                user=interest.user,
                host=interest.host,
                reason=self._cap_sentence(),
            )

    def _cap_sentence(self) -> str:
        return f"the desk gateway serves at most {self.max_boards} boards"

    def _apply_union(self) -> None:
        trades: dict[str, None] = {}
        depth: dict[str, None] = {}
        full: dict[str, None] | None = {}
        for interest in self.boards.values():
            trades.update(dict.fromkeys(interest.trades))
            depth.update(dict.fromkeys(interest.depth))
            if interest.full_depth is None:
                full = None
            elif full is not None:
                full.update(dict.fromkeys(interest.full_depth))
        union = (tuple(trades), tuple(depth), None if full is None else tuple(full))
        if union == self._union:
            return
        self._union = union
        self.feed.set_symbols(
            _symbols(union[0]),
            _symbols(union[1]),
            None if union[2] is None else set(_symbols(union[2])),
        )

    async def _answer(self, found: dict[str, BoardInterest]) -> None:
        if not found:
            return
        notes = self.feed.notes()
        blocked = self.feed.over_limit_depth
        ttl_ms = int(self.answer_ttl_s * 1000)
        pipe = self.redis.pipeline(transaction=False)
        for board, interest in found.items():
            if board in self.boards:
                answer = BoardAdmission(
                    True,
                    notes={s: notes[s] for s in interest.trades if s in notes},
                    depth_blocked=[s for s in interest.depth if s in blocked],
                )
            else:
                answer = BoardAdmission(False, reason=self._cap_sentence())
            pipe.set(self.keys.board(board), self.codec.encode(answer), px=ttl_ms)
        await pipe.execute()


def _symbols(texts: Sequence[str]) -> list[Symbol]:
    out = []
    for text in texts:
        try:
            out.append(Symbol.parse(text))
        except SymbolError:
            log.info("gateway: ignoring a board's unreadable symbol %r", text)
    return out
