from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.room_list_response import RoomListResponse
from ...models.room_type import RoomType
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    archived: bool | Unset = UNSET,
    type_: RoomType | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["archived"] = archived

    json_type_: str | Unset = UNSET
    if not isinstance(type_, Unset):
        json_type_ = type_.value

    params["type"] = json_type_

    params["limit"] = limit

    params["offset"] = offset

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/rooms",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | RoomListResponse | None:
    if response.status_code == 200:
        response_200 = RoomListResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

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
) -> Response[ErrorResponse | RoomListResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    archived: bool | Unset = UNSET,
    type_: RoomType | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
) -> Response[ErrorResponse | RoomListResponse]:
    """List my rooms

     The rooms the caller belongs to, the ones they pinned first, then newest
    activity first, each with its `unread_count` (room `last_seq` − the
    caller's `last_ack`), `last_message` and the caller's own settings
    (`muted_until`, `archived`, `pinned`). Rooms the caller archived are
    left out; `archived=true` lists only them.

    Args:
        archived (bool | Unset):
        type_ (RoomType | Unset): `dm`: two users. `group`: private, members added by admins.
            `channel`: public inside the tenant. Example: group.
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | RoomListResponse]
    """

    kwargs = _get_kwargs(
        archived=archived,
        type_=type_,
        limit=limit,
        offset=offset,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    archived: bool | Unset = UNSET,
    type_: RoomType | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
) -> ErrorResponse | RoomListResponse | None:
    """List my rooms

     The rooms the caller belongs to, the ones they pinned first, then newest
    activity first, each with its `unread_count` (room `last_seq` − the
    caller's `last_ack`), `last_message` and the caller's own settings
    (`muted_until`, `archived`, `pinned`). Rooms the caller archived are
    left out; `archived=true` lists only them.

    Args:
        archived (bool | Unset):
        type_ (RoomType | Unset): `dm`: two users. `group`: private, members added by admins.
            `channel`: public inside the tenant. Example: group.
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | RoomListResponse
    """

    return sync_detailed(
        client=client,
        archived=archived,
        type_=type_,
        limit=limit,
        offset=offset,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    archived: bool | Unset = UNSET,
    type_: RoomType | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
) -> Response[ErrorResponse | RoomListResponse]:
    """List my rooms

     The rooms the caller belongs to, the ones they pinned first, then newest
    activity first, each with its `unread_count` (room `last_seq` − the
    caller's `last_ack`), `last_message` and the caller's own settings
    (`muted_until`, `archived`, `pinned`). Rooms the caller archived are
    left out; `archived=true` lists only them.

    Args:
        archived (bool | Unset):
        type_ (RoomType | Unset): `dm`: two users. `group`: private, members added by admins.
            `channel`: public inside the tenant. Example: group.
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | RoomListResponse]
    """

    kwargs = _get_kwargs(
        archived=archived,
        type_=type_,
        limit=limit,
        offset=offset,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    archived: bool | Unset = UNSET,
    type_: RoomType | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
) -> ErrorResponse | RoomListResponse | None:
    """List my rooms

     The rooms the caller belongs to, the ones they pinned first, then newest
    activity first, each with its `unread_count` (room `last_seq` − the
    caller's `last_ack`), `last_message` and the caller's own settings
    (`muted_until`, `archived`, `pinned`). Rooms the caller archived are
    left out; `archived=true` lists only them.

    Args:
        archived (bool | Unset):
        type_ (RoomType | Unset): `dm`: two users. `group`: private, members added by admins.
            `channel`: public inside the tenant. Example: group.
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | RoomListResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            archived=archived,
            type_=type_,
            limit=limit,
            offset=offset,
        )
    ).parsed
