"""Alerts at run time: the engine fed once per flush, rules and log saved, badges and signals out.

The flush timer hands over the symbols that changed in the frame (`on_frame`); only those with
rules are evaluated. Firings are logged in SQLite and announced with `fired`, which the app package
connects to the toast and the tray. Storage errors become a sentence on `problem`, never a crash.
"""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.domain.alerts import AlertEngine, AlertFiring, AlertLogEntry, AlertRule, validate
from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.persistence.alerts import AlertRepository
from desktop.qt.alert_models import AlertLogModel, AlertRulesModel, clock_text
from desktop.qt.quote_columns import BADGE_ARMED, BADGE_FIRED

__all__ = ["BADGE_HOLD_S", "AlertCenter"]

log = logging.getLogger(__name__)

BADGE_HOLD_S = 600.0
"""How long a row keeps the bright "fired" bell after one of its alerts fired."""


class Badges(Protocol):
    """Where alert badges are shown (every watchlist's model, through `ListDecorations`)."""

    def set_badge(self, symbol: str, badge: int, note: str = "") -> None:
        """Show a badge (0 clears it) on `symbol`."""


class AlertCenter(QObject):
    """Owns the alert engine at run time and keeps the panel models, badges and database in step."""

    fired = Signal(object)
    """An `AlertFiring`, after it was logged."""
    problem = Signal(str)
    """A sentence for the user when alerts could not be saved or loaded."""

    def __init__(
        self,
        engine: AlertEngine,
        repository: AlertRepository,
        book: QuoteBook,
        bars: MinuteBarStore,
        quotes: Badges,
        clock: Callable[[], float] = time.time,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self._repo = repository
        self._book = book
        self._bars = bars
        self._quotes = quotes
        self._clock = clock
        self.rules_model = AlertRulesModel(self.set_enabled, clock, self)
        self.log_model = AlertLogModel(self)
        self._badged: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setInterval(5_000)
        self._timer.timeout.connect(self._tick)

    # -- start-up -----------------------------------------------------------------------------
    def load(self) -> None:
        """Read rules and the log from the database and start the status timer."""
        try:
            rules = self._repo.rules()
            entries = self._repo.recent_log(AlertLogModel.LIMIT)
        except sqlite3.Error as exc:
            self._report("Saved alerts could not be read", exc)
            rules, entries = [], []
        self.engine.load(rules)
        self.rules_model.set_rules(self.engine.rules())
        self.log_model.set_entries(entries)
        self.refresh_badges()
        self._timer.start()

    # -- edits --------------------------------------------------------------------------------
    def add_rule(self, rule: AlertRule) -> AlertRule | None:
        """Validate and store a new rule (`AlertRuleError` says why it is not valid)."""
        validate(rule)
        try:
            stored = self._repo.add(rule, self._clock())
        except sqlite3.Error as exc:
            self._report("The alert could not be saved", exc)
            return None
        self.engine.put(stored)
        self._rules_changed()
        return stored

    def set_enabled(self, rule_id: int, enabled: bool) -> None:
        """Switch a rule on or off (switching on re-arms it)."""
        rule = self.engine.rule(rule_id)
        if rule is None or rule.enabled == enabled:
            return
        try:
            self._repo.set_enabled(rule_id, enabled)
        except sqlite3.Error as exc:
            self._report("The alert could not be switched", exc)
            return
        self.engine.put(dataclasses.replace(rule, enabled=enabled, armed=rule.armed or enabled))
        self._rules_changed()

    def delete(self, rule_id: int) -> None:
        """Delete a rule (its log entries stay)."""
        try:
            self._repo.delete(rule_id)
        except sqlite3.Error as exc:
            self._report("The alert could not be deleted", exc)
            return
        self.engine.remove(rule_id)
        self._rules_changed()

    def clear_log(self) -> None:
        """Empty the alert log."""
        try:
            self._repo.clear_log()
        except sqlite3.Error as exc:
            self._report("The alert log could not be cleared", exc)
            return
        self.log_model.set_entries([])

    def _rules_changed(self) -> None:
        self.rules_model.set_rules(self.engine.rules())
        self.refresh_badges()

    # -- per frame ----------------------------------------------------------------------------
    def on_frame(self, dirty: set[str], now: float) -> None:
        """A flush (a `StreamBridge` frame listener): evaluate the rules of changed symbols.

        `now` is the flush's monotonic clock; rules run on this center's wall clock instead.
        """
        self.evaluate(dirty)

    def evaluate(self, dirty: Iterable[str]) -> list[AlertFiring]:
        """Evaluate the rules of these (changed) symbols now; return what fired."""
        watched = self.engine.symbols()
        if not watched:
            return []
        candidates = [symbol for symbol in dirty if symbol in watched]
        if not candidates:
            return []
        now = self._clock()
        firings = self.engine.evaluate(candidates, self._book, self._bars, now)
        changed = self.engine.take_changed()
        if changed:
            try:
                self._repo.save_states(changed)
            except sqlite3.Error as exc:
                self._report("Alert state could not be saved", exc)
            self.rules_model.update_rules(changed)
        for firing in firings:
            try:
                entry = self._repo.log(firing)
            except sqlite3.Error as exc:
                self._report("The alert log could not be written", exc)
                entry = AlertLogEntry(
                    0, firing.rule_id, firing.symbol, firing.fired_at, firing.message
                )
            self.log_model.prepend(entry)
            self.fired.emit(firing)
        if firings:
            self.refresh_badges()
        return firings

    def _tick(self) -> None:
        self.rules_model.refresh_status()
        self.refresh_badges()

    def refresh_badges(self) -> None:
        """Bright bell on rows whose alert fired lately, a dim one on rows with alerts on."""
        now = self._clock()
        badges: dict[str, tuple[int, str]] = {}
        for rule in self.engine.rules():
            if not rule.enabled:
                continue
            badge, note = badges.get(rule.symbol, (BADGE_ARMED, "Alerts on"))
            fired = rule.last_fired_at
            if fired is not None and now - fired < BADGE_HOLD_S:
                badge, note = BADGE_FIRED, f"Alert fired at {clock_text(fired)}"
            badges[rule.symbol] = (badge, note)
        for symbol in self._badged - set(badges):
            self._quotes.set_badge(symbol, 0)
        for symbol, (badge, note) in badges.items():
            self._quotes.set_badge(symbol, badge, note)
        self._badged = set(badges)

    def _report(self, what: str, exc: Exception) -> None:
        log.error("%s: %s", what, exc)
        self.problem.emit(f"{what}: {exc}.")
