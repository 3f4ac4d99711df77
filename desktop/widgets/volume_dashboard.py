"""The volume-anomaly dashboard: streamed symbols ranked live by what is unusual, each with its
reason in words, beside Top movers. A click selects the symbol in the dashboard's link group."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.formatting import format_time
from desktop.domain.symbols import Market
from desktop.domain.top_movers import MoverMode
from desktop.domain.volume_anomalies import RANKINGS
from desktop.qt.dashboard_controller import DashboardController
from desktop.qt.link_groups import LINK_GROUPS, link_group
from desktop.qt.palette import colors, follow_theme
from desktop.qt.ranked_rows_model import SYMBOL_ROLE, RankedRowsModel
from desktop.widgets.delegates import monospace_font
from desktop.widgets.link_controls import swatch_icon

__all__ = ["VolumeDashboard"]

_STYLE = """
QWidget#dashboardBar, QWidget#moversBar, QWidget#anomalyBar {{
    background: {c.alternate}; border-bottom: 1px solid {c.border};
}}
QLabel#dashboardTitle {{ color: {c.text}; font-weight: 600; }}
QLabel#dashboardNote {{ color: {c.dim}; }}
QToolButton {{ border: 1px solid transparent; border-radius: 3px; padding: 1px 6px; }}
QToolButton:hover {{ background: {c.hover}; }}
QToolButton::menu-indicator {{ image: none; width: 0px; }}
"""
_MOVER_MODES = (
    (MoverMode.CHANGE, "Change %"),
    (MoverMode.TURNOVER, "Turnover"),
    (MoverMode.SINCE_LOOKED, "Since you last looked"),
)


class _HoldFilter(QObject):
    """Holds a ranked model still while the pointer is over its table."""

    def __init__(self, model: RankedRowsModel[Any], parent: QObject) -> None:
        super().__init__(parent)
        self._model = model

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter holds, Leave releases."""
        if event.type() == QEvent.Type.Enter:
            self._model.set_held(True)
        elif event.type() == QEvent.Type.Leave:
            self._model.set_held(False)
        return False


def _table(model: RankedRowsModel[Any], stretch: int, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(22)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setAlternatingRowColors(True)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)  # the full reason is the row's tooltip
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setMinimumSectionSize(40)
    for column in range(model.columnCount()):
        header.resizeSection(column, 92 if column == 0 else 60)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    view.setFont(monospace_font(view.font()))
    view.viewport().installEventFilter(_HoldFilter(model, view))
    return view


