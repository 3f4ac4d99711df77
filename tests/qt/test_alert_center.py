"""AlertCenter: per-flush evaluation, the log and the state saved, badges, storage errors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.domain.alerts import AlertEngine, AlertKind, AlertRule, AlertRuleError
from desktop.domain.market_data import ReferenceData, Tick, TradeSide
from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.persistence.alerts import AlertRepository
from desktop.persistence.database import Database
from desktop.qt.alert_center import BADGE_HOLD_S, AlertCenter
from desktop.qt.quote_columns import BADGE_ARMED, BADGE_FIRED
from desktop.qt.quote_table_model import QuoteTableModel

D = Decimal
T0_S = 1_732_285_800.0


class Desk:
    """A book, the watchlist model and an alert center on a real database file."""

    def __init__(self, path: Path) -> None:
        self.now = T0_S
        self.db = Database(path)
        self.book = QuoteBook()
        self.model = QuoteTableModel(self.book)
        self.model.set_symbols(["AAPL.US", "MSFT.US"])
        for symbol in ("AAPL.US", "MSFT.US"):
            self.book.apply_reference(ReferenceData(symbol, prev_close=D(100)), 0.0)
        self.center = AlertCenter(
            AlertEngine(),
            AlertRepository(self.db),
            self.book,
            MinuteBarStore(),
            self.model,
            clock=lambda: self.now,
        )
        self.center.load()
        self.seq = 0

    def trade(self, symbol: str, price: str) -> list[str]:
        self.seq += 1
        tick = Tick(symbol, D(price), 100, None, TradeSide.BUY, int(self.now * 1000), self.seq)
        self.book.apply_tick(tick, 0.0)
        return [f.message for f in self.center.evaluate(self.book.take_dirty())]


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    return Desk(tmp_path / "q.db")


def test_a_rule_fires_on_the_flush_is_logged_announced_and_badged(desk: Desk, qtbot: QtBot) -> None:
    rule = desk.center.add_rule(AlertRule("AAPL.US", AlertKind.PRICE_ABOVE, D("105")))
    assert rule is not None and rule.id is not None
    assert desk.model.badge("AAPL.US") == BADGE_ARMED and desk.model.badge("MSFT.US") == 0
    assert desk.trade("AAPL.US", "104") == []
    with qtbot.waitSignal(desk.center.fired) as fired:
        assert desk.trade("AAPL.US", "106") == ["AAPL.US traded 106.00, at or above 105.00"]
    assert fired.args[0].rule_id == rule.id
    assert desk.center.log_model.rowCount() == 1
    assert desk.model.badge("AAPL.US") == BADGE_FIRED
    assert desk.center.rules_model.index(0, 4).data().startswith("Fired")
    desk.now += BADGE_HOLD_S + 1
    desk.center.refresh_badges()
    assert desk.model.badge("AAPL.US") == BADGE_ARMED


def test_state_and_log_survive_a_restart(desk: Desk, tmp_path: Path) -> None:
    desk.center.add_rule(AlertRule("AAPL.US", AlertKind.PRICE_ABOVE, D("105")))
    desk.trade("AAPL.US", "106")
    desk.db.close()
    again = Desk(tmp_path / "q.db")
    (rule,) = again.center.engine.rules()
    assert rule.armed is False and rule.last_fired_at == T0_S
    assert again.center.log_model.rowCount() == 1
    assert again.trade("AAPL.US", "107") == []  # still disarmed: it does not fire again


def test_switching_off_deleting_and_clearing(desk: Desk) -> None:
    rule = desk.center.add_rule(AlertRule("AAPL.US", AlertKind.PRICE_ABOVE, D("105")))
    assert rule is not None and rule.id is not None
    desk.center.set_enabled(rule.id, False)
    assert desk.trade("AAPL.US", "106") == []
    assert desk.model.badge("AAPL.US") == 0
    desk.center.set_enabled(rule.id, True)
    assert len(desk.trade("AAPL.US", "106.5")) == 1
    desk.center.clear_log()
    assert desk.center.log_model.rowCount() == 0
    desk.center.delete(rule.id)
    assert desk.center.engine.rules() == [] and desk.center.rules_model.rowCount() == 0


def test_an_invalid_rule_is_refused_before_it_is_stored(desk: Desk) -> None:
    with pytest.raises(AlertRuleError):
        desk.center.add_rule(AlertRule("AAPL.US", AlertKind.PRICE_ABOVE, D("-1")))
    assert desk.center.engine.rules() == []


def test_a_storage_failure_is_a_sentence_not_a_crash(desk: Desk, qtbot: QtBot) -> None:
    desk.db.conn.close()
    with qtbot.waitSignal(desk.center.problem) as problem:
        assert desk.center.add_rule(AlertRule("AAPL.US", AlertKind.PRICE_ABOVE, D("105"))) is None
    assert problem.args[0].startswith("The alert could not be saved:")
