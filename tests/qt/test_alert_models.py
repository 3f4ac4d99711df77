"""Alert panel models: the model tester, the On checkbox, status words, the capped log."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from desktop.domain.alerts import AlertKind, AlertLogEntry, AlertRule
from desktop.qt.alert_models import RULE_ID_ROLE, AlertLogModel, AlertRulesModel, status_text

D = Decimal
NOW = 1_000_000.0
RULES = [
    AlertRule("AAPL.US", AlertKind.PRICE_ABOVE, D("190"), id=1),
    AlertRule("00700.HK", AlertKind.CHANGE_PCT, D("3"), id=2, cooldown_s=90, enabled=False),
]


def test_the_rules_model_passes_the_model_tester_and_shows_each_rule(
    qtmodeltester: ModelTester,
) -> None:
    toggles: list[tuple[int, bool]] = []
    model = AlertRulesModel(lambda i, on: toggles.append((i, on)), clock=lambda: NOW)
    qtmodeltester.check(model, force_py=True)
    model.set_rules(RULES)
    row = [model.index(0, c).data() for c in range(1, 5)]
    assert row == ["AAPL.US", "Last ≥ 190.00", "5 min", "Armed"]
    assert model.index(1, 3).data() == "1.5 min" and model.index(1, 4).data() == "Off"
    assert model.index(0, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert model.index(1, 0).data(RULE_ID_ROLE) == 2
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.setData(
        model.index(1, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert toggles == [(2, True)]
    model.update_rules([AlertRule("AAPL.US", AlertKind.PRICE_ABOVE, D("190"), id=1, armed=False)])
    assert model.index(0, 4).data().startswith("Fired")
    qtmodeltester.check(model)


def test_status_words_follow_the_rule_state() -> None:
    rule = AlertRule("AAPL.US", AlertKind.PRICE_ABOVE, D(1), id=1, cooldown_s=60)
    assert status_text(rule, NOW) == "Armed"
    fired = AlertRule(rule.symbol, rule.kind, rule.threshold, armed=False, last_fired_at=NOW - 5)
    assert status_text(fired, NOW).endswith("re-arms when the condition clears")
    cooling = AlertRule(
        rule.symbol, rule.kind, rule.threshold, cooldown_s=60, last_fired_at=NOW - 5
    )
    assert status_text(cooling, NOW).startswith("Armed; cooling down until")
    assert status_text(cooling, NOW + 60) == "Armed"


def test_the_log_model_puts_the_newest_first_and_keeps_a_bounded_history(
    qtmodeltester: ModelTester,
) -> None:
    model = AlertLogModel(limit=6)
    qtmodeltester.check(model, force_py=True)
    model.set_entries([AlertLogEntry(1, 1, "AAPL.US", NOW, "first")])
    model.prepend(AlertLogEntry(2, 1, "MSFT.US", NOW + 1, "<b>second</b>"))
    assert [model.index(r, 1).data() for r in range(2)] == ["MSFT.US", "AAPL.US"]
    assert model.index(0, 2).data() == "<b>second</b>"
    for i in range(10):
        model.prepend(AlertLogEntry(10 + i, None, "X.US", NOW + i, str(i)))
    assert model.rowCount() == 6
    newest = model.entry_at(0)
    assert newest is not None and newest.message == "9"
    assert AlertLogModel().limit == AlertLogModel.LIMIT == 500
    qtmodeltester.check(model)
