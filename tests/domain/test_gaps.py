"""GapLedger: outages per connection, reconciled with what the day bar says was missed."""

from __future__ import annotations

from desktop.domain.feed_status import FeedState, FeedStatus
from desktop.domain.gaps import GapLedger, gap_note


def test_a_drop_opens_one_gap_per_connection_and_the_return_closes_it() -> None:
    ledger = GapLedger()
    ledger.open(0, 1_000, ["AAPL.US", "MSFT.US"], "connection lost")
    ledger.open(0, 2_000, ["AAPL.US"])  # the same outage, reported again
    assert ledger.is_open(0) and ledger.recent()[0].end_ms is None
    gap = ledger.close(0, 43_000)
    assert gap is not None and gap.duration_s == 42.0 and gap.symbols == ("AAPL.US", "MSFT.US")
    assert ledger.close(0, 50_000) is None and not ledger.is_open(0)


def test_the_row_says_how_long_and_roughly_how_much_traded_unseen() -> None:
    ledger = GapLedger()
    ledger.open(1, 1_000, ["AAPL.US", "MSFT.US"])
    closed = ledger.close(1, 43_000)
    assert closed is not None
    gap = ledger.reconcile(closed, {"AAPL.US": 18_000, "MSFT.US": 0})
    assert gap_note(gap, "AAPL.US") == "gap 42 s · ~18.0K shares traded"
    assert gap_note(gap, "MSFT.US") == "gap 42 s"
    assert ledger.latest_for("AAPL.US", since_ms=40_000) == gap
    assert ledger.latest_for("AAPL.US", since_ms=50_000) is None
    assert ledger.spans("MSFT.US") == [(1_000, 43_000)]


def test_offline_always_shows_its_countdown() -> None:
    status = FeedStatus(FeedState.OFFLINE, reason="connection refused", retry_at=10.0)
    assert status.text_at(5.0) == "Offline (connection refused) · retry in 5 s"
    assert status.text_at(10.0) == "Offline (connection refused) · retrying…"
