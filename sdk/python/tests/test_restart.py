"""Three realtime clients in one room while the live server restarts.

The server is stopped with SIGTERM (one run) and kill -9 (another) while the
clients send; afterwards every client holds every message exactly once and
in order, no send is lost or stored twice, and after SIGTERM no client
dialled again before the server's ``reconnect_after_ms``. The crashed server
comes back with another TOKEN_SECRET, so the clients' tokens are refused and
each must ask its token provider for a new one; after SIGTERM the one token
each holds is still good and none is asked for.

Needs the chatapi binary in CHATAPI_BIN (e2e's TestPythonRealtimeSDK builds
it and runs ``python -m pytest sdk/python/tests``); skips without it.
"""

import asyncio
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from typing import Optional

import httpx
import pytest

from chatapi import RealtimeClient
from chatapi_client import Client
from chatapi_client.api.admin import create_tenant
from chatapi_client.api.rooms import create_room
from chatapi_client.api.tokens import create_token
from chatapi_client.models import CreateRoomRequest, CreateTenantRequest, CreateTokenRequest, RoomType

MASTER_KEY = "mk_sdk_python_test_master_key_0123456789"
RECONNECT_AFTER_MS = 1500
USERS = ["alice", "bob", "carol"]
PER_USER = 15

BIN = os.environ.get("CHATAPI_BIN", "")
pytestmark = pytest.mark.skipif(not BIN, reason="CHATAPI_BIN is not set: e2e's TestPythonRealtimeSDK runs this test")


class Server:
    """The chatapi binary on a SQLite file and a loopback port."""

    def __init__(self, db: str, addr: str = "", secret: str = "first-secret-0123456789", extra_env: Optional[dict] = None) -> None:
        if not addr:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                addr = "127.0.0.1:%d" % s.getsockname()[1]
        self.db, self.addr, self.base = db, addr, "http://" + addr
        self.log = tempfile.NamedTemporaryFile(prefix="chatapi-", suffix=".log", delete=False)
        env = dict(
            os.environ,
            CHATAPI_ADDR=addr,
            DATABASE_URL=db,
            MASTER_API_KEY=MASTER_KEY,
            SHUTDOWN_RECONNECT_AFTER=f"{RECONNECT_AFTER_MS}ms",
            SHUTDOWN_DRAIN_TIMEOUT="5s",
            LOG_LEVEL="warn",
            TOKEN_SECRET=secret,
        )
        # More variables; "{addr}" in a value is the address chosen here.
        env.update({k: v.replace("{addr}", addr) for k, v in (extra_env or {}).items()})
        self.proc = subprocess.Popen([BIN], env=env, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"chatapi exited: {self.tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"chatapi not healthy on {addr}: {self.tail()}")
            time.sleep(0.025)

    def stop(self, sig: int) -> None:
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout=30)
        if sig == signal.SIGTERM:
            assert code == 0, f"chatapi exited {code} after SIGTERM: {self.tail()}"

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def tail(self) -> str:
        with open(self.log.name, errors="replace") as f:
            return f.read()[-4000:]


def rest(base: str, **headers: str) -> Client:
    return Client(base_url=base, headers=headers, timeout=httpx.Timeout(10.0))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "kill9"])
def test_restart(sig: int, tmp_path) -> None:
    servers = [Server(str(tmp_path / "chat.db"))]
    try:
        asyncio.run(asyncio.wait_for(scenario(servers, sig), 240))
    finally:
        for s in servers:
            s.kill()


async def scenario(servers: list, sig: int) -> None:
    base = servers[0].base
    tenant = (
        await create_tenant.asyncio_detailed(
            client=rest(base, **{"X-Master-Key": MASTER_KEY}),
            body=CreateTenantRequest(name="sdk-python", rate_limit_rps=1000),
        )
    ).parsed.data
    key = tenant.api_key
    room = (
        await create_room.asyncio_detailed(
            client=rest(base, **{"X-API-Key": key, "X-User-Id": USERS[0]}),
            body=CreateRoomRequest(type_=RoomType.GROUP, members=USERS[1:]),
        )
    ).parsed.data.room_id

    class State:
        def __init__(self, user: str) -> None:
            self.user = user
            self.messages: list = []
            self.shutdown_at = 0.0
            self.asked_ms = 0
            self.dials: list = []
            self.tokens = 0

    states = [State(u) for u in USERS]
    clients = []
    for st in states:

        async def token(st=st) -> str:
            st.tokens += 1
            r = await create_token.asyncio_detailed(
                client=rest(base, **{"X-API-Key": key, "X-User-Id": st.user}), body=CreateTokenRequest()
            )
            return r.parsed.data.token

        c = RealtimeClient(base, token=token, min_backoff=0.1, max_backoff=1.0)
        c.on("message", lambda ev, st=st: st.messages.append(ev) if ev["room_id"] == room else None)
        c.on("client.dialing", lambda ev, st=st: st.dials.append(time.monotonic()))

        def on_shutdown(ev, st=st):
            if not st.shutdown_at:
                st.shutdown_at, st.asked_ms = time.monotonic(), ev["reconnect_after_ms"]

        c.on("server.shutdown", on_shutdown)
        await c.connect(timeout=30)
        clients.append(c)

    sent: dict = {}  # content → message_id
    third = asyncio.Event()

    async def sender(st: State, c: RealtimeClient) -> None:
        for n in range(PER_USER):
            content = f"{st.user} {n}"
            res = await c.send_message(room, content)
            sent[content] = res["message_id"]
            if len(sent) == len(USERS) * PER_USER // 3:
                third.set()
            await asyncio.sleep(0.04)

    tasks = [asyncio.create_task(sender(st, c)) for st, c in zip(states, clients)]
    await third.wait()
    old = servers[-1]
    # Stopping and starting the process blocks: do it off the event loop,
    # which keeps the clients running meanwhile.
    await asyncio.to_thread(old.stop, sig)
    secret = "second-secret-0123456789" if sig == signal.SIGKILL else "first-secret-0123456789"
    servers.append(await asyncio.to_thread(Server, old.db, old.addr, secret))
    await asyncio.gather(*tasks)

    total = len(USERS) * PER_USER
    deadline = time.monotonic() + 90
    while any(len(st.messages) < total for st in states) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(1)  # a duplicate would arrive meanwhile
    for c in clients:
        await c.close()

    assert len(sent) == total and len(set(sent.values())) == total, f"{len(sent)} sends, {len(set(sent.values()))} ids"
    for st in states:
        seqs = [m["seq"] for m in st.messages]
        assert seqs == list(range(1, total + 1)), f"{st.user} received seqs {seqs}"
        got = {m["content"]: m["message_id"] for m in st.messages}
        assert got == sent, f"{st.user}: received {got}, sent {sent}"
        if sig == signal.SIGKILL:
            assert st.tokens >= 2, f"{st.user} asked for {st.tokens} token(s); the restarted server refuses the first"
        else:
            assert st.tokens == 1, f"{st.user} asked for {st.tokens} tokens while its first was good"
        if sig == signal.SIGTERM:
            assert st.shutdown_at and st.asked_ms == RECONNECT_AFTER_MS, f"{st.user}: server.shutdown {st.asked_ms}"
            after = [t for t in st.dials if t > st.shutdown_at]
            assert after, f"{st.user}: no dial after server.shutdown"
            waited = after[0] - st.shutdown_at
            assert waited >= RECONNECT_AFTER_MS / 1000, f"{st.user} dialled {waited:.3f}s after server.shutdown"
            print(f"{st.user}: dialled again {waited:.3f}s after server.shutdown; {st.tokens} token(s)")
