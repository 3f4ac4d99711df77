"""The main window's Time & Sales dock: follows the watchlist's current row, pops out on request."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QLabel, QToolButton, QWidget

from desktop.qt.palette import colors, follow_theme
from desktop.qt.tape_model import TapeModel
from desktop.widgets.tape_panel import TapePanel

__all__ = ["TapeDock"]

_TITLE_STYLE = """
QWidget#tapeDockTitle {{ background: {c.window}; border-bottom: 1px solid {c.border}; }}
QLabel#tapeDockCaption {{ color: {c.muted}; font-weight: 600; }}
QToolButton {{ border: 1px solid transparent; border-radius: 3px; padding: 1px 6px; }}
QToolButton:hover {{ background: {c.hover}; border-color: {c.edge}; }}
"""


class _TitleBar(QWidget):
    """Caption, Pop out and Close; a double-click pops the tape out."""

    doubleClicked = Signal()

    def __init__(self, dock: QDockWidget) -> None:
        super().__init__(dock)
        self.setObjectName("tapeDockTitle")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.caption = QLabel("Time & Sales", self)
        self.caption.setObjectName("tapeDockCaption")
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.pop_out = QToolButton(self)
        self.pop_out.setObjectName("tapePopOutButton")
        self.pop_out.setText("Pop out")
        self.pop_out.setToolTip("Open this tape in its own window")
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setToolTip("Hide the tape (View → Time && Sales shows it again)")
        self.close_button.clicked.connect(dock.close)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 3, 4, 3)
        row.setSpacing(4)
        row.addWidget(self.caption, 1)
        row.addWidget(self.pop_out)
        row.addWidget(self.close_button)
        follow_theme(self, lambda: self.setStyleSheet(_TITLE_STYLE.format(c=colors())))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """Double-click on the title pops out."""
        if event.button() == Qt.MouseButton.LeftButton:
            self.doubleClicked.emit()
            event.accept()
            return
        event.ignore()


class TapeDock(QDockWidget):
    """A `TapePanel` docked in the main window, showing the watchlist's current symbol."""

    popOutRequested = Signal(str)
    """The user asked for this symbol's tape in its own window."""

    def __init__(self, model: TapeModel, parent: QWidget | None = None) -> None:
        super().__init__("Time && Sales", parent)  # a tab shows the title with & as mnemonic
        self.setObjectName("tapeDock")
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.panel = TapePanel(model, self)
        self.setWidget(self.panel)
        self._title = _TitleBar(self)
        self.setTitleBarWidget(self._title)
        self._title.pop_out.clicked.connect(self._request_pop_out)
        self._title.doubleClicked.connect(self._request_pop_out)
        self.toggleViewAction().setText("&Time && Sales")
        self.toggleViewAction().setToolTip("Show or hide the time & sales tape")
        model.modelReset.connect(self._update_caption)
        self._update_caption()

    def model(self) -> TapeModel:
        """The docked tape's model."""
        return self.panel.model()

    def pop_out_button(self) -> QToolButton:
        """The title bar's Pop out button."""
        return self._title.pop_out

    def caption(self) -> str:
        """The title bar's text."""
        return self._title.caption.text()

    def _update_caption(self) -> None:
        symbol = self.model().symbol()
        self._title.caption.setText(f"Time & Sales · {symbol}" if symbol else "Time & Sales")
        self._title.pop_out.setEnabled(symbol is not None)

    def _request_pop_out(self) -> None:
        symbol = self.model().symbol()
        if symbol:
            self.popOutRequested.emit(symbol)
