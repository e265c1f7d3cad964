from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.room_event_list_response import RoomEventListResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    room_id: str,
    *,
    after: int | Unset = UNSET,
    limit: int | Unset = 100,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["after"] = after

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/rooms/{room_id}/events".format(
            room_id=quote(str(room_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | RoomEventListResponse | None:
    if response.status_code == 200:
        response_200 = RoomEventListResponse.from_dict(response.json())

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

    if response.status_code == 410:
        response_410 = ErrorResponse.from_dict(response.json())

        return response_410

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
) -> Response[ErrorResponse | RoomEventListResponse]:
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
    after: int | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[ErrorResponse | RoomEventListResponse]:
    """Read a room's event log

     Every change to the room, in `event_seq` order (1, 2, 3 … without gaps):
    `message`, `message.updated`, `message.deleted`, `member.joined`,
    `member.left`, `room.updated`. Each event is the object the WebSocket
    event of that `type` carries (see asyncapi.yaml) with its `event_seq`
    and `occurred_at`. `after`: the events after that `event_seq`; without
    it, from the oldest event kept. Events are kept for `EVENT_RETENTION`
    (default 30 days; a `message` as long as the message): an `after`
    older than that is answered 410 `SYNC_RESET_REQUIRED`; reload the
    room, then continue after `details.last_event_seq`. A `message` event
    shows the message as it is now (its edits and deletion follow as
    events of their own); the edits of a message deleted since show it
    deleted, without content. Members only (channels: any user of the
    tenant).

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        after (int | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | RoomEventListResponse]
    """

    kwargs = _get_kwargs(
        room_id=room_id,
        after=after,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    room_id: str,
    *,
    client: AuthenticatedClient | Client,
    after: int | Unset = UNSET,
    limit: int | Unset = 100,
) -> ErrorResponse | RoomEventListResponse | None:
    """Read a room's event log

     Every change to the room, in `event_seq` order (1, 2, 3 … without gaps):
    `message`, `message.updated`, `message.deleted`, `member.joined`,
    `member.left`, `room.updated`. Each event is the object the WebSocket
    event of that `type` carries (see asyncapi.yaml) with its `event_seq`
    and `occurred_at`. `after`: the events after that `event_seq`; without
    it, from the oldest event kept. Events are kept for `EVENT_RETENTION`
    (default 30 days; a `message` as long as the message): an `after`
    older than that is answered 410 `SYNC_RESET_REQUIRED`; reload the
    room, then continue after `details.last_event_seq`. A `message` event
    shows the message as it is now (its edits and deletion follow as
    events of their own); the edits of a message deleted since show it
    deleted, without content. Members only (channels: any user of the
    tenant).

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        after (int | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | RoomEventListResponse
    """

    return sync_detailed(
        room_id=room_id,
        client=client,
        after=after,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    room_id: str,
    *,
    client: AuthenticatedClient | Client,
    after: int | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[ErrorResponse | RoomEventListResponse]:
    """Read a room's event log

     Every change to the room, in `event_seq` order (1, 2, 3 … without gaps):
    `message`, `message.updated`, `message.deleted`, `member.joined`,
    `member.left`, `room.updated`. Each event is the object the WebSocket
    event of that `type` carries (see asyncapi.yaml) with its `event_seq`
    and `occurred_at`. `after`: the events after that `event_seq`; without
    it, from the oldest event kept. Events are kept for `EVENT_RETENTION`
    (default 30 days; a `message` as long as the message): an `after`
    older than that is answered 410 `SYNC_RESET_REQUIRED`; reload the
    room, then continue after `details.last_event_seq`. A `message` event
    shows the message as it is now (its edits and deletion follow as
    events of their own); the edits of a message deleted since show it
    deleted, without content. Members only (channels: any user of the
    tenant).

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        after (int | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | RoomEventListResponse]
    """

    kwargs = _get_kwargs(
        room_id=room_id,
        after=after,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    room_id: str,
    *,
    client: AuthenticatedClient | Client,
    after: int | Unset = UNSET,
    limit: int | Unset = 100,
) -> ErrorResponse | RoomEventListResponse | None:
    """Read a room's event log

     Every change to the room, in `event_seq` order (1, 2, 3 … without gaps):
    `message`, `message.updated`, `message.deleted`, `member.joined`,
    `member.left`, `room.updated`. Each event is the object the WebSocket
    event of that `type` carries (see asyncapi.yaml) with its `event_seq`
    and `occurred_at`. `after`: the events after that `event_seq`; without
    it, from the oldest event kept. Events are kept for `EVENT_RETENTION`
    (default 30 days; a `message` as long as the message): an `after`
    older than that is answered 410 `SYNC_RESET_REQUIRED`; reload the
    room, then continue after `details.last_event_seq`. A `message` event
    shows the message as it is now (its edits and deletion follow as
    events of their own); the edits of a message deleted since show it
    deleted, without content. Members only (channels: any user of the
    tenant).

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        after (int | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | RoomEventListResponse
    """

    return (
        await asyncio_detailed(
            room_id=room_id,
            client=client,
            after=after,
            limit=limit,
        )
    ).parsed
