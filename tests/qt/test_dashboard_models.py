"""The dashboard's models: every model passes qtmodeltester; a re-rank keeps the selection on its
symbol; a held list waits; the controller ranks a scripted market."""

from __future__ import annotations

from PySide6.QtCore import QPersistentModelIndex

from desktop.domain.top_movers import MoverMode
from desktop.domain.volume_anomalies import Anomaly
from desktop.qt.anomaly_model import AnomalyModel
from desktop.qt.dashboard_controller import DashboardController
from tests.domain.test_volume_anomalies import SYMBOLS, ScriptedMarket, ms


def anomaly(symbol: str, score: float, rvol: float) -> Anomaly:
    return Anomaly(symbol, score, (), rel_volume=rvol)


def test_a_rerank_moves_rows_and_persistent_indexes_follow_their_symbol(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = AnomalyModel()
    model.set_rows([anomaly("AAPL.US", 2.0, 4.1), anomaly("NVDA.US", 1.0, 2.2)])
    qtmodeltester.check(model)
    held = QPersistentModelIndex(model.index(1, 0))
    model.set_rows([anomaly("NVDA.US", 3.0, 6.5), anomaly("AAPL.US", 1.0, 2.0)])
    assert model.symbols() == ["NVDA.US", "AAPL.US"]
    assert held.row() == 0 and model.text(0, 2) == "6.5×"
    model.set_rows([anomaly("TSLA.US", 1.0, 2.0)])
    assert model.rowCount() == 1


def test_a_held_list_waits_and_applies_the_newest_ranking_on_release() -> None:
    model = AnomalyModel()
    model.set_rows([anomaly("AAPL.US", 2.0, 4.1), anomaly("NVDA.US", 1.0, 2.2)])
    model.set_held(True)
    model.set_rows([anomaly("NVDA.US", 3.0, 6.5), anomaly("AAPL.US", 1.0, 2.0)])
    assert model.symbols() == ["AAPL.US", "NVDA.US"]
    model.set_held(False)
    assert model.symbols() == ["NVDA.US", "AAPL.US"]


def test_the_controller_ranks_the_scripted_market_with_reasons(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    market = ScriptedMarket()
    now = [ms(10, 29, 59)]
    controller = DashboardController(
        market.book, market.bars, market.tape, lambda: list(SYMBOLS), lambda: now[0]
    )
    controller.set_active(True)
    controller.set_active(False)  # hidden at 10:29:59: "last looked" then
    market.surge()
    now[0] = ms(10, 30, 55)
    controller.set_mover_mode(MoverMode.SINCE_LOOKED)
    controller.refresh()
    anomalies, movers = controller.anomalies, controller.movers
    qtmodeltester.check(anomalies)
    qtmodeltester.check(movers)
    assert anomalies.symbols() == ["TSLA.US", "NVDA.US", "AAPL.US"]
    assert anomalies.text(1, anomalies.REASON_COLUMN).startswith("3.1× usual volume for 10:30")
    assert movers.symbols()[0] == "TSLA.US" and movers.text(0, 4) == "+1.95%"
    controller.set_rank_by("rvol")
    assert anomalies.symbols()[0] == "NVDA.US"


def test_a_new_feed_forgets_the_baseline_and_a_shown_dashboard_looks_again(qapp: object) -> None:
    market = ScriptedMarket()
    now = [ms(10, 29, 0)]
    controller = DashboardController(
        market.book, market.bars, market.tape, lambda: list(SYMBOLS), lambda: now[0]
    )
    controller.set_active(True)
    controller.forget_baseline()  # another feed started
    now[0] = ms(10, 29, 30)
    controller.refresh()
    assert controller.baseline is not None and controller.baseline.at_ms == ms(10, 29, 30)
    controller.set_active(False)
    controller.forget_baseline()
    controller.refresh()  # hidden: no look
    assert controller.baseline is None
