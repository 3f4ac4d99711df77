"""The alerts panel (a dock): rules with on/off and delete, and the log of what fired."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.qt.alert_models import RULE_ID_ROLE
from desktop.qt.palette import colors, follow_theme

__all__ = ["AlertsPanel"]

_EMPTY = "No alerts yet. Right-click a symbol in the watchlist and choose New Alert…"


def _table(parent: QWidget, name: str) -> QTableView:
    table = QTableView(parent)
    table.setObjectName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(22)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table


class AlertsPanel(QWidget):
    """Shows the rules and log models of the alert center; emits what the user asked for."""

    deleteRequested = Signal(list)
    """Ids (list[int]) of the rules to delete."""
    clearLogRequested = Signal()
    symbolActivated = Signal(str)
    """Double-click on a rule or a log entry: select that symbol."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alertsPanel")
        self.rules = _table(self, "alertRules")
        self.rules.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.log = _table(self, "alertLog")
        self.empty = QLabel(_EMPTY, self)
        self.empty.setObjectName("alertsEmpty")
        follow_theme(
            self.empty, lambda: self.empty.setStyleSheet(f"color: {colors().muted}; padding: 6px;")
        )
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.setToolTip("Delete the selected alerts (their log entries stay)")
        self.delete_button.setEnabled(False)
        self.delete_button.clicked.connect(self._delete_selected)
        self.clear_button = QPushButton("Clear Log", self)
        self.clear_button.clicked.connect(self.clearLogRequested)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.empty)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.clear_button)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.rules)
        split.addWidget(self.log)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.setSpacing(4)
        layout.addLayout(buttons)
        layout.addWidget(split, 1)
        self.rules.doubleClicked.connect(lambda index: self._activate(self.rules, index))
        self.log.doubleClicked.connect(lambda index: self._activate(self.log, index))

    def set_models(self, rules: QAbstractItemModel, log: QAbstractItemModel) -> None:
        """Show the alert center's models."""
        self.rules.setModel(rules)
        self.log.setModel(log)
        for column, width in enumerate((36, 84, 190, 84)):
            self.rules.horizontalHeader().resizeSection(column, width)
        for column, width in enumerate((70, 84)):
            self.log.horizontalHeader().resizeSection(column, width)
        self.rules.selectionModel().selectionChanged.connect(self._update_buttons)
        for signal in (rules.modelReset, rules.rowsInserted, rules.rowsRemoved):
            signal.connect(self._update_buttons)
        self._update_buttons()

    def selected_rule_ids(self) -> list[int]:
        """Ids of the selected rules."""
        model = self.rules.model()
        if model is None:
            return []
        ids = (index.data(RULE_ID_ROLE) for index in self.rules.selectionModel().selectedRows())
        return sorted(i for i in ids if isinstance(i, int))

    def _delete_selected(self) -> None:
        ids = self.selected_rule_ids()
        if ids:
            self.deleteRequested.emit(ids)

    def _update_buttons(self, *args: object) -> None:
        model = self.rules.model()
        count = model.rowCount() if model is not None else 0
        self.empty.setVisible(count == 0)
        self.delete_button.setEnabled(bool(self.selected_rule_ids()))

    def _activate(self, table: QTableView, index: QModelIndex | QPersistentModelIndex) -> None:
        symbol = table.model().index(index.row(), 1).data()
        if isinstance(symbol, str) and symbol:
            self.symbolActivated.emit(symbol)
