"""The plan Settings suggests when the server drops symbols silently (beyond the token's plan)."""

from __future__ import annotations

from desktop.domain.subscription_report import ConnectionReport, SubscriptionReport
from desktop.domain.truth_terms import Truth, TruthVerdict
from desktop.protocol.plans import Plan, advise, plan_advice, plan_for


def test_the_cheapest_plan_that_holds_every_symbol_is_found() -> None:
    assert plan_for(5) is not None and plan_for(5).plan is Plan.FREE  # type: ignore[union-attr]
    assert plan_for(6).plan is Plan.BASIC  # type: ignore[union-attr]
    assert plan_for(101).plan is Plan.PREMIUM  # type: ignore[union-attr]
    assert plan_for(601).plan is Plan.PROFESSIONAL  # type: ignore[union-attr]
    assert plan_for(30_001) is None


def test_a_free_token_set_up_as_basic_is_told_basic_fits_and_free_is_what_it_gets() -> None:
    text = plan_advice(Plan.BASIC, wanted=8, never_ticked=3, ticking=5)
    assert text.startswith("3 of 8 symbols never ticked while 5 did on the same connection")
    assert "smaller than Basic, chosen here" in text
    assert "Basic (1 connection of 100 codes) fits all 8: check that your token is on it" in text
    assert "or choose Free here, so the board streams the 5 it can" in text


def test_a_plan_too_small_for_the_lists_is_told_which_plan_would_fit() -> None:
    text = plan_advice(Plan.PROFESSIONAL, wanted=250, never_ticked=150, ticking=100)
    assert "Premium (3 connections of 200 codes) would fit all 250" in text
    assert "or choose Basic here, so the board streams the 100 it can" in text


def test_silence_a_plan_would_not_explain_is_not_blamed_on_the_plan() -> None:
    text = plan_advice(Plan.BASIC, wanted=3, never_ticked=1, ticking=2)
    assert "Even Free (1 connection of 5 codes) would stream them all" in text
    assert "would fit" not in text and "choose" not in text


def test_more_symbols_than_any_plan_holds_says_so() -> None:
    text = plan_advice(Plan.PROFESSIONAL, wanted=40_000, never_ticked=10_000, ticking=3000)
    assert "No plan streams 40,000 symbols: Professional (10 connections of 3,000 codes)" in text


def _report(accepted: tuple[str, ...], ticking: tuple[str, ...]) -> SubscriptionReport:
    conn = ConnectionReport(0, "live", accepted, accepted, ticking)
    return SubscriptionReport("basic", 1, 100, (conn,), {})


def test_advice_comes_only_from_symbols_judged_never_ticked() -> None:
    live = TruthVerdict(Truth.LIVE)
    never = TruthVerdict(Truth.NOT_STREAMING, "never ticked — probably beyond your plan's 5 codes")
    limit = TruthVerdict(Truth.NOT_STREAMING, "plan limit")
    codes = [f"{c}.US" for c in "ABCDEFGH"]
    report = _report(tuple(codes), tuple(codes[:5]))
    asked: list[bool] = []

    def report_of() -> SubscriptionReport:
        asked.append(True)
        return report

    judged = {c: live for c in codes[:5]}
    assert advise(Plan.BASIC, {**judged, "F.US": limit}, report_of) is None
    assert not asked, "no report is built while every symbol ticks"
    text = advise(Plan.BASIC, {**judged, **{c: never for c in codes[5:]}}, report_of)
    assert text is not None and text.startswith("3 of 8 symbols never ticked while 5 did")
