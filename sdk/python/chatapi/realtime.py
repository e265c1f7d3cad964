"""The asyncio realtime client of ChatAPI (``GET /ws``).

It stays connected until closed: it reconnects with jittered exponential
backoff as each close code and ``server.shutdown`` ask, resumes from the
cursor of the last ``sync.complete``, drops the duplicates a resume or a
redelivery brings (by ``room_id`` and ``event_seq``), confirms received
messages with batched ``delivered`` events, and sends messages that survive
reconnects under their ``client_msg_id``.

Events are the JSON frames as dicts (``chatapi.events`` types them), handed
to the handlers registered with :meth:`RealtimeClient.on`. The client's own
events are ``client.dialing``, ``client.connected`` and
``client.disconnected``.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import random
import secrets
import time
import urllib.parse
from collections import defaultdict
from typing import Any, Awaitable, Callable, Dict, List, Optional, Protocol, Union

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from .events import MessageSent

_log = logging.getLogger("chatapi.realtime")

TokenProvider = Callable[[], Awaitable[str]]
Handler = Callable[[Dict[str, Any]], Union[None, Awaitable[None]]]

# The server's frame limit: a bigger frame closes the connection with 1009.
MAX_FRAME = 64 * 1024
# Close codes (asyncapi.yaml's table).
GOING_AWAY = 1001
POLICY_VIOLATION = 1008
NO_CLOSE = 1006


class CursorStore(Protocol):
    """Keeps the resume cursor of the last ``sync.complete`` (opaque)."""

    async def load(self) -> Optional[str]: ...

    async def save(self, cursor: Optional[str]) -> None: ...


class MemoryCursorStore:
    """The default cursor store: the cursor lives as long as the process."""

    def __init__(self) -> None:
        self._cursor: Optional[str] = None

    async def load(self) -> Optional[str]:
        return self._cursor

    async def save(self, cursor: Optional[str]) -> None:
        self._cursor = cursor


class ServerError(Exception):
    """The server's ``error`` event refusing a send."""

    def __init__(self, event: Dict[str, Any]) -> None:
        self.event = event
        self.code = event.get("code")
        self.field = event.get("field")
        super().__init__(f"{self.code}: {event.get('message')}" + (f" ({self.field})" if self.field else ""))


class QueueFull(Exception):
    """Too many sends wait for their confirmation (``queue_size``)."""


class ClientClosed(Exception):
    """The client was closed."""


class _Send:
    def __init__(self, event: Dict[str, Any], future: "asyncio.Future[MessageSent]") -> None:
        self.event = event
        self.future = future
        self.retry_at = 0.0


def backoff(attempt: int, low: float, high: float) -> float:
    """The wait before retry ``attempt`` (0 first): doubling from ``low`` up
    to ``high``, half of it random (equal jitter)."""
    d = min(high, low * (2 ** min(attempt, 30)))
    return d / 2 + random.uniform(0, d / 2)


def after_shutdown(asked: float) -> float:
    """The wait after ``server.shutdown``: what it asked, plus up to a
    quarter more (at most a second) of jitter."""
    return asked + random.uniform(0, min(asked / 4, 1.0))


