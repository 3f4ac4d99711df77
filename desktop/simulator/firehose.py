"""A simulator that pushes trades at benchmark rates (up to ~10^5/s) from one Python process.

`SimulatorServer` prints every trade through `SimulatedMarket.step` (≈ 90 µs each) and one
`ws.send` per frame, which tops out near 10k trades/s. `FirehoseServer` keeps the handshake,
subscriptions, heartbeats, REST and depth pushes of the real server, but serves trades from a
ring of pre-encoded WebSocket frames generated once per subscription. Each write joins a slice of
the ring around one patched field, so a batch costs a `bytes.join`, not Python work per frame:

    {"cmd_id":22998,"data":{"code":…,"price":…,…,"tick_time":"<13 digits>","seq":"<6><7>"}}
                                                               └── patched per batch ──┘

The patch stamps `tick_time` (wall-clock ms at the write, so clients measure latency) and the
first six digits of `seq` (how many times the ring wrapped); the last seven digits are the
frame's position in the ring, so every symbol's `seq` strictly increases forever.
"""

from __future__ import annotations

import asyncio
import random
import struct
from dataclasses import dataclass
from decimal import Decimal

from websockets.protocol import State

from desktop.domain.symbols import Market, Symbol
from desktop.protocol.alltick_wire import Cmd
from desktop.simulator.config import SimulatorConfig
from desktop.simulator.connections import ConnectionRecord
from desktop.simulator.market import tick_down, tick_up
from desktop.simulator.server import SimulatorServer

__all__ = ["FirehoseServer", "TradeRing", "build_trade_ring"]

_TEXT_FIN = 0x81  # FIN + text opcode; server frames are never masked (RFC 6455 §5.1)
_POS_DIGITS = 7
_EPOCH_DIGITS = 6
_TAIL = b'"}}'
_WRITE_BUFFER_LIMIT = 32 * 2**20
"""Past this many unsent bytes for one client, batches are skipped and counted as throttled."""


def _ws_header(length: int) -> bytes:
    if length < 126:
        return bytes((_TEXT_FIN, length))
    if length < 1 << 16:
        return struct.pack("!BBH", _TEXT_FIN, 126, length)
    return struct.pack("!BBQ", _TEXT_FIN, 127, length)


def _patch(tick_time_ms: int, epoch: int) -> bytes:
    """The per-batch bytes between a frame's `"tick_time":"` and the seq's ring position."""
    return f'{tick_time_ms:013d}","seq":"{epoch % 10**_EPOCH_DIGITS:0{_EPOCH_DIGITS}d}'.encode()


_PATCH_LEN = len(_patch(0, 0))


@dataclass(frozen=True, slots=True)
class TradeRing:
    """Pre-encoded trade frames, cut around the patched field (see the module docstring).

    Frame i is `heads[i] + patch + tails[i]`; `joints[i]` is `tails[i - 1] + heads[i]`, so frames
    i..j-1 are `patch.join([heads[i], *joints[i + 1 : j], tails[j - 1]])`.
    """

    symbols: frozenset[Symbol]
    heads: list[bytes]
    joints: list[bytes]
    tails: list[bytes]

    def __len__(self) -> int:
        return len(self.heads)

    def frames(self, start: int, stop: int, tick_time_ms: int, epoch: int) -> bytes:
        """WebSocket frames start..stop-1 (0 ≤ start < stop ≤ len), stamped, as one buffer."""
        parts = self.joints[start + 1 : stop]
        parts.insert(0, self.heads[start])
        parts.append(self.tails[stop - 1])
        return _patch(tick_time_ms, epoch).join(parts)


def build_trade_ring(
    server: SimulatorServer, symbols: frozenset[Symbol], size: int, seed: int
) -> TradeRing:
    """`size` trades over `symbols`, chosen by activity, each a random walk on its tick grid."""
    if size >= 10**_POS_DIGITS:
        raise ValueError(f"a trade ring holds fewer than {10**_POS_DIGITS} frames")
    rng = random.Random(seed)
    ordered = sorted(symbols)
    market = server.market
    weights = [max(market.instrument(s).activity, 0.01) for s in ordered]
    prices = {s: market.last_trade(s).price for s in ordered}
    lots = {s: market.instrument(s).lot_size for s in ordered}
    heads: list[bytes] = []
    tails: list[bytes] = []
    for position, symbol in enumerate(rng.choices(ordered, weights=weights, k=size)):
        price, move = prices[symbol], rng.random()
        if move < 0.3:
            price, direction = tick_up(symbol.market, price), 1
        elif move < 0.6 and price > Decimal("0.01"):
            price, direction = tick_down(symbol.market, price), 2
        else:
            direction = 0
        prices[symbol] = price
        lot = lots[symbol] if symbol.market is Market.HK else 100
        volume = lot * (1 + int(rng.expovariate(0.5)))
        head = (
            f'{{"cmd_id":{int(Cmd.PUSH_TRADE)},"data":{{"code":"{symbol.wire}","price":"{price}",'
            f'"volume":"{volume}","turnover":"{price * volume}","trade_direction":{direction},'
            f'"tick_time":"'
        ).encode()
        tail = f"{position:0{_POS_DIGITS}d}".encode() + _TAIL
        heads.append(_ws_header(len(head) + _PATCH_LEN + len(tail)) + head)
        tails.append(tail)
    joints = [b""] + [tails[i - 1] + heads[i] for i in range(1, size)]
    return TradeRing(frozenset(symbols), heads, joints, tails)


