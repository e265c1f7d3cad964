"""Retries for the generated REST client (``chatapi_client``).

``RetryingTransport`` (asyncio) and ``SyncRetryingTransport`` wrap an httpx
transport: every creating POST (``IDEMPOTENT_OPERATIONS``, the operations of
``openapi.yaml`` that take an ``Idempotency-Key``) gets a key unless it has
one, and keeps it across its tries, so that a try after a lost answer gets
the first answer instead of creating twice. Network errors and 502/503/504
are tried again for requests safe to repeat (GET, HEAD, PUT, DELETE and the
creating POSTs); 429 for any request, after its ``Retry-After``::

    from chatapi import RetryingTransport
    from chatapi_client import AuthenticatedClient

    # A user token from POST /tokens, sent as Authorization: Bearer in place of
    # X-API-Key + X-User-Id (tenant-level operations answer it with 403).
    client = AuthenticatedClient(base_url, token=token,
                                 httpx_args={"transport": RetryingTransport()})
"""

import asyncio
import random
import re
import time
import uuid
from typing import List, Optional

import httpx

#: The operations of openapi.yaml that take an Idempotency-Key (a test
#: checks the list against the contract).
IDEMPOTENT_OPERATIONS: List[str] = [
    "POST /tokens",
    "POST /admin/tenants",
    "POST /rooms",
    "POST /rooms/{room_id}/members",
    "POST /notify",
    "POST /uploads",
    "POST /reports",
    "POST /webhooks",
    "POST /webhooks/{webhook_id}/rotate-secret",
    "POST /webhooks/{webhook_id}/replay",
]

_PATTERNS = [
    (op.split(" ", 1)[0], re.compile(re.sub(r"\\\{[^}/]+\\\}", "[^/]+", re.escape(op.split(" ", 1)[1])) + "$"))
    for op in IDEMPOTENT_OPERATIONS
]
_RETRY_STATUSES = {502, 503, 504}
_REPEATABLE = {"GET", "HEAD", "PUT", "DELETE"}


def is_idempotent(method: str, path: str) -> bool:
    """Whether method and path name a creating POST; path may carry a prefix."""
    return any(m == method and pattern.search(path) and _at_segment(pattern, path) for m, pattern in _PATTERNS)


def _at_segment(pattern: "re.Pattern[str]", path: str) -> bool:
    match = pattern.search(path)
    return match is not None and (match.start() == 0 or path[match.start()] == "/")


class _Policy:
    def __init__(self, retries: int, backoff: float, max_backoff: float) -> None:
        self.retries, self.backoff, self.max_backoff = retries, backoff, max_backoff

    def prepare(self, request: httpx.Request) -> bool:
        creating = is_idempotent(request.method, request.url.path)
        if creating and "Idempotency-Key" not in request.headers:
            request.headers["Idempotency-Key"] = str(uuid.uuid4())
        return creating or request.method in _REPEATABLE

    def delay(self, attempt: int, response: Optional[httpx.Response]) -> float:
        bound = min(self.max_backoff, self.backoff * 2**attempt)
        wait = bound / 2 + random.random() * bound / 2
        if response is not None and response.status_code == 429:
            try:
                wait = max(wait, float(response.headers.get("Retry-After", "")))
            except ValueError:
                pass
        return wait

    def again(self, repeatable: bool, response: Optional[httpx.Response]) -> bool:
        if response is None:
            return repeatable
        return response.status_code == 429 or (repeatable and response.status_code in _RETRY_STATUSES)


class RetryingTransport(httpx.AsyncBaseTransport):
    """An asyncio httpx transport that retries as the module says."""

    def __init__(
        self,
        transport: Optional[httpx.AsyncBaseTransport] = None,
        retries: int = 2,
        backoff: float = 0.25,
        max_backoff: float = 5.0,
    ) -> None:
        self._transport = transport or httpx.AsyncHTTPTransport()
        self._policy = _Policy(retries, backoff, max_backoff)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        repeatable = self._policy.prepare(request)
        attempt = 0
        while True:
            try:
                response: Optional[httpx.Response] = await self._transport.handle_async_request(request)
                error: Optional[Exception] = None
            except httpx.TransportError as e:
                response, error = None, e
            if attempt >= self._policy.retries or not self._policy.again(repeatable, response):
                if error is not None:
                    raise error
                assert response is not None
                return response
            wait = self._policy.delay(attempt, response)
            if response is not None:
                await response.aclose()
            await asyncio.sleep(wait)
            attempt += 1

    async def aclose(self) -> None:
        await self._transport.aclose()


class SyncRetryingTransport(httpx.BaseTransport):
    """A blocking httpx transport that retries as the module says."""

    def __init__(
        self,
        transport: Optional[httpx.BaseTransport] = None,
        retries: int = 2,
        backoff: float = 0.25,
        max_backoff: float = 5.0,
    ) -> None:
        self._transport = transport or httpx.HTTPTransport()
        self._policy = _Policy(retries, backoff, max_backoff)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        repeatable = self._policy.prepare(request)
        attempt = 0
        while True:
            try:
                response: Optional[httpx.Response] = self._transport.handle_request(request)
                error: Optional[Exception] = None
            except httpx.TransportError as e:
                response, error = None, e
            if attempt >= self._policy.retries or not self._policy.again(repeatable, response):
                if error is not None:
                    raise error
                assert response is not None
                return response
            wait = self._policy.delay(attempt, response)
            if response is not None:
                response.close()
            time.sleep(wait)
            attempt += 1

    def close(self) -> None:
        self._transport.close()
