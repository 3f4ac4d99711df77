"""Guards the Qt version pin: PySide6 6.12.0 dies under qasync after a few thousand callbacks."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import TIMEOUT_S


def test_twenty_thousand_sleep_zero_round_trips_under_qasync_survive() -> None:
    script = textwrap.dedent(
        """
        import asyncio, sys
        from PySide6.QtWidgets import QApplication
        import qasync

        app = QApplication([])
        before = sys.getrefcount(None)

        async def spin() -> int:
            for _ in range(20_000):
                await asyncio.sleep(0)
            return 20_000

        print(qasync.run(spin()), before - sys.getrefcount(None))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=TIMEOUT_S * 12
    )
    assert done.returncode == 0, done.stderr[-2000:]
    spins, lost = done.stdout.split()
    assert spins == "20000"
    assert int(lost) < 1000, (
        "None's refcount drains per callback: the Qt binding has the 6.12.0 bug"
    )
