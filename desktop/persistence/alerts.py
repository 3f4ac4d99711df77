"""Alert rules and the alert log in SQLite (tables `alerts` and `alert_log`, schema v4 + v5's
field, sessions and sound columns).

Each edit commits at once in its own short transaction, so a crash loses nothing the user did.
A row this version cannot read (a kind from a newer version, a damaged number) is skipped and
logged, never deleted.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from desktop.domain.alerts import (
    AlertFiring,
    AlertKind,
    AlertLogEntry,
    AlertRule,
    ArmSessions,
    ChangeDirection,
    PriceField,
)
from desktop.persistence.database import Database

__all__ = ["AlertRepository"]

log = logging.getLogger(__name__)

_COLUMNS = (
    "id, symbol, kind, threshold, params, cooldown_s, enabled, armed, last_fired_at, created_at, "
    "field, sessions, sound"
)


def _params(rule: AlertRule) -> str:
    params: dict[str, Any] = {}
    if rule.kind is AlertKind.VOLUME_ANOMALY:
        params["window_min"] = rule.window_min
    if rule.kind is AlertKind.CHANGE_PCT:
        params["direction"] = rule.direction.value
    return json.dumps(params, sort_keys=True)


def _rule(row: tuple[Any, ...]) -> AlertRule:
    """A rule from a row; raises ValueError (or KeyError) when the row cannot be read."""
    rule_id, symbol, kind, threshold, params, cooldown, enabled, armed, fired, created = row[:10]
    field, sessions, sound = row[10:]
    extra = json.loads(params or "{}")
    if not isinstance(extra, dict):
        raise ValueError("params is not an object")
    try:
        number = Decimal(str(threshold))
    except InvalidOperation as exc:
        raise ValueError(f"threshold {threshold!r}") from exc
    return AlertRule(
        symbol=str(symbol),
        kind=AlertKind(kind),
        threshold=number,
        id=int(rule_id),
        window_min=int(extra.get("window_min", 5)),
        direction=ChangeDirection(extra.get("direction", ChangeDirection.EITHER.value)),
        cooldown_s=float(cooldown),
        enabled=bool(enabled),
        armed=bool(armed),
        last_fired_at=None if fired is None else float(fired),
        created_at=float(created),
        field=PriceField(field),
        sessions=ArmSessions(sessions),
        sound=bool(sound),
    )


class AlertRepository:
    """Reads and writes alert rules and log entries through one `Database`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- rules --------------------------------------------------------------------------------
    def rules(self) -> list[AlertRule]:
        """Every readable rule, oldest first."""
        out = []
        for row in self._db.conn.execute(f"SELECT {_COLUMNS} FROM alerts ORDER BY id"):
            try:
                out.append(_rule(row))
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("alert %s skipped: it cannot be read (%s)", row[0], exc)
        return out

    def add(self, rule: AlertRule, now: float | None = None) -> AlertRule:
        """Store a new rule; returns it with its id and creation time."""
        created = time.time() if now is None else now
        with self._db.transaction() as c:
            cursor = c.execute(
                "INSERT INTO alerts(symbol, kind, threshold, params, cooldown_s, enabled, armed, "
                "last_fired_at, created_at, field, sessions, sound) "
                "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    rule.symbol,
                    rule.kind.value,
                    str(rule.threshold),
                    _params(rule),
                    rule.cooldown_s,
                    int(rule.enabled),
                    int(rule.armed),
                    rule.last_fired_at,
                    created,
                    rule.field.value,
                    rule.sessions.value,
                    int(rule.sound),
                ),
            )
            rule_id = cursor.lastrowid
        assert rule_id is not None
        return dataclasses.replace(rule, id=rule_id, created_at=created)

    def set_enabled(self, rule_id: int, enabled: bool) -> None:
        """Switch a rule on or off; switching on re-arms it."""
        with self._db.transaction() as c:
            c.execute(
                "UPDATE alerts SET enabled=?, armed=CASE WHEN ? THEN 1 ELSE armed END WHERE id=?",
                (int(enabled), int(enabled), rule_id),
            )

    def save_states(self, rules: Iterable[AlertRule]) -> None:
        """Persist what the engine changed (armed, last fired) in one transaction."""
        rows = [(int(r.armed), r.last_fired_at, r.id) for r in rules if r.id is not None]
        if not rows:
            return
        with self._db.transaction() as c:
            c.executemany("UPDATE alerts SET armed=?, last_fired_at=? WHERE id=?", rows)

    def delete(self, rule_id: int) -> None:
        """Delete a rule; its log entries stay (with no rule)."""
        with self._db.transaction() as c:
            c.execute("DELETE FROM alerts WHERE id=?", (rule_id,))

    # -- log ----------------------------------------------------------------------------------
    def log(self, firing: AlertFiring) -> AlertLogEntry:
        """Append a firing to the log."""
        with self._db.transaction() as c:
            cursor = c.execute(
                "INSERT INTO alert_log(alert_id, symbol, fired_at, message) VALUES(?, ?, ?, ?)",
                (firing.rule_id, firing.symbol, firing.fired_at, firing.message),
            )
            entry_id = cursor.lastrowid
        assert entry_id is not None
        return AlertLogEntry(
            entry_id, firing.rule_id, firing.symbol, firing.fired_at, firing.message
        )

    def recent_log(self, limit: int = 500) -> list[AlertLogEntry]:
        """The newest `limit` log entries, newest first."""
        rows = self._db.conn.execute(
            "SELECT id, alert_id, symbol, fired_at, message FROM alert_log "
            "ORDER BY fired_at DESC, id DESC LIMIT ?",
            (limit,),
        )
        return [
            AlertLogEntry(int(i), None if a is None else int(a), str(s), float(t), str(m))
            for i, a, s, t, m in rows
        ]

    def clear_log(self) -> None:
        """Empty the alert log."""
        with self._db.transaction() as c:
            c.execute("DELETE FROM alert_log")
