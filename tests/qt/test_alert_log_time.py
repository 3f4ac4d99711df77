"""The alert log shows each firing on its market's clock, labelled ET or HKT."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt

from desktop.domain.alerts import AlertLogEntry
from desktop.qt.alert_models import AlertLogModel, market_time_text


def test_log_times_are_in_the_markets_labelled_time(qtmodeltester: object) -> None:
    at = datetime(2026, 7, 1, 13, 31, 7, tzinfo=UTC).timestamp()  # 09:31:07 EDT, 21:31:07 HKT
    model = AlertLogModel()
    model.set_entries(
        [
            AlertLogEntry(2, 1, "AAPL.US", at, "AAPL.US traded 190.00"),
            AlertLogEntry(1, 2, "00700.HK", at, "00700.HK traded 400.0"),
        ]
    )
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.index(0, 0).data() == "09:31:07 ET"
    assert model.index(1, 0).data() == "21:31:07 HKT"
    tip = model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Wed 01 Jul 2026 09:31:07 ET")
    assert market_time_text("00700.HK", at) == "21:31:07 HKT"
