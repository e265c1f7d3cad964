from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.replay_webhook_request import ReplayWebhookRequest
from ...models.webhook_replay_response import WebhookReplayResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    webhook_id: str,
    *,
    body: ReplayWebhookRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/webhooks/{webhook_id}/replay".format(
            webhook_id=quote(str(webhook_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | WebhookReplayResponse | None:
    if response.status_code == 202:
        response_202 = WebhookReplayResponse.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

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
) -> Response[ErrorResponse | WebhookReplayResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    webhook_id: str,
    *,
    client: AuthenticatedClient,
    body: ReplayWebhookRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | WebhookReplayResponse]:
    """Replay events to an endpoint

     Sends again, from the room event log, the events since `since` that
    the endpoint's filter takes, each room's in `event_seq` order, marked
    `replay` in the delivery log. `since` is an RFC 3339 time (every event
    of the tenant's rooms stored from then on, to the millisecond) or a
    cursor from `GET /sync` (in each room the cursor names, exactly the
    events after its place there). Events older than the retention
    (`EVENT_RETENTION`) are no longer in the log and are not sent.
    Tenant-level.

    Args:
        webhook_id (str): A webhook endpoint id, `wh_` and 20 random characters. Example:
            wh_3kT9qZ2mW8xR5vN7bP3c.
        idempotency_key (str | Unset):
        body (ReplayWebhookRequest): Where a replay starts.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WebhookReplayResponse]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    webhook_id: str,
    *,
    client: AuthenticatedClient,
    body: ReplayWebhookRequest,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | WebhookReplayResponse | None:
    """Replay events to an endpoint

     Sends again, from the room event log, the events since `since` that
    the endpoint's filter takes, each room's in `event_seq` order, marked
    `replay` in the delivery log. `since` is an RFC 3339 time (every event
    of the tenant's rooms stored from then on, to the millisecond) or a
    cursor from `GET /sync` (in each room the cursor names, exactly the
    events after its place there). Events older than the retention
    (`EVENT_RETENTION`) are no longer in the log and are not sent.
    Tenant-level.

    Args:
        webhook_id (str): A webhook endpoint id, `wh_` and 20 random characters. Example:
            wh_3kT9qZ2mW8xR5vN7bP3c.
        idempotency_key (str | Unset):
        body (ReplayWebhookRequest): Where a replay starts.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WebhookReplayResponse
    """

    return sync_detailed(
        webhook_id=webhook_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    webhook_id: str,
    *,
    client: AuthenticatedClient,
    body: ReplayWebhookRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | WebhookReplayResponse]:
    """Replay events to an endpoint

     Sends again, from the room event log, the events since `since` that
    the endpoint's filter takes, each room's in `event_seq` order, marked
    `replay` in the delivery log. `since` is an RFC 3339 time (every event
    of the tenant's rooms stored from then on, to the millisecond) or a
    cursor from `GET /sync` (in each room the cursor names, exactly the
    events after its place there). Events older than the retention
    (`EVENT_RETENTION`) are no longer in the log and are not sent.
    Tenant-level.

    Args:
        webhook_id (str): A webhook endpoint id, `wh_` and 20 random characters. Example:
            wh_3kT9qZ2mW8xR5vN7bP3c.
        idempotency_key (str | Unset):
        body (ReplayWebhookRequest): Where a replay starts.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WebhookReplayResponse]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    webhook_id: str,
    *,
    client: AuthenticatedClient,
    body: ReplayWebhookRequest,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | WebhookReplayResponse | None:
    """Replay events to an endpoint

     Sends again, from the room event log, the events since `since` that
    the endpoint's filter takes, each room's in `event_seq` order, marked
    `replay` in the delivery log. `since` is an RFC 3339 time (every event
    of the tenant's rooms stored from then on, to the millisecond) or a
    cursor from `GET /sync` (in each room the cursor names, exactly the
    events after its place there). Events older than the retention
    (`EVENT_RETENTION`) are no longer in the log and are not sent.
    Tenant-level.

    Args:
        webhook_id (str): A webhook endpoint id, `wh_` and 20 random characters. Example:
            wh_3kT9qZ2mW8xR5vN7bP3c.
        idempotency_key (str | Unset):
        body (ReplayWebhookRequest): Where a replay starts.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WebhookReplayResponse
    """

    return (
        await asyncio_detailed(
            webhook_id=webhook_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
