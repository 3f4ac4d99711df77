"""The watchlists as stored, shown: one `WatchlistTableModel` per list over the shared book.

`_sync` is the only place models are made, refilled or dropped: it reads the lists back from the
`WatchlistStore` and emits what changed — list metadata, models, and the union of every list's
symbols (what the feed streams), so one drop of 50 symbols is one subscription change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, Signal

from desktop.domain.quote_book import QuoteBook
from desktop.domain.truth_terms import TruthVerdict
from desktop.domain.watchlist import WatchlistInfo, WatchlistStore
from desktop.qt.watchlist_model import WatchlistEditor, WatchlistTableModel

__all__ = ["ListRows", "WatchlistMirror"]


class ListRows:
    """Every list's rows at once, for per-symbol row state: truth states and "not streaming" notes."""

    def __init__(self, lists: WatchlistMirror) -> None:
        self._lists = lists

    def symbols(self) -> list[str]:
        """The union of all lists."""
        return self._lists.all_symbols()

    def set_row_truth(self, symbol: str, verdict: TruthVerdict) -> None:
        """The truth state (chip, age, dimming) on every list showing `symbol`."""
        for model in self._lists.models():
            model.set_row_truth(symbol, verdict)

    def set_notes(self, notes: Mapping[str, str]) -> None:
        """Rows the feed cannot stream say why; every other row's note is cleared."""
        for model in self._lists.models():
            for symbol in model.symbols():
                model.set_row_note(symbol, notes.get(symbol))


class WatchlistMirror(QObject):
    """The stored lists and one table model each, kept in line with the database by `_sync`."""

    listsChanged = Signal()
    """Lists were added, removed, renamed, reordered, or their counts changed."""
    symbolsChanged = Signal(list)
    """The union of every list's symbols changed (the feed's desired set)."""
    modelAdded = Signal(object)
    """A new `WatchlistTableModel` (the flush loop must refresh it)."""
    modelRemoved = Signal(object)
    """A model that no longer shows a list."""

    def __init__(
        self,
        repo: WatchlistStore,
        book: QuoteBook,
        editor: WatchlistEditor,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._repo = repo
        self._book = book
        self._editor = editor
        self._models: dict[int, WatchlistTableModel] = {}
        self._lists: list[WatchlistInfo] = []
        self._union: frozenset[str] = frozenset()
        self._sync()

    # -- reading ------------------------------------------------------------------------------
    def lists(self) -> list[WatchlistInfo]:
        """Lists in tab order, with counts."""
        return list(self._lists)

    def info(self, list_id: int) -> WatchlistInfo | None:
        """One list, or None."""
        return next((info for info in self._lists if info.id == list_id), None)

    def model(self, list_id: int) -> WatchlistTableModel | None:
        """The table model of a list."""
        return self._models.get(list_id)

    def models(self) -> list[WatchlistTableModel]:
        """Every list's model, in tab order."""
        return [self._models[info.id] for info in self._lists if info.id in self._models]

    def all_symbols(self) -> list[str]:
        """The union of all lists (tab order, then row order): what the feed streams."""
        return list(dict.fromkeys(s for m in self.models() for s in m.list_symbols()))

    def symbols(self, list_id: int) -> list[str]:
        """A list's symbols in its own order."""
        model = self._models.get(list_id)
        return model.list_symbols() if model is not None else []

    def clear_rows(self, between: Callable[[], object] = lambda: None) -> None:
        """A new feed: empty every table, run `between` (forget the old book), refill the lists."""
        kept = [(model, model.list_symbols()) for model in self.models()]
        for model, _ in kept:
            model.set_symbols([])
        between()
        for model, symbols in kept:
            model.apply_symbols(symbols)

    def rows(self) -> ListRows:
        """All lists' rows as one target (the freshness monitor, plan-limit notes)."""
        return ListRows(self)

    # -- mirroring ----------------------------------------------------------------------------
    def _sync(self, reload_items: bool = True) -> None:
        """Bring lists and models in line with the database; emit what changed."""
        lists = self._repo.lists()
        ids = {info.id for info in lists}
        for list_id in [i for i in self._models if i not in ids]:
            model = self._models.pop(list_id)
            self.modelRemoved.emit(model)
            model.deleteLater()
        for info in lists:
            existing = self._models.get(info.id)
            if existing is None:
                model = WatchlistTableModel(self._book, info.id, self._editor, self)
                model.set_live(False)
                model.apply_symbols(self._repo.symbols(info.id))
                self._models[info.id] = model
                self.modelAdded.emit(model)
            elif reload_items:
                stored = self._repo.symbols(info.id)
                if stored != existing.list_symbols():
                    existing.apply_symbols(stored)
        changed = lists != self._lists
        self._lists = lists
        if changed:
            self.listsChanged.emit()
        union = frozenset(self.all_symbols())
        if union != self._union:
            self._union = union
            self.symbolsChanged.emit(self.all_symbols())
