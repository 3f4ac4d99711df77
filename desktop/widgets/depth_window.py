"""A popped-out depth ladder: an independent top-level window for one symbol.

Any number can be open, each on any screen. A window is either pinned to its symbol or linked to
a colour group (`qt.link_groups`) and follows it; it can be kept on top of other windows. It emits
what changed and never touches the feed or the database: `DepthWindowManager` does the rest.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, Qt, Signal
from PySide6.QtGui import QCloseEvent, QMoveEvent, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.qt.depth_model import DepthLadderModel
from desktop.qt.link_groups import link_group
from desktop.qt.palette import colors, follow_theme
from desktop.qt.truth_monitor import TruthMonitor
from desktop.widgets.depth_ladder import DepthLadder
from desktop.widgets.link_controls import LinkGroupButton, SymbolEdit
from desktop.widgets.shortcut_sheet import DEPTH_WINDOW, install_window_keys
from desktop.widgets.truth_chip import TruthBinding

__all__ = ["DepthWindow"]

_TOOLBAR_STYLE = """
QWidget#depthToolbar {{ background: {c.window}; border-bottom: 1px solid {c.border}; }}
QLineEdit#depthSymbolEdit {{
    background: {c.background}; border: 1px solid {c.edge}; border-radius: 3px; padding: 2px 6px;
    font-weight: 600;
}}
QLineEdit#depthSymbolEdit[invalid="true"] {{ border-color: {c.note}; }}
QToolButton {{ border: 1px solid transparent; border-radius: 3px; padding: 2px 6px; }}
QToolButton:hover {{ background: {c.hover}; }}
QToolButton:checked {{ background: {c.highlight}; border-color: {c.checked_edge}; }}
QToolButton::menu-indicator {{ image: none; width: 0px; }}
QLabel#depthError {{ color: {c.note}; padding: 2px 8px; }}
"""


class DepthWindow(QWidget):
    """Top-level window: a toolbar (symbol, link group, on-top, screen) over a `DepthLadder`."""

    symbolChanged = Signal(str)
    """The window shows another symbol (typed by the user or followed from its link group)."""
    symbolTyped = Signal(str)
    """The user typed a symbol: a linked window publishes it to its group."""
    linkGroupChanged = Signal(object)
    """The group key the window follows now, or None when pinned."""
    placementChanged = Signal()
    """Moved, resized, sent to another screen or put on top: worth saving."""
    closed = Signal()
    """The user closed the window."""

    def __init__(
        self,
        model: DepthLadderModel,
        symbol: str,
        link_group_key: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("depthWindow")
        self._model = model
        self._truth: TruthBinding | None = None
        group = link_group(link_group_key)
        self._group: str | None = group.key if group is not None else None
        self._ladder = DepthLadder(model, self)
        self._build_toolbar()
        self._error = QLabel(self)
        self._error.setObjectName("depthError")
        self._error.setTextFormat(Qt.TextFormat.PlainText)
        self._error.setWordWrap(True)
        self._error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._toolbar)
        layout.addWidget(self._error)
        layout.addWidget(self._ladder, 1)
        follow_theme(self, lambda: self.setStyleSheet(_TOOLBAR_STYLE.format(c=colors())))
        install_window_keys(self, DEPTH_WINDOW, {"close": self.close})
        self.resize(540, 620)
        self.set_symbol(symbol)
        self._show_group()

    # -- construction -------------------------------------------------------------------------
    def _build_toolbar(self) -> None:
        self._toolbar = QWidget(self)
        self._toolbar.setObjectName("depthToolbar")
        self._toolbar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._edit = SymbolEdit("depthSymbolEdit", self._toolbar)
        self._edit.setMaximumWidth(130)
        self._edit.symbolEntered.connect(self._on_symbol_entered)
        self._edit.problemChanged.connect(self._show_problem)
        self._link_button = LinkGroupButton(
            "depthLinkButton",
            "A colour group follows the symbol published to it "
            "(the watchlist publishes its selection to its group).",
            self._toolbar,
        )
        self._link_button.groupChosen.connect(self.set_link_group)
        self._top_button = QToolButton(self._toolbar)
        self._top_button.setObjectName("depthOnTopButton")
        self._top_button.setText("On top")
        self._top_button.setCheckable(True)
        self._top_button.setToolTip("Keep this window above other windows")
        self._top_button.toggled.connect(self.set_always_on_top)
        self._screen_button = QToolButton(self._toolbar)
        self._screen_button.setObjectName("depthScreenButton")
        self._screen_button.setText("Screen ▾")
        self._screen_button.setToolTip("Move this window to another screen")
        self._screen_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._screen_menu = QMenu(self._screen_button)
        self._screen_menu.aboutToShow.connect(self._fill_screen_menu)
        self._screen_button.setMenu(self._screen_menu)
        row = QHBoxLayout(self._toolbar)
        row.setContentsMargins(6, 4, 6, 4)
        row.setSpacing(4)
        row.addWidget(self._edit)
        row.addWidget(self._link_button)
        row.addStretch(1)
        row.addWidget(self._screen_button)
        row.addWidget(self._top_button)

    # -- public API ---------------------------------------------------------------------------
    def ladder(self) -> DepthLadder:
        """The ladder widget inside."""
        return self._ladder

    def content_height(self) -> int:
        """Height that shows the toolbar and the whole ladder without a gap below it."""
        return self._toolbar.sizeHint().height() + self._ladder.content_height()

    def model(self) -> DepthLadderModel:
        """The ladder's model."""
        return self._model

    def symbol(self) -> str:
        """The symbol shown."""
        return self._model.symbol() or ""

    def set_symbol(self, symbol: str) -> None:
        """Show `symbol` (already canonical); emits `symbolChanged` when it changes."""
        changed = symbol != self._model.symbol()
        self._model.set_symbol(symbol)
        self._edit.setText(symbol)
        self._edit.set_problem("")
        self.setWindowTitle(self.base_title())
        if self._truth is not None:
            self._truth.refresh()  # the chip follows the symbol; the title gets its mark back
        if changed:
            self.symbolChanged.emit(symbol)

    def base_title(self) -> str:
        """The window title before any demo or replay mark."""
        return f"{self.symbol()} — Depth · Quote Board"

    def attach_truth(self, monitor: TruthMonitor) -> None:
        """Show the symbol's truth chip and dimming, and mark the title on demo or replay data."""
        self._truth = self.ladder().attach_truth(monitor, (self, self.base_title))

    def error_text(self) -> str:
        """The message about the last symbol typed, if it was not one ("" otherwise)."""
        return self._error.text() if not self._error.isHidden() else ""

    def link_group(self) -> str | None:
        """The group key followed, or None when pinned."""
        return self._group

    def is_pinned(self) -> bool:
        """True when the window keeps its symbol."""
        return self._group is None

    def set_link_group(self, key: str | None) -> None:
        """Follow group `key` (None: pin to the current symbol)."""
        group = link_group(key)
        key = group.key if group is not None else None
        if key == self._group:
            self._show_group()
            return
        self._group = key
        self._show_group()
        self.linkGroupChanged.emit(key)

    def is_always_on_top(self) -> bool:
        """True when the window stays above others."""
        return bool(self.windowFlags() & Qt.WindowType.WindowStaysOnTopHint)

    def set_always_on_top(self, on: bool) -> None:
        """Keep the window above others (changing the flag re-creates it: keep its geometry)."""
        if on == self.is_always_on_top():
            return
        geometry = self.geometry()
        visible = self.isVisible()
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, on)
        self.setGeometry(geometry)
        if visible:
            self.show()
        self._top_button.blockSignals(True)
        self._top_button.setChecked(on)
        self._top_button.blockSignals(False)
        self.placementChanged.emit()

    def move_to_screen(self, name: str) -> bool:
        """Centre the window on the named screen's available area; False if no such screen."""
        for screen in QApplication.screens():
            if screen.name() == name:
                area = screen.availableGeometry()
                size = self.size().boundedTo(area.size())
                rect = QRect(0, 0, size.width(), size.height())
                rect.moveCenter(area.center())
                self.setScreen(screen)
                self.setGeometry(rect)
                self.placementChanged.emit()
                return True
        return False

    # -- internals ----------------------------------------------------------------------------
    def _show_group(self) -> None:
        self._link_button.show_group(self._group)

    def _fill_screen_menu(self) -> None:
        self._screen_menu.clear()
        current = self.screen()
        for screen in QApplication.screens():
            size = screen.geometry()
            action = self._screen_menu.addAction(
                f"{screen.name()}  ({size.width()}×{size.height()})"
            )
            action.setCheckable(True)
            action.setChecked(screen is current)
            name = screen.name()
            action.triggered.connect(lambda _c=False, n=name: self.move_to_screen(n))

    def _show_problem(self, text: str) -> None:
        self._error.setText(text)
        self._error.setVisible(bool(text))

    def _on_symbol_entered(self, symbol: str) -> None:
        self.set_symbol(symbol)
        self.symbolTyped.emit(symbol)

    # -- events -------------------------------------------------------------------------------
    def moveEvent(self, event: QMoveEvent) -> None:
        """Moving is a placement change worth saving."""
        super().moveEvent(event)
        self.placementChanged.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Resizing is a placement change worth saving."""
        super().resizeEvent(event)
        self.placementChanged.emit()

    def changeEvent(self, event: QEvent) -> None:
        """A window dragged onto another screen changes placement too."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.WindowStateChange:
            self.placementChanged.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        """The user closed it: the manager forgets it (it is not restored next time)."""
        self.closed.emit()
        event.accept()
