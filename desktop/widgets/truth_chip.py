"""The truth chip every view shows ("Live · 2 s", "Stale · 42 s", "Demo · 0 s") and its dimming.

One widget and one binding for the depth dock, every pop-out ladder, chart windows and the
heatmap, so a state reads the same everywhere: same words and colours (`qt.truth_style`), same
greying of a view whose prices are not current.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QGraphicsOpacityEffect, QLabel, QWidget

from desktop.domain.truth import FeedMode
from desktop.domain.truth_terms import TruthVerdict
from desktop.qt.palette import theme_notifier
from desktop.qt.plain_text import plain_tooltip
from desktop.qt.truth_monitor import TruthMonitor
from desktop.qt.truth_style import DIM_OPACITY, chip_style

__all__ = ["TruthBinding", "TruthChip", "is_dimmed", "mode_title", "set_dimmed"]

_MODE_MARKS = {FeedMode.DEMO: "DEMO DATA", FeedMode.REPLAY: "REPLAY"}


def mode_title(title: str, mode: FeedMode) -> str:
    """A window title that never lets demo or replay data pass for live: "AAPL.US — DEMO DATA"."""
    mark = _MODE_MARKS.get(mode)
    return f"{title} — {mark}" if mark else title


def set_dimmed(widget: QWidget, dim: bool) -> None:
    """Grey `widget` (its prices are not current) or restore it: the same look in every view."""
    effect = widget.graphicsEffect()
    if dim:
        if not isinstance(effect, QGraphicsOpacityEffect):
            effect = QGraphicsOpacityEffect(widget)
            effect.setOpacity(DIM_OPACITY)
            widget.setGraphicsEffect(effect)
    elif effect is not None:
        widget.setGraphicsEffect(None)  # type: ignore[arg-type]


def is_dimmed(widget: QWidget) -> bool:
    """Whether `set_dimmed` greyed `widget`."""
    return isinstance(widget.graphicsEffect(), QGraphicsOpacityEffect)


class TruthChip(QLabel):
    """A small coloured label with a quote's state and the age of its last update."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("truthChip")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verdict: TruthVerdict | None = None
        self.hide()
        theme_notifier().changed.connect(self._restyle)

    def _restyle(self) -> None:
        if self.verdict is not None:
            self.setStyleSheet(chip_style(self.verdict))

    def show_verdict(self, verdict: TruthVerdict | None) -> None:
        """Show `verdict` (None hides the chip: no symbol, or not judged yet)."""
        if verdict == self.verdict:
            return
        previous, self.verdict = self.verdict, verdict
        if verdict is None:
            self.hide()
            return
        self.setText(verdict.chip)
        if previous is None or previous.state is not verdict.state:
            self.setStyleSheet(chip_style(verdict))
        self.setToolTip(plain_tooltip(verdict.sentence))  # reasons may quote the server
        self.show()


class TruthBinding(QObject):
    """Keeps one view's chip, dimming and title in step with the monitor's verdicts."""

    def __init__(
        self,
        monitor: TruthMonitor,
        symbol: Callable[[], str | None],
        chip: TruthChip,
        dim: QWidget | None = None,
        title: tuple[QWidget, Callable[[], str]] | None = None,
    ) -> None:
        super().__init__(chip)
        self._monitor = monitor
        self._symbol = symbol
        self._chip = chip
        self._dim = dim
        self._title = title
        monitor.verdictsChanged.connect(self._on_verdicts)
        monitor.modeChanged.connect(self.refresh)
        self.refresh()

    def refresh(self, *_args: object) -> None:
        """Re-read the verdict now (the view's symbol changed)."""
        symbol = self._symbol()
        self._show(None if symbol is None else self._monitor.verdict(symbol))

    def _on_verdicts(self, verdicts: Mapping[str, TruthVerdict]) -> None:
        symbol = self._symbol()
        self._show(None if symbol is None else verdicts.get(symbol))

    def _show(self, verdict: TruthVerdict | None) -> None:
        self._chip.show_verdict(verdict)
        if self._dim is not None:
            set_dimmed(self._dim, verdict is not None and verdict.dim)
        if self._title is not None:
            window, base = self._title
            title = mode_title(base(), self._monitor.mode)
            if window.windowTitle() != title:
                window.setWindowTitle(title)