class RealtimeClient:
    """One user's realtime connection, kept open until :meth:`close`.

    ``base_url`` is the server (``http(s)://host:port``); give ``token`` (an
    async function returning a user token from ``POST /tokens``, called
    before the first connect and whenever the server refuses the token held:
    a 401 handshake or a 1008 close), or ``api_key`` and ``user_id`` for a
    trusted server-side process.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: Optional[TokenProvider] = None,
        api_key: Optional[str] = None,
        user_id: Optional[str] = None,
        cursor_store: Optional[CursorStore] = None,
        min_backoff: float = 0.5,
        max_backoff: float = 30.0,
        delivered_every: float = 0.2,
        queue_size: int = 64,
    ) -> None:
        if token is None and not (api_key and user_id):
            raise ValueError("give token, or api_key and user_id")
        self._base = base_url.rstrip("/")
        self._token_provider = token
        self._api_key, self._user_id = api_key, user_id
        self._cursors: CursorStore = cursor_store or MemoryCursorStore()
        self._min_backoff, self._max_backoff = min_backoff, max(max_backoff, min_backoff)
        self._delivered_every = delivered_every
        self._queue_size = queue_size

        self._handlers: Dict[str, List[Handler]] = defaultdict(list)
        self._task: Optional[asyncio.Task[None]] = None
        self._synced: Optional[asyncio.Event] = None
        self._ws: Optional[ClientConnection] = None
        self._token: Optional[str] = None
        self._sends: Dict[str, _Send] = {}  # request_id → send, in order
        self._reads: Dict[str, int] = {}
        self._delivered: Dict[str, int] = {}
        self._last_event: Dict[str, int] = {}
        self._last_seq: Dict[str, int] = {}
        self._closed = False
        self.last_error: Optional[BaseException] = None

    # ---- public API ----

    def on(self, type: str, handler: Handler) -> Callable[[], None]:
        """Calls ``handler(event)`` for every event of ``type`` (``"*"``: every
        event), in the order they arrive; an async handler is awaited before
        the next event is read. Returns a function that removes it. A
        ``presence.batch`` frame arrives as its ``presence.update`` events, in
        order (never as itself), so one handler sees every change."""
        self._handlers[type].append(handler)
        return lambda: self._handlers[type].remove(handler)

    async def connect(self, timeout: Optional[float] = None) -> None:
        """Starts the client and waits (at most ``timeout`` seconds) for its
        first connection's ``sync.complete``; on timeout the client is closed
        and :class:`TimeoutError` raised, and :class:`ClientClosed` when
        :meth:`close` comes first."""
        if self._closed:
            raise ClientClosed()
        if self._task is None:
            self._synced = asyncio.Event()
            self._task = asyncio.create_task(self._run(), name="chatapi-realtime")
        try:
            await asyncio.wait_for(self._synced.wait(), timeout)
        except asyncio.TimeoutError:
            await self.close()
            raise TimeoutError(f"realtime: no sync within {timeout}s (last error: {self.last_error!r})") from None
        if self._closed:
            raise ClientClosed()

    async def close(self) -> None:
        """Ends the connection and the client's tasks, waits for them, and
        fails the sends still waiting with :class:`ClientClosed`."""
        self._closed = True
        if self._synced is not None:
            self._synced.set()  # wakes connect(), which sees the client closed
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        for s in list(self._sends.values()):
            if not s.future.done():
                s.future.set_exception(ClientClosed())
        self._sends.clear()

    async def __aenter__(self) -> "RealtimeClient":
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def send_message(
        self,
        room_id: str,
        content: str,
        *,
        meta: Optional[Dict[str, Any]] = None,
        client_msg_id: Optional[str] = None,
    ) -> MessageSent:
        """Sends a message and returns the server's ``message.sent`` once it
        is stored. Offline it waits in a bounded queue; a send whose
        connection dropped before its confirmation is sent again on the next
        one under the same ``client_msg_id``, so the server stores it once.
        A refusal raises :class:`ServerError` (``RATE_LIMIT_EXCEEDED`` is
        retried a second later). Cancelled, the send is abandoned: the server
        may or may not have stored it."""
        if self._closed:
            raise ClientClosed()
        if len(self._sends) >= self._queue_size:
            raise QueueFull()
        req = secrets.token_hex(12)
        ev: Dict[str, Any] = {
            "type": "send_message",
            "request_id": req,
            "room_id": room_id,
            "content": content,
            "client_msg_id": client_msg_id or secrets.token_hex(12),
        }
        if meta is not None:
            ev["meta"] = meta
        if len(json.dumps(ev).encode()) > MAX_FRAME:
            raise ServerError({"code": "VALIDATION_ERROR", "message": "the event is over 64 KB", "field": "content"})
        s = _Send(ev, asyncio.get_running_loop().create_future())
        self._sends[req] = s
        ws = self._ws
        if ws is not None:
            await self._write(ws, ev)  # a failed write is retried on the next connection
        try:
            return await s.future
        finally:
            self._sends.pop(req, None)

    async def mark_read(self, room_id: str, seq: int) -> None:
        """Moves the user's read cursor in the room to ``seq`` (an ``ack``);
        offline it is sent on the next connection."""
        ws = self._ws
        if ws is None:
            self._reads[room_id] = max(seq, self._reads.get(room_id, 0))
            return
        await self._write(ws, {"type": "ack", "room_id": room_id, "seq": seq})

    async def send(self, event: Dict[str, Any]) -> None:
        """Writes any client event (``typing.start``, ``subscribe``, …) on
        the current connection; offline it raises :class:`ConnectionError`:
        state like typing is worth nothing later."""
        ws = self._ws
        if ws is None:
            raise ConnectionError("realtime: not connected")
        await ws.send(json.dumps(event))

    # ---- the connection loop ----

    async def _run(self) -> None:
        attempt = 0
        while True:
            code, reason, err, synced, retry_after, now = await self._connect_once()
            self.last_error = err
            if synced:
                attempt = 0
            if retry_after:
                wait = after_shutdown(retry_after)
            elif now:
                wait = 0.0
            else:
                wait = backoff(attempt, self._min_backoff, self._max_backoff)
                attempt += 1
            await self._emit(
                {"type": "client.disconnected", "code": code, "reason": reason, "error": err, "retry_in": wait}
            )
            await asyncio.sleep(wait)

    async def _url(self) -> "tuple[str, bool]":
        scheme = {"http": "ws", "ws": "ws", "https": "wss", "wss": "wss"}
        u = urllib.parse.urlsplit(self._base)
        if u.scheme not in scheme:
            raise ValueError(f"realtime: base_url scheme {u.scheme!r}")
        q: Dict[str, str] = {}
        if self._token_provider is not None:
            if not self._token:
                self._token = await self._token_provider()
            q["token"] = self._token
        cursor = await self._cursors.load()
        if cursor:
            q["cursor"] = cursor
        url = urllib.parse.urlunsplit((scheme[u.scheme], u.netloc, u.path + "/ws", urllib.parse.urlencode(q), ""))
        return url, bool(cursor)

    async def _connect_once(self) -> "tuple[int, str, Optional[BaseException], bool, float, bool]":
        try:
            url, resumed = await self._url()
        except asyncio.CancelledError:
            raise
        except Exception as e:  # a token provider or cursor store that failed
            return NO_CLOSE, "", e, False, 0.0, False
        headers = {}
        if self._token_provider is None:
            headers = {"X-API-Key": self._api_key, "X-User-Id": self._user_id}
        await self._emit({"type": "client.dialing", "at": time.monotonic(), "resumed": resumed})
        try:
            ws = await connect(url, additional_headers=headers, open_timeout=30, max_size=32 << 20)
        except asyncio.CancelledError:
            raise
        except InvalidStatus as e:
            status = e.response.status_code
            retry_after, now = 0.0, False
            if status == 401:
                self._token = None  # expired, or its key rotated: ask for a new one
            elif status == 400 and resumed:
                await self._cursors.save(None)  # a cursor the server refuses: connect without
                now = True
            elif status == 503:
                try:
                    retry_after = float(e.response.headers.get("Retry-After", "0"))
                except ValueError:
                    pass
            return NO_CLOSE, "", e, False, retry_after, now
        except Exception as e:  # refused, reset, timed out
            return NO_CLOSE, "", e, False, 0.0, False
        return await self._serve(ws, resumed)

    async def _serve(self, ws: ClientConnection, resumed: bool) -> "tuple[int, str, Optional[BaseException], bool, float, bool]":
        self._ws = ws
        ticker = asyncio.create_task(self._tick(ws))
        synced, retry_after = False, 0.0
        code, reason, err = NO_CLOSE, "", None
        try:
            await self._emit({"type": "client.connected", "resumed": resumed})
            await self._flush_queued(ws)
            while True:
                try:
                    data = await ws.recv()
                except ConnectionClosed as e:
                    if e.rcvd is not None:
                        code, reason = e.rcvd.code, e.rcvd.reason
                    else:
                        err = e
                    break
                try:
                    ev = json.loads(data)
                except ValueError:
                    continue
                if not isinstance(ev, dict):
                    continue
                t = ev.get("type")
                if t == "sync.complete":
                    synced = True
                    await self._cursors.save(ev.get("cursor"))
                elif t == "sync.reset_required":
                    await self._cursors.save(ev.get("cursor"))
                elif t == "server.shutdown":
                    retry_after = ev.get("reconnect_after_ms", 0) / 1000
                elif t == "presence.batch":
                    # The changes the server held together, one
                    # presence.update each, in order.
                    for u in ev.get("updates") or []:
                        if isinstance(u, dict):
                            await self._emit({**u, "type": "presence.update"})
                    continue
                if self._accept(ev):
                    await self._emit(ev)
                if t == "sync.complete" and self._synced is not None:
                    self._synced.set()
        finally:
            self._ws = None
            ticker.cancel()
            try:
                await ticker
            except asyncio.CancelledError:
                pass
            await ws.close()
        if code == POLICY_VIOLATION:
            self._token = None  # the credentials expired or were revoked
        if code != GOING_AWAY:
            retry_after = 0.0  # server.shutdown's wait holds for the 1001 that follows it
        return code, reason, err, synced, retry_after, False

    def _accept(self, ev: Dict[str, Any]) -> bool:
        """Updates the state for ``ev``; False for a duplicate."""
        t, room = ev.get("type"), ev.get("room_id")
        if t == "message":
            seq = ev.get("seq", 0)
            self._delivered[room] = max(seq, self._delivered.get(room, 0))
            if ev.get("event_seq") is None:
                if seq <= self._last_seq.get(room, 0):
                    return False
                self._last_seq[room] = seq
                return True
            self._last_seq[room] = max(seq, self._last_seq.get(room, 0))
            return self._new_event(room, ev)
        if t in ("message.updated", "message.deleted", "member.joined", "member.left", "room.updated"):
            return self._new_event(room, ev)
        if t == "message.sent":
            s = self._sends.get(ev.get("request_id"))
            if s is not None and not s.future.done():
                s.future.set_result(ev)
        elif t == "error":
            s = self._sends.get(ev.get("request_id"))
            if s is not None and not s.future.done():
                if ev.get("code") == "RATE_LIMIT_EXCEEDED":
                    s.retry_at = time.monotonic() + 1.0
                else:
                    s.future.set_exception(ServerError(ev))
        return True

    def _new_event(self, room: str, ev: Dict[str, Any]) -> bool:
        seq = ev.get("event_seq")
        if seq is None:
            return True
        if seq <= self._last_event.get(room, 0):
            return False
        self._last_event[room] = seq
        return True

    async def _tick(self, ws: ClientConnection) -> None:
        """Confirms received messages every ``delivered_every`` and resends
        the sends the rate limit refused."""
        while True:
            await asyncio.sleep(self._delivered_every)
            out = [{"type": "delivered", "room_id": r, "seq": s} for r, s in self._delivered.items()]
            self._delivered.clear()
            now = time.monotonic()
            for s in self._sends.values():
                if s.retry_at and now >= s.retry_at:
                    s.retry_at = 0.0
                    out.append(s.event)
            for ev in out:
                if not await self._write(ws, ev):
                    return

    async def _flush_queued(self, ws: ClientConnection) -> None:
        out = [{"type": "ack", "room_id": r, "seq": s} for r, s in self._reads.items()]
        self._reads.clear()
        for s in self._sends.values():
            s.retry_at = 0.0
            out.append(s.event)
        for ev in out:
            if not await self._write(ws, ev):
                return

    async def _write(self, ws: ClientConnection, ev: Dict[str, Any]) -> bool:
        try:
            await asyncio.wait_for(ws.send(json.dumps(ev)), 10)
            return True
        except (ConnectionClosed, asyncio.TimeoutError, OSError):
            return False

    async def _emit(self, ev: Dict[str, Any]) -> None:
        for h in list(self._handlers.get(ev.get("type", ""), ())) + list(self._handlers.get("*", ())):
            try:
                r = h(ev)
                if inspect.isawaitable(r):
                    await r
            except asyncio.CancelledError:
                raise
            except Exception:  # a handler's bug must not end the connection loop
                _log.exception("realtime: handler for %s failed", ev.get("type"))
