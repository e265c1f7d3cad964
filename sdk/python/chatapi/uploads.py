"""Uploads in one call: :func:`upload_file`.

A file becomes an attachment in three steps (``POST /uploads``, ``PUT`` of
the bytes to the signed ``upload_url``, ``POST /uploads/{id}/complete``);
``upload_file`` takes them over the generated REST client::

    from chatapi import upload_file
    from chatapi_client.api.messages import send_message
    from chatapi_client.models import SendMessageRequest

    up = await upload_file(client, room_id, data, "diagram.png", "image/png")
    await send_message.asyncio_detailed(room_id, client=client,
        body=SendMessageRequest(content="the diagram", attachments=[up.upload_id]))
"""

from __future__ import annotations

import hashlib
import json
from typing import Optional, Union

import httpx

from chatapi_client import AuthenticatedClient, Client
from chatapi_client.api.uploads import complete_upload, create_upload
from chatapi_client.models import CreateUploadRequest, Upload, UploadResponse, UploadTicketResponse


class UploadError(Exception):
    """A refusal of one of :func:`upload_file`'s steps (``create``, ``put``
    or ``complete``), with the code and field of the server's error envelope
    when it sent one."""

    def __init__(self, step: str, status: int, body: bytes) -> None:
        self.step, self.status = step, status
        self.code: Optional[str] = None
        self.message: Optional[str] = None
        self.field: Optional[str] = None
        try:
            error = json.loads(body).get("error") or {}
        except (ValueError, AttributeError):
            # S3-compatible storage answers a PUT with XML: the status says enough.
            error = {}
        if isinstance(error, dict):
            self.code, self.message, self.field = error.get("code"), error.get("message"), error.get("field")
        text = f"upload: {step}: status {status}"
        if self.code:
            text += f" {self.code}"
        if self.message:
            text += f": {self.message}"
        if self.field:
            text += f" (field {self.field})"
        super().__init__(text)


async def upload_file(
    client: Union[AuthenticatedClient, Client],
    room_id: str,
    data: bytes,
    filename: str,
    content_type: str,
    *,
    http: Optional[httpx.AsyncClient] = None,
) -> Upload:
    """Uploads ``data`` for the messages of ``room_id`` and returns the ready
    upload: its ``upload_id`` goes into a message's ``attachments``, its
    ``url`` downloads it. ``client`` is the uploading user's REST client (with
    :class:`chatapi.RetryingTransport`, the declaring POST is retried under
    one ``Idempotency-Key``). The bytes are put without headers (the signed
    URL is the permission) by ``http``, a plain client by default. A refusal
    raises :class:`UploadError`."""
    created = await create_upload.asyncio_detailed(
        client=client,
        body=CreateUploadRequest(
            room_id=room_id,
            filename=filename,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        ),
    )
    if not isinstance(created.parsed, UploadTicketResponse):
        raise UploadError("create", created.status_code, created.content)
    ticket = created.parsed.data

    own = http is None
    put_client = http or httpx.AsyncClient(timeout=httpx.Timeout(60.0))
    try:
        put = await put_client.put(ticket.upload_url, content=data)
    finally:
        if own:
            await put_client.aclose()
    if put.status_code // 100 != 2:
        raise UploadError("put", put.status_code, put.content)

    done = await complete_upload.asyncio_detailed(ticket.upload_id, client=client)
    if not isinstance(done.parsed, UploadResponse):
        raise UploadError("complete", done.status_code, done.content)
    return done.parsed.data
