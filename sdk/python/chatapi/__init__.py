"""ChatAPI's Python SDK.

- ``chatapi_client``: the REST client, generated from ``openapi.yaml`` by
  openapi-python-client.
- ``chatapi.RealtimeClient``: the asyncio WebSocket client; its event types
  (``chatapi.events``) are generated from ``asyncapi.yaml``.
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

__all__ = [
    "__version__",
    "ClientClosed",
    "CursorStore",
    "MemoryCursorStore",
    "QueueFull",
    "RealtimeClient",
    "ServerError",
]
