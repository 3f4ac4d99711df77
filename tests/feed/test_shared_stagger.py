"""The subscribe stagger shared by ingest worker processes: claims of different connections are
spaced across processes, and a worker that died holds nobody back once released."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from multiprocessing.connection import Connection

from desktop.feed.shared_stagger import SharedStagger
from desktop.protocol.pacing import SubscribeStagger
from tests.conftest import TIMEOUT_S

SPACING_S = 0.05
CLAIMS = 4
"""Claims each process makes: the processes contend for the slot several times over."""


def _claim_repeatedly(stagger: SharedStagger, index: int, results: Connection) -> None:
    """A worker's connection: claim the slot `CLAIMS` times, sending back when each was taken."""
    taken: list[float] = []
    while len(taken) < CLAIMS:
        now = time.monotonic()
        if stagger.try_claim(index, now):
            taken.append(now)
            time.sleep(SPACING_S * 2)  # let the other processes contend for the slot
        else:
            time.sleep(0.001)  # polling, as a session looks again at its next deadline
    results.send([(index, at) for at in taken])
    results.close()


def _hold_and_hang(stagger: SharedStagger, index: int, ready: Connection) -> None:
    """A worker killed at a bad moment: its connection waits to send trades and it holds the lock."""
    stagger.want_trades(index, True)
    stagger._lock.acquire()
    stagger._buf[0:8] = os.getpid().to_bytes(8, "little", signed=True)
    ready.send(os.getpid())
    signal.pause()


def test_the_in_process_stagger_claims_only_a_free_slot() -> None:
    stagger = SubscribeStagger(3.0)
    assert stagger.try_claim(0, now=10.0)
    assert stagger.try_claim(0, now=10.5)  # the same connection is paced by its own spacing
    assert not stagger.try_claim(1, now=12.9)
    assert stagger.wait_s(1, now=12.9) > 0
    assert stagger.try_claim(1, now=13.5)


def test_claims_of_connections_in_different_processes_are_spaced() -> None:
    stagger = SharedStagger.create(SPACING_S)
    context = multiprocessing.get_context("spawn")
    try:
        pipes = []
        processes = []
        for index in range(3):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_claim_repeatedly, args=(stagger, index, send))
            process.start()
            send.close()
            pipes.append(receive)
            processes.append(process)
        claims: list[tuple[int, float]] = []
        for receive in pipes:
            assert receive.poll(TIMEOUT_S * 4), "a process did not finish its claims"
            claims.extend(receive.recv())
        for process in processes:
            process.join(TIMEOUT_S)
            assert process.exitcode == 0
    finally:
        stagger.close()
    claims.sort(key=lambda claim: claim[1])
    assert len(claims) == 3 * CLAIMS
    switches = 0
    for (before, at_before), (after, at_after) in zip(claims, claims[1:], strict=False):
        if before != after:  # a different connection: the spacing holds across processes
            switches += 1
            assert at_after - at_before >= SPACING_S, (before, after, at_after - at_before)
    assert switches >= 2


def test_a_dead_worker_holds_nobody_back_once_released() -> None:
    stagger = SharedStagger.create(SPACING_S, lock_timeout_s=0.01)
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_hold_and_hang, args=(stagger, 3, send))
    process.start()
    try:
        assert receive.poll(TIMEOUT_S * 4), "the child did not take the lock"
        pid = receive.recv()
        os.kill(pid, signal.SIGKILL)
        process.join(TIMEOUT_S)
        now = time.monotonic()
        # Until the GUI process releases it, the dead worker's claims stand.
        assert stagger.trades_waiting_elsewhere(0)
        assert not stagger.try_claim(0, now)
        assert stagger.release_dead(pid) == 2  # its waiting trade set and the lock
        assert not stagger.trades_waiting_elsewhere(0)
        later = now + 1.0  # past the retry the lock timeout set
        assert stagger.try_claim(0, later)
        assert stagger.release_dead(pid) == 0
    finally:
        if process.is_alive():
            process.kill()
            process.join()
        stagger.close()


def test_a_connection_beyond_the_slots_is_refused_loudly() -> None:
    stagger = SharedStagger.create(SPACING_S)
    try:
        try:
            stagger.want_trades(16, True)
        except ValueError as exc:
            assert "16" in str(exc)
        else:
            raise AssertionError("index 16 was accepted")
    finally:
        stagger.close()
