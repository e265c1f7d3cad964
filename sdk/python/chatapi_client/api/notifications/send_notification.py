from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.notify_request import NotifyRequest
from ...models.notify_response import NotifyResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: NotifyRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/notify",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | NotifyResponse | None:
    if response.status_code == 202:
        response_202 = NotifyResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | NotifyResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: NotifyRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | NotifyResponse]:
    """Send a notification

     Stores a notification for every recipient resolved from `targets` (named
    users, the members of a room the caller belongs to, and with
    `topic_subscribers` every subscriber of `topic`), then pushes it to those
    online; the others get it when they connect. Unconfirmed notifications are
    redelivered and expire after 7 days.

    Args:
        idempotency_key (str | Unset):
        body (NotifyRequest): A notification to send.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | NotifyResponse]
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
    client: AuthenticatedClient | Client,
    body: NotifyRequest,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | NotifyResponse | None:
    """Send a notification

     Stores a notification for every recipient resolved from `targets` (named
    users, the members of a room the caller belongs to, and with
    `topic_subscribers` every subscriber of `topic`), then pushes it to those
    online; the others get it when they connect. Unconfirmed notifications are
    redelivered and expire after 7 days.

    Args:
        idempotency_key (str | Unset):
        body (NotifyRequest): A notification to send.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | NotifyResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: NotifyRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | NotifyResponse]:
    """Send a notification

     Stores a notification for every recipient resolved from `targets` (named
    users, the members of a room the caller belongs to, and with
    `topic_subscribers` every subscriber of `topic`), then pushes it to those
    online; the others get it when they connect. Unconfirmed notifications are
    redelivered and expire after 7 days.

    Args:
        idempotency_key (str | Unset):
        body (NotifyRequest): A notification to send.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | NotifyResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: NotifyRequest,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | NotifyResponse | None:
    """Send a notification

     Stores a notification for every recipient resolved from `targets` (named
    users, the members of a room the caller belongs to, and with
    `topic_subscribers` every subscriber of `topic`), then pushes it to those
    online; the others get it when they connect. Unconfirmed notifications are
    redelivered and expire after 7 days.

    Args:
        idempotency_key (str | Unset):
        body (NotifyRequest): A notification to send.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | NotifyResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
