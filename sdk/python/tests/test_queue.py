"""The offline queue, without a server: sends wait in a queue of
``queue_size``, one more is refused at once, and close() fails the waiting
ones and ends the client's tasks."""

import asyncio
import socket

import pytest

from chatapi import ClientClosed, QueueFull, RealtimeClient


def test_offline_queue() -> None:
    asyncio.run(asyncio.wait_for(scenario(), 30))


async def scenario() -> None:
    before = asyncio.all_tasks()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Nothing listens there now: every dial is refused.
    c = RealtimeClient(
        f"http://127.0.0.1:{port}", api_key="sk_test", user_id="alice", queue_size=2, min_backoff=0.01, max_backoff=0.05
    )
    disconnects = asyncio.Queue()
    c.on("client.disconnected", disconnects.put_nowait)
    with pytest.raises(TimeoutError):
        await c.connect(timeout=0.3)  # closes the client: start a new one
    c = RealtimeClient(
        f"http://127.0.0.1:{port}", api_key="sk_test", user_id="alice", queue_size=2, min_backoff=0.01, max_backoff=0.05
    )
    c.on("client.disconnected", disconnects.put_nowait)
    connecting = asyncio.create_task(c.connect())
    sends = [asyncio.create_task(c.send_message("room_1", f"hello {i}")) for i in range(2)]
    await asyncio.sleep(0.1)
    with pytest.raises(QueueFull):
        await c.send_message("room_1", "one too many")
    for _ in range(2):
        ev = await disconnects.get()
        assert ev["error"] is not None
    await c.close()
    for t in sends:
        with pytest.raises(ClientClosed):
            await t
    with pytest.raises(ClientClosed):
        await connecting
    with pytest.raises(ClientClosed):
        await c.send_message("room_1", "late")
    others = [t for t in asyncio.all_tasks() - before if not t.done()]
    assert not others, f"tasks left after close: {others}"
