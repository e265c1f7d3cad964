"""A ``presence.batch`` frame reaches the handlers as its ``presence.update``
events, in order, and never as itself; a lone ``presence.update`` after it
as itself. The server is a WebSocket endpoint of this test that sends those
frames after ``sync.complete``."""

import asyncio
import json

from websockets.asyncio.server import serve

from chatapi import RealtimeClient


def update(user: str, status: str) -> dict:
    return {"type": "presence.update", "user_id": user, "status": status, "last_seen": "2026-11-24T20:30:00Z"}


FRAMES = [
    {"type": "sync.complete", "cursor": "c1", "rooms": []},
    {"type": "presence.batch", "updates": [update("bob", "online"), update("carol", "online"), update("bob", "offline")]},
    update("dan", "online"),
]


def test_presence_batch_unpacked() -> None:
    asyncio.run(asyncio.wait_for(scenario(), 30))


async def scenario() -> None:
    async def handler(ws) -> None:
        for f in FRAMES:
            await ws.send(json.dumps(f))
        await ws.wait_closed()

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        c = RealtimeClient(f"http://127.0.0.1:{port}", api_key="sk_test", user_id="alice")
        got: list = []
        batches: list = []
        c.on("presence.update", lambda ev: got.append(f"{ev['user_id']} {ev['status']}"))
        c.on("presence.batch", batches.append)
        await c.connect(timeout=10)
        try:
            for _ in range(200):
                if len(got) >= 4:
                    break
                await asyncio.sleep(0.01)
        finally:
            await c.close()
        assert got == ["bob online", "carol online", "bob offline", "dan online"], got
        assert batches == [], batches
