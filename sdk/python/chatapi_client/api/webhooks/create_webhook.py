from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_webhook_request import CreateWebhookRequest
from ...models.error_response import ErrorResponse
from ...models.webhook_with_secret_response import WebhookWithSecretResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: CreateWebhookRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/webhooks",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | WebhookWithSecretResponse | None:
    if response.status_code == 201:
        response_201 = WebhookWithSecretResponse.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = ErrorResponse.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ErrorResponse.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorResponse.from_dict(response.json())

        return response_415

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | WebhookWithSecretResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateWebhookRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | WebhookWithSecretResponse]:
    """Create a webhook endpoint

     Registers an HTTPS (or HTTP) endpoint of the tenant's backend that gets
    the tenant's events as they are stored: every room log event (the same
    frames `GET /sync` and the WebSocket carry, with `room_id` and
    `event_seq`), every notification (`POST /notify`: its WebSocket frame
    with `sender_id` and the number of `recipients`) and
    `webhook.disabled`, filtered by `events` (`["*"]` for all). Only events after its creation are sent;
    `POST
    /webhooks/{webhook_id}/replay` sends earlier ones.

    Each delivery is a POST of `{type, timestamp, data}` signed the
    [Standard Webhooks](https://www.standardwebhooks.com) way: headers
    `webhook-id` (the delivery id, the same on every retry),
    `webhook-timestamp` (unix seconds) and `webhook-signature`
    (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`; two entries, separated
    by a space, for 24 hours after a rotation). Any 2xx within 5 seconds
    is success; anything else is retried with exponential backoff and
    jitter for 24 hours (`WEBHOOK_RETRY_WINDOW`), after which the endpoint
    is deactivated and the tenant's other endpoints get
    `webhook.disabled`. A room's deliveries to one endpoint go in
    `event_seq` order, one at a time: a failing one holds back the later
    ones of that room (never another room's nor another endpoint's).

    The signing `secret` is in this answer only. Targets on loopback,
    private or link-local networks are refused (400, `field` `url`) unless
    the server runs with `WEBHOOK_ALLOW_PRIVATE=true`; the address is
    checked again at every connection. Tenant-level: a user token is
    refused with 403.

    Args:
        idempotency_key (str | Unset):
        body (CreateWebhookRequest): A webhook endpoint to create.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WebhookWithSecretResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: CreateWebhookRequest,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | WebhookWithSecretResponse | None:
    """Create a webhook endpoint

     Registers an HTTPS (or HTTP) endpoint of the tenant's backend that gets
    the tenant's events as they are stored: every room log event (the same
    frames `GET /sync` and the WebSocket carry, with `room_id` and
    `event_seq`), every notification (`POST /notify`: its WebSocket frame
    with `sender_id` and the number of `recipients`) and
    `webhook.disabled`, filtered by `events` (`["*"]` for all). Only events after its creation are sent;
    `POST
    /webhooks/{webhook_id}/replay` sends earlier ones.

    Each delivery is a POST of `{type, timestamp, data}` signed the
    [Standard Webhooks](https://www.standardwebhooks.com) way: headers
    `webhook-id` (the delivery id, the same on every retry),
    `webhook-timestamp` (unix seconds) and `webhook-signature`
    (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`; two entries, separated
    by a space, for 24 hours after a rotation). Any 2xx within 5 seconds
    is success; anything else is retried with exponential backoff and
    jitter for 24 hours (`WEBHOOK_RETRY_WINDOW`), after which the endpoint
    is deactivated and the tenant's other endpoints get
    `webhook.disabled`. A room's deliveries to one endpoint go in
    `event_seq` order, one at a time: a failing one holds back the later
    ones of that room (never another room's nor another endpoint's).

    The signing `secret` is in this answer only. Targets on loopback,
    private or link-local networks are refused (400, `field` `url`) unless
    the server runs with `WEBHOOK_ALLOW_PRIVATE=true`; the address is
    checked again at every connection. Tenant-level: a user token is
    refused with 403.

    Args:
        idempotency_key (str | Unset):
        body (CreateWebhookRequest): A webhook endpoint to create.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WebhookWithSecretResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateWebhookRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | WebhookWithSecretResponse]:
    """Create a webhook endpoint

     Registers an HTTPS (or HTTP) endpoint of the tenant's backend that gets
    the tenant's events as they are stored: every room log event (the same
    frames `GET /sync` and the WebSocket carry, with `room_id` and
    `event_seq`), every notification (`POST /notify`: its WebSocket frame
    with `sender_id` and the number of `recipients`) and
    `webhook.disabled`, filtered by `events` (`["*"]` for all). Only events after its creation are sent;
    `POST
    /webhooks/{webhook_id}/replay` sends earlier ones.

    Each delivery is a POST of `{type, timestamp, data}` signed the
    [Standard Webhooks](https://www.standardwebhooks.com) way: headers
    `webhook-id` (the delivery id, the same on every retry),
    `webhook-timestamp` (unix seconds) and `webhook-signature`
    (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`; two entries, separated
    by a space, for 24 hours after a rotation). Any 2xx within 5 seconds
    is success; anything else is retried with exponential backoff and
    jitter for 24 hours (`WEBHOOK_RETRY_WINDOW`), after which the endpoint
    is deactivated and the tenant's other endpoints get
    `webhook.disabled`. A room's deliveries to one endpoint go in
    `event_seq` order, one at a time: a failing one holds back the later
    ones of that room (never another room's nor another endpoint's).

    The signing `secret` is in this answer only. Targets on loopback,
    private or link-local networks are refused (400, `field` `url`) unless
    the server runs with `WEBHOOK_ALLOW_PRIVATE=true`; the address is
    checked again at every connection. Tenant-level: a user token is
    refused with 403.

    Args:
        idempotency_key (str | Unset):
        body (CreateWebhookRequest): A webhook endpoint to create.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WebhookWithSecretResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CreateWebhookRequest,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | WebhookWithSecretResponse | None:
    """Create a webhook endpoint

     Registers an HTTPS (or HTTP) endpoint of the tenant's backend that gets
    the tenant's events as they are stored: every room log event (the same
    frames `GET /sync` and the WebSocket carry, with `room_id` and
    `event_seq`), every notification (`POST /notify`: its WebSocket frame
    with `sender_id` and the number of `recipients`) and
    `webhook.disabled`, filtered by `events` (`["*"]` for all). Only events after its creation are sent;
    `POST
    /webhooks/{webhook_id}/replay` sends earlier ones.

    Each delivery is a POST of `{type, timestamp, data}` signed the
    [Standard Webhooks](https://www.standardwebhooks.com) way: headers
    `webhook-id` (the delivery id, the same on every retry),
    `webhook-timestamp` (unix seconds) and `webhook-signature`
    (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`; two entries, separated
    by a space, for 24 hours after a rotation). Any 2xx within 5 seconds
    is success; anything else is retried with exponential backoff and
    jitter for 24 hours (`WEBHOOK_RETRY_WINDOW`), after which the endpoint
    is deactivated and the tenant's other endpoints get
    `webhook.disabled`. A room's deliveries to one endpoint go in
    `event_seq` order, one at a time: a failing one holds back the later
    ones of that room (never another room's nor another endpoint's).

    The signing `secret` is in this answer only. Targets on loopback,
    private or link-local networks are refused (400, `field` `url`) unless
    the server runs with `WEBHOOK_ALLOW_PRIVATE=true`; the address is
    checked again at every connection. Tenant-level: a user token is
    refused with 403.

    Args:
        idempotency_key (str | Unset):
        body (CreateWebhookRequest): A webhook endpoint to create.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WebhookWithSecretResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
