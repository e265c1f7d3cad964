from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_room_request import CreateRoomRequest
from ...models.error_response import ErrorResponse
from ...models.room_response import RoomResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: CreateRoomRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/rooms",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | RoomResponse | None:
    if response.status_code == 201:
        response_201 = RoomResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | RoomResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateRoomRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | RoomResponse]:
    """Create a room

     Creates a room; the caller is always a member. `dm`: exactly two distinct
    users, the caller being one, both with role `member`: `members` names the
    other user, and may name the caller too. Naming no other user is refused
    with 400; naming two users besides the caller with 403 (a caller opens
    only their own dms). A second dm for the same pair is refused with 409
    and `details.room_id` of the existing room.
    `group` and `channel`: the caller becomes `admin`, the listed users `member`.

    Args:
        idempotency_key (str | Unset):
        body (CreateRoomRequest): A new room. The caller is always a member and need not be
            listed.
            A `dm` names the one other user in `members`, and may name the caller
            too (`[bob]`, `[bob, alice]` and `[alice, bob]` by alice are the same
            pair); `group` and `channel` take any number, including none.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | RoomResponse]
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
    body: CreateRoomRequest,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | RoomResponse | None:
    """Create a room

     Creates a room; the caller is always a member. `dm`: exactly two distinct
    users, the caller being one, both with role `member`: `members` names the
    other user, and may name the caller too. Naming no other user is refused
    with 400; naming two users besides the caller with 403 (a caller opens
    only their own dms). A second dm for the same pair is refused with 409
    and `details.room_id` of the existing room.
    `group` and `channel`: the caller becomes `admin`, the listed users `member`.

    Args:
        idempotency_key (str | Unset):
        body (CreateRoomRequest): A new room. The caller is always a member and need not be
            listed.
            A `dm` names the one other user in `members`, and may name the caller
            too (`[bob]`, `[bob, alice]` and `[alice, bob]` by alice are the same
            pair); `group` and `channel` take any number, including none.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | RoomResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateRoomRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | RoomResponse]:
    """Create a room

     Creates a room; the caller is always a member. `dm`: exactly two distinct
    users, the caller being one, both with role `member`: `members` names the
    other user, and may name the caller too. Naming no other user is refused
    with 400; naming two users besides the caller with 403 (a caller opens
    only their own dms). A second dm for the same pair is refused with 409
    and `details.room_id` of the existing room.
    `group` and `channel`: the caller becomes `admin`, the listed users `member`.

    Args:
        idempotency_key (str | Unset):
        body (CreateRoomRequest): A new room. The caller is always a member and need not be
            listed.
            A `dm` names the one other user in `members`, and may name the caller
            too (`[bob]`, `[bob, alice]` and `[alice, bob]` by alice are the same
            pair); `group` and `channel` take any number, including none.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | RoomResponse]
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
    body: CreateRoomRequest,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | RoomResponse | None:
    """Create a room

     Creates a room; the caller is always a member. `dm`: exactly two distinct
    users, the caller being one, both with role `member`: `members` names the
    other user, and may name the caller too. Naming no other user is refused
    with 400; naming two users besides the caller with 403 (a caller opens
    only their own dms). A second dm for the same pair is refused with 409
    and `details.room_id` of the existing room.
    `group` and `channel`: the caller becomes `admin`, the listed users `member`.

    Args:
        idempotency_key (str | Unset):
        body (CreateRoomRequest): A new room. The caller is always a member and need not be
            listed.
            A `dm` names the one other user in `members`, and may name the caller
            too (`[bob]`, `[bob, alice]` and `[alice, bob]` by alice are the same
            pair); `group` and `channel` take any number, including none.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | RoomResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
