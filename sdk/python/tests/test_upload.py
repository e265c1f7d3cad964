"""``upload_file`` against the live server.

A PNG is uploaded with a user's token, sent attached, received over the
WebSocket with a URL that serves the same bytes without headers; refusals
raise ``UploadError`` with the server's code and field. Needs the chatapi
binary in CHATAPI_BIN, as test_restart.py.
"""

import asyncio
import struct
import zlib

import httpx
import pytest
from test_restart import BIN, MASTER_KEY, Server, rest

from chatapi import RealtimeClient, UploadError, upload_file
from chatapi_client import AuthenticatedClient
from chatapi_client.api.admin import create_tenant
from chatapi_client.api.messages import send_message
from chatapi_client.api.rooms import create_room
from chatapi_client.api.tokens import create_token
from chatapi_client.models import CreateRoomRequest, CreateTenantRequest, CreateTokenRequest, RoomType, SendMessageRequest

pytestmark = pytest.mark.skipif(not BIN, reason="CHATAPI_BIN is not set: e2e's TestPythonRealtimeSDK runs this test")


def png(width: int, height: int) -> bytes:
    """A greyscale PNG of width × height pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes((x * 40) % 256 for x in range(width)) for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_upload_file(tmp_path) -> None:
    server = Server(
        str(tmp_path / "chat.db"),
        extra_env={"PUBLIC_URL": "http://{addr}", "STORAGE_URL": "file://" + str(tmp_path / "files")},
    )
    try:
        asyncio.run(asyncio.wait_for(scenario(server.base), 60))
    finally:
        server.kill()


async def scenario(base: str) -> None:
    key = (
        await create_tenant.asyncio_detailed(
            client=rest(base, **{"X-Master-Key": MASTER_KEY}), body=CreateTenantRequest(name="sdk-python-uploads")
        )
    ).parsed.data.api_key

    async def token(user: str) -> str:
        r = await create_token.asyncio_detailed(client=rest(base, **{"X-API-Key": key, "X-User-Id": user}), body=CreateTokenRequest())
        return r.parsed.data.token

    room = (
        await create_room.asyncio_detailed(
            client=rest(base, **{"X-API-Key": key, "X-User-Id": "alice"}),
            body=CreateRoomRequest(type_=RoomType.GROUP, members=["bob"]),
        )
    ).parsed.data.room_id
    # As an app acting for one user: a token, no tenant key.
    alice = AuthenticatedClient(base_url=base, token=await token("alice"), timeout=httpx.Timeout(10.0))

    received: list = []
    bob = RealtimeClient(base, token=lambda: token("bob"))
    bob.on("message", received.append)
    await bob.connect(timeout=30)
    try:
        data = png(3, 2)
        up = await upload_file(alice, room, data, "dot.png", "image/png")
        assert (up.status.value, up.size, up.width, up.height) == ("ready", len(data), 3, 2), up
        assert up.url
        sent = await send_message.asyncio_detailed(
            room, client=alice, body=SendMessageRequest(content="a dot", attachments=[up.upload_id])
        )
        assert sent.status_code == 201, sent.content
        message_id = sent.parsed.data.message_id
        for _ in range(200):
            if any(m["message_id"] == message_id for m in received):
                break
            await asyncio.sleep(0.05)
        live = next(m for m in received if m["message_id"] == message_id)
        attachment = live["attachments"][0]
        assert attachment["upload_id"] == up.upload_id and attachment["url"], live
        async with httpx.AsyncClient() as plain:
            for url in (up.url, attachment["url"]):
                r = await plain.get(url)
                assert r.status_code == 200 and r.content == data, (url, r.status_code, len(r.content))

        cases = [
            ("not a PNG", dict(room_id=room, data=b"not an image", filename="x.png", content_type="image/png"), ("complete", "VALIDATION_ERROR", "content_type")),
            ("outside the allow-list", dict(room_id=room, data=data, filename="x.exe", content_type="application/x-msdownload"), ("create", "VALIDATION_ERROR", "content_type")),
            ("no such room", dict(room_id="room_00000000000000000000", data=data, filename="x.png", content_type="image/png"), ("create", "NOT_FOUND", None)),
        ]
        for name, args, want in cases:
            with pytest.raises(UploadError) as refused:
                await upload_file(alice, **args)
            got = (refused.value.step, refused.value.code, refused.value.field)
            assert got == want, f"{name}: {refused.value}"
    finally:
        await bob.close()
