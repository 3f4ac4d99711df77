"""The naive baseline: how tutorials and vnpy-style gateways build a live quote table.

A `websocket-client` thread reads frames and `json.loads` each one; every trade becomes one Qt
signal (queued across threads); the GUI slot updates a plain `QAbstractTableModel` row and emits
`dataChanged` for it; the table sits under a `QSortFilterProxyModel` with dynamic sorting on,
sorted by Chg % like ours. Default delegate, formatting in `data()`. Nothing is coalesced.
It speaks the same AllTick protocol to the same simulator, so both systems get identical frames.
The only addition is a hook after the table's paint that stamps the ticks of on-screen rows when
a paint shows them (`ScreenLatency`), exactly as in our client.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import websocket  # websocket-client
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QPaintEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

from benchmarks.common import (
    WINDOW_SIZE,
    ControlBlock,
    benchmark_symbols,
    client_arguments,
    wire_code,
)
from benchmarks.measure import RunMeasurement
from benchmarks.screen_latency import ScreenLatency

_COLUMNS = ("Symbol", "Last", "Chg", "Chg %", "Volume", "Turnover", "Time")
_CHG_PCT = 3
_UP, _DOWN = QColor("#26a65b"), QColor("#e5534b")


class TickTableModel(QAbstractTableModel):
    """Rows of [symbol, last, change, change %, volume, turnover, time], updated per tick."""

    def __init__(self, symbols: list[str]) -> None:
        super().__init__()
        self.rows: list[list[Any]] = [[s, None, 0.0, 0.0, 0, 0.0, ""] for s in symbols]
        self.row_of = {wire_code(s): i for i, s in enumerate(symbols)}
        self.first: dict[str, float] = {}

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        value = self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if isinstance(value, float):
                return f"{value:+.2f}%" if index.column() == _CHG_PCT else f"{value:,.2f}"
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() in (2, 3):
            return _UP if value > 0 else _DOWN if value < 0 else None
        if role == Qt.ItemDataRole.UserRole:  # the proxy sorts on raw values
            return value
        return None

    def on_tick(self, data: dict[str, Any]) -> None:
        """Update one row from one trade and tell the views."""
        r = self.row_of.get(data["code"])
        if r is None:
            return
        price = float(data["price"])
        first = self.first.setdefault(data["code"], price)
        row = self.rows[r]
        row[1] = price
        row[2] = price - first
        row[3] = (price - first) / first * 100
        row[4] += int(data["volume"])
        row[5] += float(data["turnover"])
        row[6] = time.strftime("%H:%M:%S", time.localtime(int(data["tick_time"]) / 1000))
        self.dataChanged.emit(self.index(r, 1), self.index(r, len(_COLUMNS) - 1))


class MeasuredTableView(QTableView):
    """A plain `QTableView` that tells a `ScreenLatency` when each paint has finished."""

    latency_probe: ScreenLatency | None = None

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.latency_probe is not None:
            self.latency_probe.painted(event.region())


class FeedThread(QObject):
    """The websocket-client reader: one `json.loads` and one queued signal per trade."""

    tick = Signal(dict)

    def __init__(self, url: str, symbols: list[str]) -> None:
        super().__init__()
        self.received = 0
        self._codes = [{"code": wire_code(s)} for s in symbols]
        self._app = websocket.WebSocketApp(url, on_open=self._on_open, on_message=self._on_message)
        self._thread = threading.Thread(target=self._app.run_forever, daemon=True)

    def start(self) -> None:
        """Connect and read on a daemon thread."""
        self._thread.start()

    def _on_open(self, ws: websocket.WebSocket) -> None:
        request = {"cmd_id": 22004, "seq_id": 1, "trace": "baseline", "data": {}}
        request["data"] = {"symbol_list": self._codes}
        ws.send(json.dumps(request))

    def _on_message(self, ws: websocket.WebSocket, message: str) -> None:
        msg = json.loads(message)
        if msg.get("cmd_id") == 22998:
            self.received += 1
            self.tick.emit(msg["data"])


def main() -> None:
    """Run one measured session of the baseline against a simulator on --port."""
    args = client_arguments(__doc__, ladders_help="ignored: the baseline has none")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication([])
    symbols = benchmark_symbols(args.symbols)
    model = TickTableModel(symbols)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(Qt.ItemDataRole.UserRole)
    proxy.setDynamicSortFilter(True)
    view = MeasuredTableView()
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(_CHG_PCT, Qt.SortOrder.DescendingOrder)
    window = QMainWindow()
    window.setCentralWidget(view)
    window.resize(*WINDOW_SIZE)
    window.show()

    feed = FeedThread(f"ws://127.0.0.1:{args.port}/quote-stock-b-ws-api?token=bench", symbols)
    applied = 0
    measurement = RunMeasurement(
        ControlBlock(Path(args.control)),
        rate=args.rate,
        warmup_s=args.warmup,
        window_s=args.seconds,
        received=lambda: feed.received,
        applied=lambda: applied,
        ready=lambda: True,
        extra=lambda: {
            "lost": feed.received - applied,
            "features": {"sparklines": False, "ladders": 0},
        },
    )
    latencies = measurement.tick_latencies

    def symbol_at(row: int) -> str | None:
        source = proxy.mapToSource(proxy.index(row, 0)).row()
        return wire_code(model.rows[source][0]) if source >= 0 else None

    screen = ScreenLatency(view, symbol_at, lambda: measurement.in_window)
    measurement.screen = view.latency_probe = screen

    def on_tick(data: dict[str, Any]) -> None:
        nonlocal applied
        r = model.row_of.get(data["code"])
        before = model.rows[r][1] if r is not None else None
        model.on_tick(data)
        applied += 1
        stamp = int(data["tick_time"])
        if r is not None and model.rows[r][1] != before:  # a paint must show a moved price
            screen.note(data["code"], stamp)
        if measurement.in_window:
            latencies.append(time.time() * 1000.0 - stamp)

    feed.tick.connect(on_tick)
    feed.start()
    measurement.start()
    app.exec()


if __name__ == "__main__":
    main()
