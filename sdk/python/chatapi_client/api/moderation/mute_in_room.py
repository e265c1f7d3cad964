from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.mute_request import MuteRequest
from ...models.mute_response import MuteResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    room_id: str,
    *,
    body: MuteRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/rooms/{room_id}/mutes".format(
            room_id=quote(str(room_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | MuteResponse | None:
    if response.status_code == 201:
        response_201 = MuteResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | MuteResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    room_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: MuteRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | MuteResponse]:
    """Mute a user in a room

     Room admins only. Until the mute expires (`duration_seconds`; without
    it, until lifted) the user may read the room but their sends are
    refused with 403 `AUTHORIZATION_ERROR` (`details.until` when the mute
    ends). Appends `mute.added`; muting a muted user replaces the mute.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        idempotency_key (str | Unset):
        body (MuteRequest): A mute to make.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | MuteResponse]
    """

    kwargs = _get_kwargs(
        room_id=room_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    room_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: MuteRequest,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | MuteResponse | None:
    """Mute a user in a room

     Room admins only. Until the mute expires (`duration_seconds`; without
    it, until lifted) the user may read the room but their sends are
    refused with 403 `AUTHORIZATION_ERROR` (`details.until` when the mute
    ends). Appends `mute.added`; muting a muted user replaces the mute.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        idempotency_key (str | Unset):
        body (MuteRequest): A mute to make.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | MuteResponse
    """

    return sync_detailed(
        room_id=room_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    room_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: MuteRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | MuteResponse]:
    """Mute a user in a room

     Room admins only. Until the mute expires (`duration_seconds`; without
    it, until lifted) the user may read the room but their sends are
    refused with 403 `AUTHORIZATION_ERROR` (`details.until` when the mute
    ends). Appends `mute.added`; muting a muted user replaces the mute.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        idempotency_key (str | Unset):
        body (MuteRequest): A mute to make.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | MuteResponse]
    """

    kwargs = _get_kwargs(
        room_id=room_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    room_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: MuteRequest,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | MuteResponse | None:
    """Mute a user in a room

     Room admins only. Until the mute expires (`duration_seconds`; without
    it, until lifted) the user may read the room but their sends are
    refused with 403 `AUTHORIZATION_ERROR` (`details.until` when the mute
    ends). Appends `mute.added`; muting a muted user replaces the mute.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        idempotency_key (str | Unset):
        body (MuteRequest): A mute to make.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | MuteResponse
    """

    return (
        await asyncio_detailed(
            room_id=room_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
