from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.ban_response import BanResponse
from ...models.error_response import ErrorResponse
from ...models.tenant_ban_request import TenantBanRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: TenantBanRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/bans",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BanResponse | ErrorResponse | None:
    if response.status_code == 201:
        response_201 = BanResponse.from_dict(response.json())

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
) -> Response[BanResponse | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: TenantBanRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[BanResponse | ErrorResponse]:
    """Ban a user from the tenant

     Tenant-level (a user token is refused with 403). Until the ban expires
    (`duration_seconds`; without it, until lifted) every request acting as
    the user, REST or WebSocket, is refused with 403
    `AUTHORIZATION_ERROR` (`details.until` when the ban ends), and the
    user's open WebSocket connections, on every instance, are closed at
    once with code 4003. Shadow bans are per room.

    Args:
        idempotency_key (str | Unset):
        body (TenantBanRequest): A tenant-wide ban to make (shadow bans are per room).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BanResponse | ErrorResponse]
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
    body: TenantBanRequest,
    idempotency_key: str | Unset = UNSET,
) -> BanResponse | ErrorResponse | None:
    """Ban a user from the tenant

     Tenant-level (a user token is refused with 403). Until the ban expires
    (`duration_seconds`; without it, until lifted) every request acting as
    the user, REST or WebSocket, is refused with 403
    `AUTHORIZATION_ERROR` (`details.until` when the ban ends), and the
    user's open WebSocket connections, on every instance, are closed at
    once with code 4003. Shadow bans are per room.

    Args:
        idempotency_key (str | Unset):
        body (TenantBanRequest): A tenant-wide ban to make (shadow bans are per room).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BanResponse | ErrorResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: TenantBanRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[BanResponse | ErrorResponse]:
    """Ban a user from the tenant

     Tenant-level (a user token is refused with 403). Until the ban expires
    (`duration_seconds`; without it, until lifted) every request acting as
    the user, REST or WebSocket, is refused with 403
    `AUTHORIZATION_ERROR` (`details.until` when the ban ends), and the
    user's open WebSocket connections, on every instance, are closed at
    once with code 4003. Shadow bans are per room.

    Args:
        idempotency_key (str | Unset):
        body (TenantBanRequest): A tenant-wide ban to make (shadow bans are per room).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BanResponse | ErrorResponse]
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
    body: TenantBanRequest,
    idempotency_key: str | Unset = UNSET,
) -> BanResponse | ErrorResponse | None:
    """Ban a user from the tenant

     Tenant-level (a user token is refused with 403). Until the ban expires
    (`duration_seconds`; without it, until lifted) every request acting as
    the user, REST or WebSocket, is refused with 403
    `AUTHORIZATION_ERROR` (`details.until` when the ban ends), and the
    user's open WebSocket connections, on every instance, are closed at
    once with code 4003. Shadow bans are per room.

    Args:
        idempotency_key (str | Unset):
        body (TenantBanRequest): A tenant-wide ban to make (shadow bans are per room).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BanResponse | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
