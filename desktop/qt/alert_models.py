"""Item models of the alerts panel: the rules (with an on/off checkbox) and the log of firings."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop.domain.alerts import AlertLogEntry, AlertRule, describe
from desktop.domain.formatting import format_time, market_of
from desktop.domain.market_clock import ZONE_LABELS, market_local
from desktop.qt.plain_text import plain_tooltip

__all__ = ["RULE_ID_ROLE", "AlertLogModel", "AlertRulesModel", "clock_text", "market_time_text"]

RULE_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
"""The rule's id (any column of `AlertRulesModel`)."""

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_CHECK = int(Qt.ItemDataRole.CheckStateRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_ROOT = QModelIndex()
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def clock_text(epoch_s: float) -> str:
    """Local wall-clock time of an instant, to the second, labelled as yours (`14:03:27 local`)."""
    return time.strftime("%H:%M:%S local", time.localtime(epoch_s))


def market_time_text(symbol: str, epoch_s: float) -> str:
    """An instant on the symbol's exchange clock, labelled (`09:31:07 ET`, `13:00:02 HKT`)."""
    market = market_of(symbol)
    return f"{format_time(int(epoch_s * 1000), market)} {ZONE_LABELS[market]}"


def _cooldown_text(seconds: float) -> str:
    if seconds <= 0:
        return "none"
    if seconds < 60:
        return f"{seconds:g} s"
    if seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds / 60:.1f} min"


def status_text(rule: AlertRule, now: float) -> str:
    """What the rule is doing now, in words."""
    if not rule.enabled:
        return "Off"
    if not rule.armed:
        fired = clock_text(rule.last_fired_at) if rule.last_fired_at is not None else "—"
        return f"Fired {fired}; re-arms when the condition clears"
    if rule.last_fired_at is not None and now - rule.last_fired_at < rule.cooldown_s:
        return f"Armed; cooling down until {clock_text(rule.last_fired_at + rule.cooldown_s)}"
    return "Armed"


class AlertRulesModel(QAbstractTableModel):
    """One row per rule: On, Symbol, Condition, Cooldown, Status; ticking On calls `on_toggle`."""

    TITLES = ("On", "Symbol", "Condition", "Cooldown", "Status")
    ON, SYMBOL, CONDITION, COOLDOWN, STATUS = range(5)

    def __init__(
        self,
        on_toggle: Callable[[int, bool], None] | None = None,
        clock: Callable[[], float] = time.time,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._rules: list[AlertRule] = []
        self._on_toggle = on_toggle or (lambda rule_id, enabled: None)
        self._clock = clock

    def set_rules(self, rules: Sequence[AlertRule]) -> None:
        """Show these rules (a reset: the list is short and changes only on user edits)."""
        self.beginResetModel()
        self._rules = list(rules)
        self.endResetModel()

    def update_rules(self, rules: Sequence[AlertRule]) -> None:
        """Refresh rows of rules whose state changed (same ids), without a reset."""
        row_of = {rule.id: r for r, rule in enumerate(self._rules)}
        for rule in rules:
            r = row_of.get(rule.id)
            if r is not None:
                self._rules[r] = rule
                self.dataChanged.emit(self.index(r, 0), self.index(r, self.STATUS))

    def refresh_status(self) -> None:
        """Re-read the Status column (cooldowns end as time passes)."""
        if self._rules:
            last = len(self._rules) - 1
            self.dataChanged.emit(self.index(0, self.STATUS), self.index(last, self.STATUS))

    def rule_at(self, row: int) -> AlertRule | None:
        """The rule shown in `row`."""
        return self._rules[row] if 0 <= row < len(self._rules) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        """Number of rules."""
        return 0 if parent.isValid() else len(self._rules)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        """Five columns."""
        return 0 if parent.isValid() else len(self.TITLES)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        """Texts, the On checkbox and the rule id."""
        r, c = index.row(), index.column()
        if not index.isValid() or not 0 <= r < len(self._rules):
            return None
        rule = self._rules[r]
        if role == RULE_ID_ROLE:
            return rule.id
        if role == _CHECK and c == self.ON:
            return Qt.CheckState.Checked if rule.enabled else Qt.CheckState.Unchecked
        if role == _ALIGN:
            return _RIGHT if c == self.COOLDOWN else _LEFT
        if role == _DISPLAY:
            if c == self.SYMBOL:
                return rule.symbol
            if c == self.CONDITION:
                return describe(rule)
            if c == self.COOLDOWN:
                return _cooldown_text(rule.cooldown_s)
            if c == self.STATUS:
                return status_text(rule, self._clock())
            return ""
        if role == _TOOLTIP and c == self.ON:
            return "Switch this alert on or off"
        return None

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = _CHECK
    ) -> bool:
        """Ticking On switches the rule (the owner saves it and calls `update_rules`)."""
        if role != _CHECK or index.column() != self.ON or not index.isValid():
            return False
        rule = self.rule_at(index.row())
        if rule is None or rule.id is None:
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
        self._on_toggle(rule.id, checked)
        return True

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Selectable rows; On is user-checkable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.ON:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags | Qt.ItemFlag.ItemNeverHasChildren

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        """Column titles."""
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == _DISPLAY and 0 <= section < len(self.TITLES):
            return self.TITLES[section]
        return None


class AlertLogModel(QAbstractTableModel):
    """Firings newest first: Time, Symbol, Message (plain text: it may quote network names)."""

    TITLES = ("Time", "Symbol", "Message")
    LIMIT = 500

    def __init__(self, parent: QObject | None = None, limit: int = LIMIT) -> None:
        super().__init__(parent)
        self.limit = limit
        self._entries: list[AlertLogEntry] = []

    def set_entries(self, entries: Sequence[AlertLogEntry]) -> None:
        """Show these entries (newest first)."""
        self.beginResetModel()
        self._entries = list(entries[: self.limit])
        self.endResetModel()

    def prepend(self, entry: AlertLogEntry) -> None:
        """Add the newest entry on top, dropping the oldest past `limit`."""
        self.beginInsertRows(_ROOT, 0, 0)
        self._entries.insert(0, entry)
        self.endInsertRows()
        if len(self._entries) > self.limit:
            last = len(self._entries) - 1
            self.beginRemoveRows(_ROOT, self.limit, last)
            del self._entries[self.limit :]
            self.endRemoveRows()

    def entry_at(self, row: int) -> AlertLogEntry | None:
        """The entry shown in `row`."""
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        """Number of entries."""
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        """Three columns."""
        return 0 if parent.isValid() else len(self.TITLES)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        """Time, symbol and message; the full message as the tooltip."""
        r, c = index.row(), index.column()
        if not index.isValid() or not 0 <= r < len(self._entries):
            return None
        entry = self._entries[r]
        if role == _DISPLAY:
            if c == 0:
                return market_time_text(entry.symbol, entry.fired_at)
            return entry.symbol if c == 1 else entry.message
        if role == _TOOLTIP and c == 0:
            local = market_local(market_of(entry.symbol), int(entry.fired_at * 1000))
            zone = ZONE_LABELS[market_of(entry.symbol)]
            return f"{local:%a %d %b %Y %H:%M:%S} {zone} (your clock: {clock_text(entry.fired_at)})"
        if role == _TOOLTIP and c == 2:
            return plain_tooltip(entry.message)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Read-only rows."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        """Column titles."""
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == _DISPLAY and 0 <= section < len(self.TITLES):
            return self.TITLES[section]
        return None
