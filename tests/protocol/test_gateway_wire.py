"""The desk gateway's records and key names, with literal values and no I/O."""

from __future__ import annotations

from decimal import Decimal

from desktop.domain.market_data import DepthLevel, DepthSnapshot, ReferenceData, Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.protocol.gateway_wire import (
    BoardInterest,
    GatewayCodec,
    GatewayKeys,
    QuoteCut,
    parse_stream_id,
    quote_fields,
)


def _as_redis(entry: dict[str, bytes | str | int]) -> dict[bytes, bytes]:
    """What redis-py hands back for the fields we wrote."""
    return {k.encode(): v if isinstance(v, bytes) else str(v).encode() for k, v in entry.items()}


def test_keys_follow_the_documented_layout() -> None:
    keys = GatewayKeys()
    assert keys.quote("AAPL.US") == "qb:quote:AAPL.US"
    assert (keys.trades, keys.books) == ("qb:stream:trades", "qb:stream:books")
    assert keys.heartbeat == "qb:gateway"
    assert keys.interest("desk-1") == "qb:interest:desk-1"
    assert keys.board("desk-1") == "qb:board:desk-1"
    assert GatewayKeys("q2").quote("X.US") == "q2:quote:X.US"


def test_a_batch_entry_round_trips_with_exact_prices_and_snapshots() -> None:
    codec = GatewayCodec()
    tick = Tick("AAPL.US", Decimal("189.125"), 300, None, TradeSide.BUY, 1_700_000_000_123, 42)
    ref = ReferenceData("AAPL.US", name="Apple", prev_close=Decimal("188.00"))
    entry = codec.batch_entry("run-1", 7, 1_700_000_000_200, [tick], [ref])
    batch = codec.batch(_as_redis(entry), books=False)
    assert batch is not None
    assert (batch.run, batch.number, batch.recv_ms) == ("run-1", 7, 1_700_000_000_200)
    assert batch.events == [tick] and batch.refs == [ref]
    book = DepthSnapshot("00700.HK", (DepthLevel(Decimal("380.2"), 100),), (), 5, None)
    books = codec.batch(_as_redis(codec.batch_entry("run-1", 1, 9, [book])), books=True)
    assert books is not None and books.events == [book] and books.refs == []


def test_malformed_records_are_counted_not_raised() -> None:
    codec = GatewayCodec()
    assert codec.batch({b"g": b"r", b"n": b"x", b"r": b"1", b"d": b"[]"}, books=False) is None
    assert codec.batch({b"d": b"[{"}, books=False) is None
    assert codec.beat(b"{not json") is None
    assert codec.interest(None) is None
    assert codec.bad == 3


def test_the_latest_value_hash_rebuilds_the_day_state_on_a_late_board() -> None:
    gateway = QuoteBook()
    gateway.track("AAPL.US")
    gateway.apply_reference(
        ReferenceData("AAPL.US", name="Apple", prev_close=Decimal("100"), volume=1000, as_of_ms=10),
        0.0,
    )
    gateway.apply_tick(Tick("AAPL.US", Decimal("101.5"), 50, None, TradeSide.BUY, 20, 1), 0.0)
    fields = quote_fields(gateway.get("AAPL.US"), "push", 99)  # type: ignore[arg-type]
    assert fields["last"] == "101.5" and fields["change_pct"] == "1.50"
    assert fields["volume"] == "1050" and fields["seq"] == "1"
    board = QuoteBook()
    board.track("AAPL.US")
    ref, book = GatewayCodec().quote(_as_redis(fields))
    assert book is None and ref is not None
    board.apply_reference(ref, 1.0)
    state = board.get("AAPL.US")
    assert state is not None
    assert (state.last, state.volume, state.prev_close, state.name) == (
        Decimal("101.5"), 1050, Decimal("100"), "Apple",
    )  # fmt: skip
    assert state.last_seq == 1  # the hash's last trade keeps its seq on the joining board
    # A trade the snapshot already counted adds no volume twice.
    board.apply_tick(Tick("AAPL.US", Decimal("101.5"), 50, None, TradeSide.BUY, 20, 1), 2.0)
    assert state.volume == 1050
    # A trade in the same millisecond after the cached one does add its volume.
    board.apply_tick(Tick("AAPL.US", Decimal("101.6"), 25, None, TradeSide.BUY, 20, 2), 2.0)
    assert state.volume == 1075 and state.last == Decimal("101.6")


def test_stream_ids_compare_as_numbers() -> None:
    assert parse_stream_id(b"1700000000000-10") > parse_stream_id("1700000000000-9")
    assert parse_stream_id("5") == (5, 0)
    assert BoardInterest("b", ["AAPL.US"]).full_depth is None


def test_an_entry_carries_its_cover_and_rest_books_and_a_hash_the_batches_it_reflects() -> None:
    codec = GatewayCodec()
    rest = DepthSnapshot("AAPL.US", (DepthLevel(Decimal("189.1"), 200),), (), 5, 77)
    entry = codec.batch_entry("run-2", 9, 10, [], [rest], cover=4)
    batch = codec.batch(_as_redis(entry), books=True)
    assert batch is not None
    assert (batch.cover, batch.rest_books, batch.refs) == (4, [rest], [])
    old = codec.batch(_as_redis(codec.batch_entry("run-2", 9, 10, [])), books=False)
    assert old is not None and old.cover is None
    gateway = QuoteBook()
    gateway.track("AAPL.US")
    fields = quote_fields(gateway.get("AAPL.US"), "push", 1, QuoteCut("run-2", 8, 3))  # type: ignore[arg-type]
    cut = codec.cut(_as_redis(fields))
    assert cut == QuoteCut("run-2", 8, 3)
    assert cut.covers("run-2", 8, books=False) and not cut.covers("run-2", 9, books=False)
    assert cut.covers("run-2", 3, books=True) and not cut.covers("run-1", 1, books=True)
    assert codec.cut(_as_redis(quote_fields(gateway.get("AAPL.US"), "push", 1))) is None  # type: ignore[arg-type]
