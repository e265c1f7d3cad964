"""End-to-end check of the generated Python SDK against a live ChatAPI server.

    BASE_URL=http://127.0.0.1:8080 MASTER_KEY=mk_... SDK_DIR=OUT_DIR VENV/bin/python flow.py

SDK_DIR is the Python SDK's directory (sdk/python, holding the generated
package chatapi_client). REST calls go through the
generated client; GET /ws through `websockets`. Prints "python-sdk: ok" and
exits 0 on success; prints the reason and exits 1 otherwise. Every request and
every wait is bounded by 10 seconds.
"""

import asyncio
import json
import os
import sys
import time
import urllib.parse

TIMEOUT = 10.0


class FlowError(Exception):
    pass


def fail(msg):
    raise FlowError(msg)


def check(cond, msg):
    if not cond:
        fail(msg)


def load_sdk():
    sdk_dir = os.environ.get("SDK_DIR", "")
    check(sdk_dir, "SDK_DIR is not set (sdk/python)")
    check(os.path.isdir(os.path.join(sdk_dir, "chatapi_client")), f"no generated client under {sdk_dir}")
    sys.path.insert(0, sdk_dir)


load_sdk()

import httpx  # noqa: E402
import websockets  # noqa: E402
from chatapi_client import Client  # noqa: E402
from chatapi_client.api.admin import create_tenant  # noqa: E402
from chatapi_client.api.delivery import ack_messages  # noqa: E402
from chatapi_client.api.messages import list_messages, send_message  # noqa: E402
from chatapi_client.api.notifications import send_notification  # noqa: E402
from chatapi_client.api.members import update_member_settings  # noqa: E402
from chatapi_client.api.rooms import create_room, list_rooms  # noqa: E402
from chatapi_client.api.tokens import create_token  # noqa: E402
from chatapi_client.api.users import list_users, patch_user, put_user  # noqa: E402
from chatapi_client.models import (  # noqa: E402
    AckRequest,
    CreateRoomRequest,
    CreateTenantRequest,
    CreateTokenRequest,
    MemberSettingsRequest,
    NotificationPayload,
    NotifyRequest,
    NotifyTargets,
    RoomType,
    SendMessageRequest,
    UserProfileRequest,
    UserProfileRequestCustom,
)


def ok(what, status, resp):
    """Checks an openapi-python-client Response: HTTP status, parsed model, envelope; returns `.data`."""
    parsed = resp.parsed
    if resp.status_code != status or parsed is None or not hasattr(parsed, "success"):
        fail(f"{what}: HTTP {int(resp.status_code)} (want {status}): {resp.content.decode(errors='replace')}")
    if parsed.success is not True or parsed.error is not None:
        fail(f"{what}: envelope not successful: {resp.content.decode(errors='replace')}")
    return parsed.data


def call(what, status, fn, **kwargs):
    try:
        resp = fn.sync_detailed(**kwargs)
    except httpx.HTTPError as e:
        fail(f"{what}: request failed: {type(e).__name__}: {e}")
    return ok(what, status, resp)


async def next_event(ws, what, pred, deadline):
    """Reads events until one matches `pred`; fails on an `error` event, a close or the deadline."""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            fail(f"ws: no {what} within {TIMEOUT:.0f} s")
        try:
            raw = await asyncio.wait_for(ws.recv(), timeout=left)
        except asyncio.TimeoutError:
            fail(f"ws: no {what} within {TIMEOUT:.0f} s")
        except websockets.ConnectionClosed as e:
            fail(f"ws: closed ({e}) while waiting for {what}")
        try:
            ev = json.loads(raw)
        except ValueError:
            fail(f"ws: not JSON: {raw!r}")
        if ev.get("type") == "error":
            fail(f"ws: error event while waiting for {what}: {ev}")
        if pred(ev):
            return ev


