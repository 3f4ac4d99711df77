"""AlertRepository: rules and the alert log survive closing and reopening the database."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from desktop.domain.alerts import (
    AlertFiring,
    AlertKind,
    AlertRule,
    ArmSessions,
    ChangeDirection,
    PriceField,
)
from desktop.persistence.alerts import AlertRepository
from desktop.persistence.database import MIGRATIONS, Database

D = Decimal


def test_rules_and_their_state_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    db = Database(path)
    repo = AlertRepository(db)
    above = repo.add(AlertRule("AAPL.US", AlertKind.PRICE_ABOVE, D("190.25"), cooldown_s=60), 1.0)
    change = repo.add(
        AlertRule("00700.HK", AlertKind.CHANGE_PCT, D("3"), direction=ChangeDirection.DOWN), 2.0
    )
    volume = repo.add(AlertRule("TSLA.US", AlertKind.VOLUME_ANOMALY, D("2.5"), window_min=15), 3.0)
    assert above.id is not None and change.id is not None and volume.id is not None
    fired = AlertRule(
        above.symbol, above.kind, above.threshold, id=above.id, armed=False, last_fired_at=50.0
    )
    repo.save_states([fired])
    repo.set_enabled(volume.id, False)
    db.close()

    reopened = Database(path)
    rules = AlertRepository(reopened).rules()
    reopened.close()
    assert rules == [
        AlertRule(
            "AAPL.US",
            AlertKind.PRICE_ABOVE,
            D("190.25"),
            id=above.id,
            cooldown_s=60,
            armed=False,
            last_fired_at=50.0,
            created_at=1.0,
        ),
        AlertRule(
            "00700.HK",
            AlertKind.CHANGE_PCT,
            D("3"),
            id=change.id,
            direction=ChangeDirection.DOWN,
            created_at=2.0,
        ),
        AlertRule(
            "TSLA.US",
            AlertKind.VOLUME_ANOMALY,
            D("2.5"),
            id=volume.id,
            window_min=15,
            enabled=False,
            created_at=3.0,
        ),
    ]


def test_switching_a_rule_back_on_re_arms_it(tmp_path: Path) -> None:
    db = Database(tmp_path / "q.db")
    repo = AlertRepository(db)
    rule = repo.add(AlertRule("AAPL.US", AlertKind.PRICE_BELOW, D("100")))
    assert rule.id is not None
    repo.save_states([AlertRule(rule.symbol, rule.kind, rule.threshold, id=rule.id, armed=False)])
    repo.set_enabled(rule.id, False)
    assert repo.rules()[0].armed is False
    repo.set_enabled(rule.id, True)
    assert repo.rules()[0].armed is True and repo.rules()[0].enabled is True
    db.close()


def test_the_log_survives_a_restart_and_outlives_deleted_rules(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    db = Database(path)
    repo = AlertRepository(db)
    rule = repo.add(AlertRule("AAPL.US", AlertKind.PRICE_ABOVE, D("190")))
    assert rule.id is not None
    first = repo.log(AlertFiring(rule.id, "AAPL.US", AlertKind.PRICE_ABOVE, 100.0, "one"))
    repo.log(AlertFiring(rule.id, "AAPL.US", AlertKind.PRICE_ABOVE, 200.0, "two <b>plain</b>"))
    repo.delete(rule.id)
    db.close()

    reopened = Database(path)
    repo = AlertRepository(reopened)
    assert repo.rules() == []
    entries = repo.recent_log()
    assert [(e.message, e.rule_id, e.fired_at) for e in entries] == [
        ("two <b>plain</b>", None, 200.0),
        ("one", None, 100.0),
    ]
    assert entries[-1].id == first.id
    assert len(repo.recent_log(limit=1)) == 1
    repo.clear_log()
    assert repo.recent_log() == []
    reopened.close()


def test_a_row_from_a_newer_version_is_skipped_and_kept(tmp_path: Path) -> None:
    db = Database(tmp_path / "q.db")
    repo = AlertRepository(db)
    repo.add(AlertRule("AAPL.US", AlertKind.PRICE_ABOVE, D("190")))
    db.conn.execute(
        "INSERT INTO alerts(symbol, kind, threshold, created_at) VALUES('X.US', 'rsi_cross', '70', 0)"
    )
    db.conn.execute(
        "INSERT INTO alerts(symbol, kind, threshold, created_at) VALUES('Y.US', 'price_above', 'x', 0)"
    )
    assert [r.symbol for r in repo.rules()] == ["AAPL.US"]
    assert db.conn.execute("SELECT COUNT(*) FROM alerts").fetchone()[0] == 3
    db.close()


def test_rules_from_before_the_v5_migration_keep_last_and_regular_hours_and_get_a_sound(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    old = Database(path, MIGRATIONS[:4])
    with old.transaction() as c:
        c.execute(
            "INSERT INTO alerts(symbol, kind, threshold, created_at) "
            "VALUES('AAPL.US', 'price_above', '190', 1.0)"
        )
    old.close()
    db = Database(path)
    (rule,) = AlertRepository(db).rules()
    db.close()
    assert (rule.field, rule.sessions, rule.sound) == (
        PriceField.LAST,
        ArmSessions.REGULAR,
        True,
    )


def test_the_watched_field_the_armed_sessions_and_the_sound_round_trip(tmp_path: Path) -> None:
    db = Database(tmp_path / "q.db")
    repo = AlertRepository(db)
    stored = repo.add(
        AlertRule(
            "AAPL.US",
            AlertKind.PRICE_ABOVE,
            D("0.05"),
            field=PriceField.SPREAD,
            sessions=ArmSessions.WITH_POST,
            sound=False,
        ),
        5.0,
    )
    (again,) = repo.rules()
    db.close()
    assert again == stored and again.field is PriceField.SPREAD
    assert again.sessions is ArmSessions.WITH_POST and again.sound is False
