"""The main window's ladder dock: follows the watchlist's current row and pops out on request.

"Pop out" is the title bar's button or a double-click on the title; it asks for an independent
`DepthWindow` (the dock is not floatable: a pop-out is the floating form of a ladder).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QLabel, QToolButton, QWidget

from desktop.qt.depth_model import DepthLadderModel
from desktop.qt.palette import colors, follow_theme
from desktop.widgets.depth_ladder import DepthLadder

__all__ = ["DepthDock"]

_TITLE_STYLE = """
QWidget#depthDockTitle {{ background: {c.window}; border-bottom: 1px solid {c.border}; }}
QLabel#depthDockCaption {{ color: {c.muted}; font-weight: 600; }}
QToolButton {{ border: 1px solid transparent; border-radius: 3px; padding: 1px 6px; }}
QToolButton:hover {{ background: {c.hover}; border-color: {c.edge}; }}
"""


class _TitleBar(QWidget):
    """The dock's title: caption, Pop out and Close; a double-click pops the ladder out."""

    doubleClicked = Signal()

    def __init__(self, dock: QDockWidget) -> None:
        super().__init__(dock)
        self.setObjectName("depthDockTitle")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.caption = QLabel("Depth", self)
        self.caption.setObjectName("depthDockCaption")
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.pop_out = QToolButton(self)
        self.pop_out.setObjectName("depthPopOutButton")
        self.pop_out.setText("Pop out")
        self.pop_out.setToolTip("Open this ladder in its own window (Ctrl+D)")
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setToolTip("Hide the depth dock (View → Depth Ladder shows it again)")
        self.close_button.clicked.connect(dock.close)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 3, 4, 3)
        row.setSpacing(4)
        row.addWidget(self.caption, 1)
        row.addWidget(self.pop_out)
        row.addWidget(self.close_button)
        follow_theme(self, lambda: self.setStyleSheet(_TITLE_STYLE.format(c=colors())))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """Double-click on the title pops out (instead of Qt's float toggle)."""
        if event.button() == Qt.MouseButton.LeftButton:
            self.doubleClicked.emit()
            event.accept()
            return
        event.ignore()  # the dock handles the rest (dragging between dock areas)


class DepthDock(QDockWidget):
    """A `DepthLadder` docked in the main window, showing the watchlist's current symbol."""

    popOutRequested = Signal(str)
    """The user asked for this symbol's ladder in its own window."""

    def __init__(self, model: DepthLadderModel, parent: QWidget | None = None) -> None:
        super().__init__("Depth Ladder", parent)
        self.setObjectName("depthDock")
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.setAllowedAreas(
            Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self._ladder = DepthLadder(model, self)
        self.setWidget(self._ladder)
        self._title = _TitleBar(self)
        self.setTitleBarWidget(self._title)
        self._title.pop_out.clicked.connect(self._request_pop_out)
        self._title.doubleClicked.connect(self._request_pop_out)
        self.toggleViewAction().setText("&Depth Ladder")
        self.toggleViewAction().setToolTip("Show or hide the docked depth ladder")
        model.modelReset.connect(self._update_caption)
        self._update_caption()

    def ladder(self) -> DepthLadder:
        """The docked ladder."""
        return self._ladder

    def model(self) -> DepthLadderModel:
        """The docked ladder's model."""
        return self._ladder.model()

    def symbol(self) -> str | None:
        """The symbol docked now."""
        return self.model().symbol()

    def pop_out_button(self) -> QToolButton:
        """The title bar's Pop out button."""
        return self._title.pop_out

    def title_bar(self) -> QWidget:
        """The custom title bar (double-click pops out)."""
        return self._title

    def _update_caption(self) -> None:
        symbol = self.symbol()
        self._title.caption.setText(f"Depth · {symbol}" if symbol else "Depth")
        self._title.pop_out.setEnabled(symbol is not None)

    def _request_pop_out(self) -> None:
        symbol = self.symbol()
        if symbol:
            self.popOutRequested.emit(symbol)