async def ws_part(base_url, token, room_id, alice):
    parts = urllib.parse.urlsplit(base_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    url = urllib.parse.urlunsplit((scheme, parts.netloc, "/ws", urllib.parse.urlencode({"token": token}), ""))
    try:
        ws = await websockets.connect(url, open_timeout=TIMEOUT, close_timeout=2)
    except (OSError, websockets.WebSocketException, asyncio.TimeoutError) as e:
        fail(f"ws: connect failed: {type(e).__name__}: {e}")
    try:
        await next_event(ws, "sync.complete", lambda e: e.get("type") == "sync.complete", time.monotonic() + TIMEOUT)

        # Alice sends over REST (in a thread: the generated sync client blocks).
        sent = await asyncio.to_thread(
            call,
            "POST /rooms/{room_id}/messages (live)",
            201,
            send_message,
            room_id=room_id,
            client=alice,
            body=SendMessageRequest(content="live"),
        )
        ev = await next_event(
            ws,
            "message event",
            lambda e: e.get("type") == "message" and e.get("room_id") == room_id,
            time.monotonic() + TIMEOUT,
        )
        check(ev.get("seq") == sent.seq == 4, f"ws message: seq {ev.get('seq')}, want 4")
        check(ev.get("message_id") == sent.message_id, "ws message: message_id differs from the REST answer")
        check(ev.get("content") == "live" and ev.get("sender_id") == "alice", f"ws message: {ev}")

        await ws.send(json.dumps({"type": "ack", "room_id": ev["room_id"], "seq": ev["seq"]}))
        await next_event(
            ws,
            "ack.received for bob",
            lambda e: e.get("type") == "ack.received"
            and e.get("room_id") == room_id
            and e.get("user_id") == "bob"
            and e.get("seq") == ev["seq"],
            time.monotonic() + TIMEOUT,
        )
    finally:
        await ws.close()


def main():
    base_url = os.environ.get("BASE_URL", "").rstrip("/")
    master_key = os.environ.get("MASTER_KEY", "")
    check(base_url, "BASE_URL is not set")
    check(master_key, "MASTER_KEY is not set")
    timeout = httpx.Timeout(TIMEOUT)

    admin = Client(base_url=base_url, headers={"X-Master-Key": master_key}, timeout=timeout)
    tenant = call(
        "POST /admin/tenants",
        201,
        create_tenant,
        client=admin,
        body=CreateTenantRequest(name=f"python-sdk-{int(time.time() * 1000)}"),
    )
    check(tenant.api_key, "POST /admin/tenants: no api_key")

    def user(uid):
        return Client(base_url=base_url, headers={"X-API-Key": tenant.api_key, "X-User-Id": uid}, timeout=timeout)

    alice, bob = user("alice"), user("bob")

    room = call(
        "POST /rooms",
        201,
        create_room,
        client=alice,
        body=CreateRoomRequest(type_=RoomType.GROUP, name="SDK check", members=["bob"]),
    )
    check(room.type_ == RoomType.GROUP, f"POST /rooms: type {room.type_}")
    check(room.member_count == 2, f"POST /rooms: member_count {room.member_count}, want 2")

    for i in range(1, 4):
        m = call(
            f"POST /rooms/{{room_id}}/messages #{i}",
            201,
            send_message,
            room_id=room.room_id,
            client=alice,
            body=SendMessageRequest(content=f"hello {i}"),
        )
        check(m.seq == i, f"message {i}: seq {m.seq}")
    msgs = call("GET /rooms/{room_id}/messages", 200, list_messages, room_id=room.room_id, client=alice, limit=50)
    seqs = [m.seq for m in msgs]
    check(len(msgs) == 3, f"GET messages: {len(msgs)} messages, want 3")
    check(seqs == [1, 2, 3], f"GET messages: seqs {seqs}, want [1, 2, 3]")

    ack = call("POST /acks", 200, ack_messages, client=bob, body=AckRequest(room_id=room.room_id, seq=3))
    check(ack.last_ack == 3, f"POST /acks: last_ack {ack.last_ack}")
    rooms = call("GET /rooms", 200, list_rooms, client=bob)
    mine = [r for r in rooms if r.room_id == room.room_id]
    check(mine, "GET /rooms as bob: room missing")
    check(mine[0].unread_count == 0, f"GET /rooms as bob: unread_count {mine[0].unread_count}, want 0")
    check(mine[0].last_message is not None and mine[0].last_message.seq == 3, "GET /rooms as bob: last_message is not seq 3")

    # A room without messages lists with last_message null (the generated
    # client once typed it as a plain Message and crashed on null).
    dm = call("POST /rooms (dm)", 201, create_room, client=bob, body=CreateRoomRequest(type_=RoomType.DM, members=["alice"]))
    rooms = call("GET /rooms (with an empty dm)", 200, list_rooms, client=bob)
    empty = [r for r in rooms if r.room_id == dm.room_id]
    check(empty and empty[0].last_message is None, "GET /rooms as bob: the empty dm's last_message is not None")

    # Profiles: alice sets hers, bob reads it beside one never set.
    custom = UserProfileRequestCustom.from_dict({"title": "Engineer"})
    call("PUT /users/{user_id}", 200, put_user, user_id="alice", client=alice,
         body=UserProfileRequest(display_name="Alice Liddell", custom=custom))
    prof = call("PATCH /users/{user_id}", 200, patch_user, user_id="alice", client=alice,
                body=UserProfileRequest(display_name="Alice"))
    check(prof.display_name == "Alice" and prof.custom.to_dict() == {"title": "Engineer"}, f"PATCH /users: {prof}")
    page = call("GET /users?ids", 200, list_users, client=bob, ids=["alice", "nobody"])
    names = [u.display_name for u in page.users]
    check(names == ["Alice", ""], f"GET /users?ids: display names {names}, want ['Alice', '']")
    check(page.users[1].updated_at is None, "GET /users?ids: a user never seen has updated_at")

    # bob pins the room; it comes first in his list, with pinned set.
    ms = call("PATCH /rooms/{room_id}/members/{user_id}", 200, update_member_settings, room_id=room.room_id,
              user_id="me", client=bob, body=MemberSettingsRequest(pinned=True, muted_until=None))
    check(ms.pinned and ms.muted_until is None, f"PATCH members/me: {ms}")
    rooms = call("GET /rooms (pinned)", 200, list_rooms, client=bob)
    check(rooms[0].room_id == room.room_id and rooms[0].pinned, "GET /rooms as bob: the pinned room is not first")

    payload = NotificationPayload.from_dict({"hello": "bob"})
    ntf = call(
        "POST /notify",
        202,
        send_notification,
        client=alice,
        body=NotifyRequest(topic="sdk.check", payload=payload, targets=NotifyTargets(user_ids=["bob"])),
    )
    check(ntf.recipients == 1, f"POST /notify: recipients {ntf.recipients}, want 1")

    tok = call("POST /tokens", 201, create_token, client=bob, body=CreateTokenRequest(ttl_seconds=300))
    asyncio.run(ws_part(base_url, tok.token, room.room_id, alice))

    after = call("GET /rooms (after ws ack)", 200, list_rooms, client=bob)
    r2 = [r for r in after if r.room_id == room.room_id]
    check(r2 and r2[0].unread_count == 0, "GET /rooms after ws ack: unread_count is not 0")


if __name__ == "__main__":
    try:
        main()
    except FlowError as e:
        print(f"python-sdk: FAIL: {e}", file=sys.stderr)
        sys.exit(1)
    print("python-sdk: ok")