class VolumeDashboard(QWidget):
    """Anomalies (left) and Top movers (right), fed by a `DashboardController`."""

    symbolSelected = Signal(str, str)
    """(symbol, link group key): the user clicked a row."""

    def __init__(self, controller: DashboardController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._group = LINK_GROUPS[0].key
        bar = QWidget(self)
        bar.setObjectName("dashboardBar")
        bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        title = QLabel("Volume anomalies", bar)
        title.setObjectName("dashboardTitle")
        self.rank_combo = QComboBox(bar)
        for key, (label, _value) in RANKINGS.items():
            self.rank_combo.addItem(label, key)
        self.rank_combo.setToolTip(
            "What ranks the list (every signal is against the symbol's own normal)"
        )
        self.rank_combo.currentIndexChanged.connect(
            lambda i: controller.set_rank_by(str(self.rank_combo.itemData(i)))
        )
        self.link_button = QToolButton(bar)
        self.link_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.link_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.link_button.setToolTip("A click on a row selects the symbol in this link group")
        menu = QMenu(self.link_button)
        group_actions = QActionGroup(self)
        for group in LINK_GROUPS:
            action = QAction(swatch_icon(group.color), f"Link group {group.label}", menu)
            action.setCheckable(True)
            action.setData(group.key)
            action.triggered.connect(lambda _c=False, k=group.key: self.set_link_group(k))
            group_actions.addAction(action)
            menu.addAction(action)
        self._group_actions = group_actions
        self.link_button.setMenu(menu)
        self.updated = QLabel(bar)
        self.updated.setObjectName("dashboardNote")
        row = QHBoxLayout(bar)
        row.setContentsMargins(8, 3, 8, 3)
        row.setSpacing(8)
        row.addWidget(title)
        row.addWidget(QLabel("Rank by", bar))
        row.addWidget(self.rank_combo)
        row.addWidget(self.link_button)
        row.addStretch(1)
        row.addWidget(self.updated)

        self.anomaly_view = _table(controller.anomalies, controller.anomalies.REASON_COLUMN, self)
        movers = QWidget(self)
        movers_bar = QWidget(movers)
        movers_bar.setObjectName("moversBar")
        movers_bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        movers_title = QLabel("Top movers", movers_bar)
        movers_title.setObjectName("dashboardTitle")
        self.mover_combo = QComboBox(movers_bar)
        for mode, label in _MOVER_MODES:
            self.mover_combo.addItem(label, mode.value)
        self.mover_combo.currentIndexChanged.connect(
            lambda i: controller.set_mover_mode(MoverMode(self.mover_combo.itemData(i)))
        )
        self.seen_button = QPushButton("Mark seen", movers_bar)
        self.seen_button.setToolTip('Measure "since you last looked" from the prices now')
        self.seen_button.clicked.connect(self._mark_seen)
        self.since = QLabel(movers_bar)
        self.since.setObjectName("dashboardNote")
        mrow = QHBoxLayout(movers_bar)
        mrow.setContentsMargins(8, 3, 8, 3)
        mrow.setSpacing(8)
        mrow.addWidget(movers_title)
        mrow.addWidget(self.mover_combo)
        mrow.addStretch(1)
        mrow.addWidget(self.since)
        mrow.addWidget(self.seen_button)
        self.movers_view = _table(controller.movers, 4, movers)
        movers_header = self.movers_view.horizontalHeader()
        for column, width in enumerate((92, 84, 76, 96)):
            movers_header.resizeSection(column, width)
        mlayout = QVBoxLayout(movers)
        mlayout.setContentsMargins(0, 0, 0, 0)
        mlayout.setSpacing(0)
        mlayout.addWidget(movers_bar)
        mlayout.addWidget(self.movers_view, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.anomaly_view)
        splitter.addWidget(movers)
        splitter.setStretchFactor(0, 2)  # the reasons need the room
        splitter.setStretchFactor(1, 1)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(bar)
        layout.addWidget(splitter, 1)
        follow_theme(self, lambda: self.setStyleSheet(_STYLE.format(c=colors())))
        self.anomaly_view.clicked.connect(self._on_clicked)
        self.movers_view.clicked.connect(self._on_clicked)
        controller.refreshed.connect(self._on_refreshed)
        self._show_group()

    def link_group(self) -> str:
        """The group a click selects the symbol in."""
        return self._group

    def set_link_group(self, key: str) -> None:
        """Select clicked symbols in group `key` from now on."""
        if link_group(key) is not None:
            self._group = key
            self._show_group()

    def _show_group(self) -> None:
        group = link_group(self._group)
        if group is not None:
            self.link_button.setIcon(swatch_icon(group.color))
            self.link_button.setText(f"{group.label} ▾")
        for action in self._group_actions.actions():
            action.setChecked(action.data() == self._group)

    def _on_clicked(self, index: QModelIndex | QPersistentModelIndex) -> None:
        symbol = index.data(SYMBOL_ROLE)
        if isinstance(symbol, str) and symbol:
            self.symbolSelected.emit(symbol, self._group)

    def _mark_seen(self) -> None:
        self.controller.mark_seen()
        self.controller.refresh()

    def _on_refreshed(self, now_ms: int) -> None:
        self.updated.setText(
            f"Ranked {format_time(now_ms, Market.US)} ET · {format_time(now_ms, Market.HK)} HKT"
        )
        baseline = self.controller.baseline
        if baseline is None:
            self.since.setText("not looked yet")
        else:
            minutes = max(0, (now_ms - baseline.at_ms) // 60_000)
            ago = "just now" if minutes == 0 else f"{minutes} min ago"
            self.since.setText(f"looked {format_time(baseline.at_ms, Market.US)} ET ({ago})")
