"""ReconnectWait: a long back-off ends when the server answers again, or on Reconnect now."""

from __future__ import annotations

import asyncio

from desktop.feed.reconnect_wait import ReconnectWait, WaitEnd, tcp_answers
from tests.conftest import TIMEOUT_S


async def test_a_long_wait_ends_once_the_server_answers_but_not_before_the_floor() -> None:
    answers = [False, False, True]
    loop = asyncio.get_running_loop()
    waiter = ReconnectWait(lambda: asyncio.sleep(0, answers.pop(0)), probe_every_s=0.02)
    started = loop.time()
    end = await asyncio.wait_for(waiter.wait(60.0, earliest=started + 0.2), TIMEOUT_S)
    assert end is WaitEnd.SERVER and waiter.probes == 3
    assert loop.time() >= started + 0.2  # the floor since the last attempt is still kept


async def test_refusals_are_not_probed_and_reconnect_now_ends_the_wait() -> None:
    probed: list[bool] = []

    async def probe() -> bool:
        probed.append(True)
        return True

    waiter = ReconnectWait(probe, probe_every_s=0.01)
    task = asyncio.create_task(waiter.wait(60.0, earliest=0.0, probe=False))
    await asyncio.sleep(0.05)
    assert not task.done() and waiter.waiting_until is not None
    waiter.wake()
    assert await asyncio.wait_for(task, TIMEOUT_S) is WaitEnd.USER and probed == []


async def test_the_tcp_probe_tells_a_listening_port_from_a_closed_one() -> None:
    server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    assert await tcp_answers(f"ws://127.0.0.1:{port}/quote-stock-b-ws-api?token=x", 1.0)
    server.close()
    await server.wait_closed()
    assert not await tcp_answers(f"ws://127.0.0.1:{port}/x", 1.0)
