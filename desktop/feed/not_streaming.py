"""Why a watched symbol is not streaming: over the plan, or refused by the server (600/604).

The server answers 600 ("code invalid") or 604 ("code unauthorized") for a whole subscribe
request, not per code (the simulator's `unknown_codes="reject"` does the same), so the culprits
are found by bisecting the request's codes over REST `/static_info`, which answers the same
codes the same way: a group that is refused is split until single codes remain. It costs about
k·log2(n) REST requests for k bad codes among n, paced by the plan's REST limit, and never
touches the streaming socket. A group the REST side accepts is cleared, so a code is only
marked when the server refused it on its own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from desktop.domain.symbols import Symbol
from desktop.feed.rest import AllTickRestClient
from desktop.protocol.alltick_rest import RestError
from desktop.protocol.alltick_wire import ErrorCode

__all__ = [
    "NOTE_PLAN_LIMIT",
    "REFUSING_CODES",
    "NotStreaming",
    "RejectedCodeFinder",
    "note_for_ret",
]

log = logging.getLogger(__name__)

NOTE_PLAN_LIMIT = "not streaming — plan limit"
REFUSING_CODES = (ErrorCode.CODE_INVALID, ErrorCode.CODE_UNAUTHORIZED)
_NOTES: dict[int, str] = {
    ErrorCode.CODE_INVALID: "not streaming — unknown code",
    ErrorCode.CODE_UNAUTHORIZED: "not streaming — not entitled",
}


def note_for_ret(ret: int) -> str:
    """The row note for a code the server refused with `ret`."""
    return _NOTES.get(ret, f"not streaming — refused ({ret})")


class RejectedCodeFinder:
    """Finds which of a refused request's codes the server rejects, by bisecting over REST."""

    def __init__(self, rest: AllTickRestClient, max_requests: int = 64) -> None:
        self.rest = rest
        self.max_requests = max_requests
        self.requests = 0

    async def find(self, symbols: Sequence[Symbol]) -> dict[Symbol, int]:
        """Symbol → the `ret` it is refused with; empty when no single code is to blame."""
        self.requests = 0
        found: dict[Symbol, int] = {}
        await self._probe(list(symbols), found)
        return found

    async def _probe(self, group: list[Symbol], found: dict[Symbol, int]) -> None:
        if not group or self.requests >= self.max_requests:
            return
        self.requests += 1
        try:
            await self.rest.static_info(group)
            return
        except RestError as exc:
            if exc.ret not in REFUSING_CODES:
                log.info("cannot check codes over REST: %s", exc)
                return
            ret = exc.ret
        if len(group) == 1:
            found[group[0]] = ret
            return
        middle = len(group) // 2
        await self._probe(group[:middle], found)
        await self._probe(group[middle:], found)


class NotStreaming:
    """Symbol → row note for everything the user watches but the feed cannot stream."""

    def __init__(self) -> None:
        self.over_limit: set[Symbol] = set()
        self.refused: dict[Symbol, int] = {}

    def set_over_limit(self, symbols: Iterable[Symbol]) -> None:
        """The symbols the plan has no room for (after this edit of the watchlist)."""
        self.over_limit = set(symbols)

    def refuse(self, refused: dict[Symbol, int]) -> None:
        """Codes the server refused (they stay refused until the watchlist drops them)."""
        self.refused.update(refused)

    def keep_only(self, wanted: Iterable[Symbol]) -> None:
        """Forget refusals of symbols no longer watched (re-adding one tries it again)."""
        keep = set(wanted)
        self.refused = {s: ret for s, ret in self.refused.items() if s in keep}

    def is_refused(self, symbol: Symbol) -> bool:
        """Whether the server refused this code."""
        return symbol in self.refused

    def notes(self) -> dict[str, str]:
        """Canonical symbol text → the sentence its row shows instead of a price."""
        notes = dict.fromkeys(self.over_limit, NOTE_PLAN_LIMIT)
        notes.update({symbol: note_for_ret(ret) for symbol, ret in self.refused.items()})
        return {str(symbol): note for symbol, note in notes.items()}