@dataclass(slots=True)
class _Stream:
    """Where one connection is in its ring, and how many of its trades are due or sent."""

    ring: TradeRing
    source: object
    """The connection's trade dict the ring was built from (a subscribe replaces the dict)."""
    position: int = 0
    epoch: int = 0
    owed: float = 0.0


class FirehoseServer(SimulatorServer):
    """`SimulatorServer` whose trades come from pre-encoded rings at `trades_per_second`.

    The rate is split over open connections by their number of trade symbols. Depth pushes,
    replies, heartbeats and REST are the real server's. `pushed`/`throttled` count trade frames.
    """

    def __init__(
        self,
        config: SimulatorConfig | None = None,
        *,
        ring_size: int = 1 << 16,
        batch_interval: float = 0.001,
    ) -> None:
        super().__init__(config)
        self.ring_size = ring_size
        self.batch_interval = batch_interval
        self.pushed = 0
        self.throttled = 0
        self.rounds = 0
        self.pushing = True
        self._rings: dict[frozenset[Symbol], TradeRing] = {}
        self._streams: dict[int, _Stream] = {}

    def stop_pushing(self) -> None:
        """Send no more trades or books (a benchmark's end); replies and REST still work."""
        self.pushing = False

    def ring_for(self, symbols: frozenset[Symbol]) -> TradeRing:
        """The ring for one trade set, built on first use (≈ 0.2 s per 65k frames)."""
        ring = self._rings.get(symbols)
        if ring is None:
            size = max(self.ring_size, 8 * len(symbols))
            ring = build_trade_ring(self, symbols, size, self.config.seed + len(self._rings))
            self._rings = {symbols: ring}  # keep one: a new subscription replaces the old set
        return ring

    async def _push_loop(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        depth_due = last + self.config.push_interval
        while True:
            await asyncio.sleep(self.batch_interval)
            now = loop.time()
            elapsed, last = min(now - last, 1.0), now
            self.rounds += 1
            if not self.pushing:
                continue
            if self._push_trades(elapsed):
                last = loop.time()  # building a ring took a while: owe nothing for that time
            if now >= depth_due:
                depth_due = now + self.config.push_interval
                await self._push_depth(self.config.push_interval)

    def _push_trades(self, elapsed: float) -> bool:
        """Write what each connection is owed; True when a new ring had to be built."""
        built = False
        live = [(ws, rec) for ws, rec in self._live.values() if rec.trades]
        total = sum(len(rec.trades) for _, rec in live)
        self._streams = {i: s for i, s in self._streams.items() if i in self._live}
        now_ms = self.clock()
        for ws, rec in live:
            stream = self._streams.get(rec.id)
            if stream is None or stream.source is not rec.trades:
                stream, built = self._new_stream(rec, stream), True
                continue
            stream.owed += self.config.trades_per_second * elapsed * len(rec.trades) / total
            count = int(stream.owed)
            if count <= 0:
                continue
            stream.owed -= count
            transport = ws.transport
            # A closing connection may have half-closed its transport (write_eof) already.
            if ws.state is not State.OPEN or transport.is_closing():
                continue
            if transport.get_write_buffer_size() > _WRITE_BUFFER_LIMIT:
                self.throttled += count
                continue
            self._write(transport, stream, count, now_ms)
            self.pushed += count
            rec.trade_pushes += count
            self.stats.trade_pushes += count
        return built

    def _new_stream(self, rec: ConnectionRecord, old: _Stream | None) -> _Stream:
        """A stream over the connection's current set; a new epoch keeps its seqs rising."""
        epoch = old.epoch + 1 if old is not None else 0
        ring = self.ring_for(frozenset(rec.trades))
        stream = self._streams[rec.id] = _Stream(ring, rec.trades, epoch=epoch)
        return stream

    @staticmethod
    def _write(transport: asyncio.WriteTransport, stream: _Stream, count: int, now_ms: int) -> None:
        ring, size = stream.ring, len(stream.ring)
        while count > 0:
            stop = min(stream.position + count, size)
            transport.write(ring.frames(stream.position, stop, now_ms, stream.epoch))
            count -= stop - stream.position
            stream.position = stop
            if stop == size:
                stream.position, stream.epoch = 0, stream.epoch + 1

    async def _push_depth(self, elapsed: float) -> None:
        """Books at `depth_per_second` per depth-subscribed symbol, through the real path."""
        _, depth_symbols = self._wanted(self.clock())
        if not depth_symbols:
            return
        chance = self.config.depth_per_second * elapsed
        due = [s for s in depth_symbols if self._rng.random() < chance]
        if due:
            await self._fan_out(self.market.pushes(self.clock(), 0, (), due))
