from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.sync_page_response import SyncPageResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["cursor"] = cursor

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/sync",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | SyncPageResponse | None:
    if response.status_code == 200:
        response_200 = SyncPageResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

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
) -> Response[ErrorResponse | SyncPageResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[ErrorResponse | SyncPageResponse]:
    """Catch up on every room

     The changes to every room the caller belongs to since `cursor`, each
    room's events in `event_seq` order, room after room, as
    `GET /rooms/{room_id}/events` shows them; page with `next_cursor` while
    `has_more`. Without `cursor`: no events and a cursor at the end of every
    room's log, to keep for the next sync.

    A room the caller joined since the cursor arrives from their own
    `member.joined`, which carries the room. A room they left or were
    removed from ends with their own `member.left`, and nothing after it:
    the end of the membership the cursor was in, then, if they joined and
    left again since, their last `member.left` alone (a client that was
    given a later membership live learns that it ended). A room joined
    after the cursor was made and left again, which the cursor does not
    name, is owed that last `member.left` alone too: a WebSocket client may
    have been given its `member.joined` live. A client ignores its own
    `member.left` of a room it is not in or never heard of. A
    membership since the cursor is replayed whole from its
    `member.joined`; an earlier one whose events are past the retention
    is then skipped, not a reason for 410.
    The cursor is opaque: keep it as it is. When an event it still needs is
    past the retention (`EVENT_RETENTION`, default 30 days) the answer is
    410 `SYNC_RESET_REQUIRED`: reload your rooms and continue from
    `details.cursor`.

    Args:
        cursor (str | Unset): Where a user stands in the logs of their rooms. Opaque to clients;
            its length grows with the number of rooms. Example: v1.1-e.2-4.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SyncPageResponse]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> ErrorResponse | SyncPageResponse | None:
    """Catch up on every room

     The changes to every room the caller belongs to since `cursor`, each
    room's events in `event_seq` order, room after room, as
    `GET /rooms/{room_id}/events` shows them; page with `next_cursor` while
    `has_more`. Without `cursor`: no events and a cursor at the end of every
    room's log, to keep for the next sync.

    A room the caller joined since the cursor arrives from their own
    `member.joined`, which carries the room. A room they left or were
    removed from ends with their own `member.left`, and nothing after it:
    the end of the membership the cursor was in, then, if they joined and
    left again since, their last `member.left` alone (a client that was
    given a later membership live learns that it ended). A room joined
    after the cursor was made and left again, which the cursor does not
    name, is owed that last `member.left` alone too: a WebSocket client may
    have been given its `member.joined` live. A client ignores its own
    `member.left` of a room it is not in or never heard of. A
    membership since the cursor is replayed whole from its
    `member.joined`; an earlier one whose events are past the retention
    is then skipped, not a reason for 410.
    The cursor is opaque: keep it as it is. When an event it still needs is
    past the retention (`EVENT_RETENTION`, default 30 days) the answer is
    410 `SYNC_RESET_REQUIRED`: reload your rooms and continue from
    `details.cursor`.

    Args:
        cursor (str | Unset): Where a user stands in the logs of their rooms. Opaque to clients;
            its length grows with the number of rooms. Example: v1.1-e.2-4.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SyncPageResponse
    """

    return sync_detailed(
        client=client,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[ErrorResponse | SyncPageResponse]:
    """Catch up on every room

     The changes to every room the caller belongs to since `cursor`, each
    room's events in `event_seq` order, room after room, as
    `GET /rooms/{room_id}/events` shows them; page with `next_cursor` while
    `has_more`. Without `cursor`: no events and a cursor at the end of every
    room's log, to keep for the next sync.

    A room the caller joined since the cursor arrives from their own
    `member.joined`, which carries the room. A room they left or were
    removed from ends with their own `member.left`, and nothing after it:
    the end of the membership the cursor was in, then, if they joined and
    left again since, their last `member.left` alone (a client that was
    given a later membership live learns that it ended). A room joined
    after the cursor was made and left again, which the cursor does not
    name, is owed that last `member.left` alone too: a WebSocket client may
    have been given its `member.joined` live. A client ignores its own
    `member.left` of a room it is not in or never heard of. A
    membership since the cursor is replayed whole from its
    `member.joined`; an earlier one whose events are past the retention
    is then skipped, not a reason for 410.
    The cursor is opaque: keep it as it is. When an event it still needs is
    past the retention (`EVENT_RETENTION`, default 30 days) the answer is
    410 `SYNC_RESET_REQUIRED`: reload your rooms and continue from
    `details.cursor`.

    Args:
        cursor (str | Unset): Where a user stands in the logs of their rooms. Opaque to clients;
            its length grows with the number of rooms. Example: v1.1-e.2-4.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SyncPageResponse]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> ErrorResponse | SyncPageResponse | None:
    """Catch up on every room

     The changes to every room the caller belongs to since `cursor`, each
    room's events in `event_seq` order, room after room, as
    `GET /rooms/{room_id}/events` shows them; page with `next_cursor` while
    `has_more`. Without `cursor`: no events and a cursor at the end of every
    room's log, to keep for the next sync.

    A room the caller joined since the cursor arrives from their own
    `member.joined`, which carries the room. A room they left or were
    removed from ends with their own `member.left`, and nothing after it:
    the end of the membership the cursor was in, then, if they joined and
    left again since, their last `member.left` alone (a client that was
    given a later membership live learns that it ended). A room joined
    after the cursor was made and left again, which the cursor does not
    name, is owed that last `member.left` alone too: a WebSocket client may
    have been given its `member.joined` live. A client ignores its own
    `member.left` of a room it is not in or never heard of. A
    membership since the cursor is replayed whole from its
    `member.joined`; an earlier one whose events are past the retention
    is then skipped, not a reason for 410.
    The cursor is opaque: keep it as it is. When an event it still needs is
    past the retention (`EVENT_RETENTION`, default 30 days) the answer is
    410 `SYNC_RESET_REQUIRED`: reload your rooms and continue from
    `details.cursor`.

    Args:
        cursor (str | Unset): Where a user stands in the logs of their rooms. Opaque to clients;
            its length grows with the number of rooms. Example: v1.1-e.2-4.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SyncPageResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
