from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.room_response import RoomResponse
from ...models.update_room_request import UpdateRoomRequest
from ...types import Response


def _get_kwargs(
    room_id: str,
    *,
    body: UpdateRoomRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/rooms/{room_id}".format(
            room_id=quote(str(room_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | RoomResponse | None:
    if response.status_code == 200:
        response_200 = RoomResponse.from_dict(response.json())

        return response_200

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
) -> Response[ErrorResponse | RoomResponse]:
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
    body: UpdateRoomRequest,
) -> Response[ErrorResponse | RoomResponse]:
    """Update a room

     Changes the name, metadata or room controls (`slow_mode_seconds`,
    `frozen`). Room admins only; the change is appended to the room's log
    as `room.updated`.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        body (UpdateRoomRequest): Changes to a room; absent fields are left as they are, an empty
            name clears it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | RoomResponse]
    """

    kwargs = _get_kwargs(
        room_id=room_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    room_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: UpdateRoomRequest,
) -> ErrorResponse | RoomResponse | None:
    """Update a room

     Changes the name, metadata or room controls (`slow_mode_seconds`,
    `frozen`). Room admins only; the change is appended to the room's log
    as `room.updated`.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        body (UpdateRoomRequest): Changes to a room; absent fields are left as they are, an empty
            name clears it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | RoomResponse
    """

    return sync_detailed(
        room_id=room_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    room_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: UpdateRoomRequest,
) -> Response[ErrorResponse | RoomResponse]:
    """Update a room

     Changes the name, metadata or room controls (`slow_mode_seconds`,
    `frozen`). Room admins only; the change is appended to the room's log
    as `room.updated`.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        body (UpdateRoomRequest): Changes to a room; absent fields are left as they are, an empty
            name clears it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | RoomResponse]
    """

    kwargs = _get_kwargs(
        room_id=room_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    room_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: UpdateRoomRequest,
) -> ErrorResponse | RoomResponse | None:
    """Update a room

     Changes the name, metadata or room controls (`slow_mode_seconds`,
    `frozen`). Room admins only; the change is appended to the room's log
    as `room.updated`.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        body (UpdateRoomRequest): Changes to a room; absent fields are left as they are, an empty
            name clears it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | RoomResponse
    """

    return (
        await asyncio_detailed(
            room_id=room_id,
            client=client,
            body=body,
        )
    ).parsed
