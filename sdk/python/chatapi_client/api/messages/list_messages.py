from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.message_list_response import MessageListResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    room_id: str,
    *,
    top_level: bool | Unset = UNSET,
    after_seq: int | Unset = UNSET,
    before_seq: int | Unset = UNSET,
    limit: int | Unset = 50,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["top_level"] = top_level

    params["after_seq"] = after_seq

    params["before_seq"] = before_seq

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/rooms/{room_id}/messages".format(
            room_id=quote(str(room_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | MessageListResponse | None:
    if response.status_code == 200:
        response_200 = MessageListResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | MessageListResponse]:
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
    top_level: bool | Unset = UNSET,
    after_seq: int | Unset = UNSET,
    before_seq: int | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[ErrorResponse | MessageListResponse]:
    """List messages

     Messages in ascending `seq` order. `after_seq`: the next `limit` after it.
    `before_seq`: the `limit` right before it. Neither: the latest `limit`.
    Both: the first `limit` strictly between them (empty when the window is).
    `top_level=true` leaves thread replies out. Members only.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        top_level (bool | Unset):
        after_seq (int | Unset):
        before_seq (int | Unset):
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | MessageListResponse]
    """

    kwargs = _get_kwargs(
        room_id=room_id,
        top_level=top_level,
        after_seq=after_seq,
        before_seq=before_seq,
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
    top_level: bool | Unset = UNSET,
    after_seq: int | Unset = UNSET,
    before_seq: int | Unset = UNSET,
    limit: int | Unset = 50,
) -> ErrorResponse | MessageListResponse | None:
    """List messages

     Messages in ascending `seq` order. `after_seq`: the next `limit` after it.
    `before_seq`: the `limit` right before it. Neither: the latest `limit`.
    Both: the first `limit` strictly between them (empty when the window is).
    `top_level=true` leaves thread replies out. Members only.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        top_level (bool | Unset):
        after_seq (int | Unset):
        before_seq (int | Unset):
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | MessageListResponse
    """

    return sync_detailed(
        room_id=room_id,
        client=client,
        top_level=top_level,
        after_seq=after_seq,
        before_seq=before_seq,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    room_id: str,
    *,
    client: AuthenticatedClient | Client,
    top_level: bool | Unset = UNSET,
    after_seq: int | Unset = UNSET,
    before_seq: int | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[ErrorResponse | MessageListResponse]:
    """List messages

     Messages in ascending `seq` order. `after_seq`: the next `limit` after it.
    `before_seq`: the `limit` right before it. Neither: the latest `limit`.
    Both: the first `limit` strictly between them (empty when the window is).
    `top_level=true` leaves thread replies out. Members only.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        top_level (bool | Unset):
        after_seq (int | Unset):
        before_seq (int | Unset):
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | MessageListResponse]
    """

    kwargs = _get_kwargs(
        room_id=room_id,
        top_level=top_level,
        after_seq=after_seq,
        before_seq=before_seq,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    room_id: str,
    *,
    client: AuthenticatedClient | Client,
    top_level: bool | Unset = UNSET,
    after_seq: int | Unset = UNSET,
    before_seq: int | Unset = UNSET,
    limit: int | Unset = 50,
) -> ErrorResponse | MessageListResponse | None:
    """List messages

     Messages in ascending `seq` order. `after_seq`: the next `limit` after it.
    `before_seq`: the `limit` right before it. Neither: the latest `limit`.
    Both: the first `limit` strictly between them (empty when the window is).
    `top_level=true` leaves thread replies out. Members only.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        top_level (bool | Unset):
        after_seq (int | Unset):
        before_seq (int | Unset):
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | MessageListResponse
    """

    return (
        await asyncio_detailed(
            room_id=room_id,
            client=client,
            top_level=top_level,
            after_seq=after_seq,
            before_seq=before_seq,
            limit=limit,
        )
    ).parsed
