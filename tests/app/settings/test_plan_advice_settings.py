"""Settings suggests the plan that would fit while symbols are "not streaming — never ticked"."""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtWidgets import QApplication

from desktop.app.feed_source import FeedSource
from desktop.app.settings_controller import SettingsController
from desktop.domain.subscription_report import ConnectionReport, SubscriptionReport
from desktop.domain.truth_terms import Truth, TruthVerdict
from desktop.protocol.plans import Plan
from tests.app.settings.conftest import MemoryStateStore

CODES = ("A.US", "B.US", "C.US", "D.US", "E.US", "F.US", "G.US", "H.US")
REPORT = SubscriptionReport(
    "basic", 1, 100, (ConnectionReport(0, "live", CODES, CODES, CODES[:5]),), {}
)
NEVER = TruthVerdict(Truth.NOT_STREAMING, "never ticked — probably beyond your plan's 5 codes")


class Feed:
    """The part of `FeedControl` the advice reads: what streams now."""

    def __init__(self, source: FeedSource) -> None:
        self.source = source

    def on_resume_requested(self, slot: Callable[[], None]) -> None:
        pass

    def current_source(self) -> FeedSource | None:
        return self.source


def verdicts(silent: int) -> dict[str, TruthVerdict]:
    return {c: NEVER if i >= 8 - silent else TruthVerdict(Truth.LIVE) for i, c in enumerate(CODES)}


def test_settings_suggest_the_plan_while_symbols_never_tick_and_drop_it_once_they_do(
    qapp: QApplication,
) -> None:
    feed = Feed(FeedSource.provider("wss://example", "t", Plan.BASIC, "keyring"))
    controller = SettingsController(None, feed, MemoryStateStore())  # type: ignore[arg-type]
    controller.set_subscriptions(lambda: REPORT)
    dialog = controller.open_dialog()
    try:
        assert "never ticked" not in dialog.streaming_text()
        controller.on_verdicts(verdicts(3))
        text = dialog.streaming_text()  # the open dialog follows the judgement
        assert text.startswith("Streaming now: AllTick (live data), Basic plan\n3 of 8 symbols")
        assert "Basic (1 connection of 100 codes) fits all 8" in text
        assert "or choose Free here" in text
        controller.on_verdicts(verdicts(0))
        assert dialog.streaming_text() == "Streaming now: AllTick (live data), Basic plan"
    finally:
        shiboken6.delete(dialog)


def test_demo_data_gets_no_plan_advice(qapp: QApplication) -> None:
    feed = Feed(FeedSource.simulator())
    controller = SettingsController(None, feed, MemoryStateStore())  # type: ignore[arg-type]
    controller.set_subscriptions(lambda: REPORT)
    controller.on_verdicts(verdicts(3))
    assert controller.plan_advice is None
