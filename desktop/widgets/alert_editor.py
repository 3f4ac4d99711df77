"""A small non-modal editor for a new alert on one symbol, opened from a row's context menu."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.alerts import (
    AlertKind,
    AlertRule,
    AlertRuleError,
    ArmSessions,
    ChangeDirection,
    PriceField,
    validate,
)
from desktop.domain.formatting import format_change_pct, format_price, market_of, price_decimals
from desktop.domain.quote_book import QuoteState
from desktop.qt.palette import colors, follow_theme

__all__ = ["AlertEditor"]

_KINDS = (
    (AlertKind.PRICE_ABOVE, "Price at or above"),
    (AlertKind.PRICE_BELOW, "Price at or below"),
    (AlertKind.CHANGE_PCT, "Change % beyond"),
    (AlertKind.VOLUME_ANOMALY, "Volume anomaly"),
)
_DIRECTIONS = (
    (ChangeDirection.EITHER, "Up or down"),
    (ChangeDirection.UP, "Up only"),
    (ChangeDirection.DOWN, "Down only"),
)


class AlertEditor(QDialog):
    """Builds one `AlertRule`; `submitted` carries it once it is valid. Shown with `show()`."""

    submitted = Signal(object)
    """A validated `AlertRule` (no id yet)."""

    def __init__(
        self, symbol: str, state: QuoteState | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("alertEditor")
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(f"New Alert — {symbol}")
        self.symbol = symbol
        self._market = market_of(symbol)
        last = state.last if state is not None else None
        self._last = last
        self._state = state
        self._decimals = price_decimals(self._market, last) if last is not None else 2

        heading = QLabel(self)
        heading.setTextFormat(Qt.TextFormat.PlainText)  # the name comes from the network
        name = state.name if state is not None else ""
        quote = ""
        if last is not None:
            change = format_change_pct(state.change_pct) if state is not None else ""
            quote = f"   Last {format_price(self._market, last)}  {change}".rstrip()
        heading.setText(f"{symbol}  {name}{quote}".strip())
        self.kind = QComboBox(self)
        for kind, text in _KINDS:
            self.kind.addItem(text, kind.value)
        self.threshold = QDoubleSpinBox(self)
        self.threshold.setMaximum(1e9)
        self.threshold.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.field = QComboBox(self)
        self.field.setObjectName("alertField")
        for field in PriceField:
            self.field.addItem(field.label, field.value)
        self.field.setToolTip("Watch the last trade, the best bid, the best ask or the spread")
        self.sessions = QComboBox(self)
        self.sessions.setObjectName("alertSessions")
        for armed in ArmSessions:
            self.sessions.addItem(armed.label, armed.value)
        self.sessions.setToolTip(
            "When the alert may fire; US pre-market is 04:00–09:30 ET, post-market 16:00–20:00 ET"
        )
        self.sound = QCheckBox("Play a sound", self)
        self.sound.setObjectName("alertSound")
        self.sound.setChecked(True)
        self.direction = QComboBox(self)
        for direction, text in _DIRECTIONS:
            self.direction.addItem(text, direction.value)
        self.window_min = QSpinBox(self)
        self.window_min.setRange(1, 120)
        self.window_min.setValue(5)
        self.window_min.setSuffix(" min")
        self.cooldown_min = QSpinBox(self)
        self.cooldown_min.setRange(0, 24 * 60)
        self.cooldown_min.setValue(5)
        self.cooldown_min.setSuffix(" min")
        self.cooldown_min.setToolTip("After firing, stay quiet at least this long")
        for spin in (self.window_min, self.cooldown_min):
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.error = QLabel(self)
        self.error.setObjectName("alertEditorError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        follow_theme(self.error, lambda: self.error.setStyleSheet(f"color: {colors().down};"))
        self.error.setWordWrap(True)
        self.error.hide()

        form = QFormLayout()
        form.addRow("Condition", self.kind)
        form.addRow("Watch", self.field)
        self._threshold_label = QLabel("Price", self)
        form.addRow(self._threshold_label, self.threshold)
        form.addRow("Direction", self.direction)
        form.addRow("Window", self.window_min)
        form.addRow("Cooldown", self.cooldown_min)
        form.addRow("Armed", self.sessions)
        form.addRow("", self.sound)
        self._form = form
        buttons = QDialogButtonBox(self)
        self.create_button = buttons.addButton("Create", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        hint = QLabel(
            "Fires once when the condition holds, then re-arms when it clears; "
            "only in the sessions it is armed for.",
            self,
        )
        hint.setWordWrap(True)
        follow_theme(hint, lambda: hint.setStyleSheet(f"color: {colors().muted};"))
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self._on_kind)
        self.field.currentIndexChanged.connect(self._on_kind)
        self._on_kind()
        self.setMinimumWidth(380)

    def set_kind(self, kind: AlertKind) -> None:
        """Pick a condition (and its sensible default threshold)."""
        self.kind.setCurrentIndex(self.kind.findData(kind.value))

    def current_kind(self) -> AlertKind:
        """The chosen condition."""
        return AlertKind(self.kind.currentData())

    def set_field(self, field: PriceField) -> None:
        """Watch the last trade, the bid, the ask or the spread (price conditions)."""
        self.field.setCurrentIndex(self.field.findData(field.value))

    def set_sessions(self, armed: ArmSessions) -> None:
        """When the alert may fire."""
        self.sessions.setCurrentIndex(self.sessions.findData(armed.value))

    def _start_value(self, field: PriceField) -> float:
        """The current value of the watched number (0 when unknown)."""
        state = self._state
        if state is None:
            return 0.0
        if field is PriceField.SPREAD:
            bid, ask = state.bid, state.ask
            return float(ask - bid) if bid is not None and ask is not None else 0.0
        value = {PriceField.LAST: state.last, PriceField.BID: state.bid, PriceField.ASK: state.ask}
        number = value[field]
        return float(number) if number is not None else 0.0

    def _on_kind(self) -> None:
        kind = self.current_kind()
        spin = self.threshold
        price_rule = kind in (AlertKind.PRICE_ABOVE, AlertKind.PRICE_BELOW)
        if price_rule:
            field = PriceField(self.field.currentData())
            start = self._start_value(field)
            self._threshold_label.setText("Spread" if field is PriceField.SPREAD else "Price")
            spin.setDecimals(self._decimals)
            spin.setSuffix("")
            spin.setSingleStep(10**-self._decimals * 10)
            if field is PriceField.SPREAD:
                spin.setValue(start * (2.0 if kind is AlertKind.PRICE_ABOVE else 0.5))
            else:
                spin.setValue(start * (1.01 if kind is AlertKind.PRICE_ABOVE else 0.99))
        elif kind is AlertKind.CHANGE_PCT:
            self._threshold_label.setText("Change")
            spin.setDecimals(2)
            spin.setSuffix(" %")
            spin.setSingleStep(0.25)
            spin.setValue(3.0)
        else:
            self._threshold_label.setText("Multiple")
            spin.setDecimals(1)
            spin.setSuffix(" × session rate")
            spin.setSingleStep(0.5)
            spin.setValue(3.0)
        self._form.setRowVisible(self.field, price_rule)
        self._form.setRowVisible(self.direction, kind is AlertKind.CHANGE_PCT)
        self._form.setRowVisible(self.window_min, kind is AlertKind.VOLUME_ANOMALY)
        self.error.hide()

    def rule(self) -> AlertRule:
        """The rule as the fields describe it (not validated)."""
        kind = self.current_kind()
        decimals = self.threshold.decimals()
        return AlertRule(
            self.symbol,
            kind,
            Decimal(f"{self.threshold.value():.{decimals}f}"),
            window_min=self.window_min.value(),
            direction=ChangeDirection(self.direction.currentData()),
            cooldown_s=float(self.cooldown_min.value() * 60),
            field=(
                PriceField(self.field.currentData())
                if kind in (AlertKind.PRICE_ABOVE, AlertKind.PRICE_BELOW)
                else PriceField.LAST
            ),
            sessions=ArmSessions(self.sessions.currentData()),
            sound=self.sound.isChecked(),
        )

    def submit(self) -> None:
        """Emit the rule and close, or show why it cannot be made and stay open."""
        try:
            rule = validate(self.rule())
        except AlertRuleError as exc:
            self.show_error(str(exc))
            return
        self.submitted.emit(rule)
        self.accept()

    def show_error(self, text: str) -> None:
        """Show a sentence under the form."""
        self.error.setText(text)
        self.error.show()
