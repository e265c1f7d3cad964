"""ChatAPI's Python SDK.

- ``chatapi_client``: the REST client, generated from ``openapi.yaml`` by
  openapi-python-client.
- ``chatapi.RealtimeClient``: the asyncio WebSocket client; its event types
  (``chatapi.events``) are generated from ``asyncapi.yaml``.
- ``chatapi.RetryingTransport`` / ``SyncRetryingTransport``: httpx transports
  for the REST client that send an ``Idempotency-Key`` with every creating
  POST and retry failed requests under it.
- ``chatapi.upload_file``: a file for a room's messages in one call (declare,
  put the bytes to the signed URL, complete).
"""

from ._version import __version__
from .realtime import (
    ClientClosed,
    CursorStore,
    MemoryCursorStore,
    QueueFull,
    RealtimeClient,
    ServerError,
)
from .rest import IDEMPOTENT_OPERATIONS, RetryingTransport, SyncRetryingTransport
from .uploads import UploadError, upload_file

__all__ = [
    "__version__",
    "ClientClosed",
    "CursorStore",
    "MemoryCursorStore",
    "QueueFull",
    "RealtimeClient",
    "ServerError",
    "IDEMPOTENT_OPERATIONS",
    "RetryingTransport",
    "SyncRetryingTransport",
    "UploadError",
    "upload_file",
]
