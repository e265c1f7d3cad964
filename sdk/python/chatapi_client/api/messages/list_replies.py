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
    message_id: str,
    *,
    after_seq: int | Unset = UNSET,
    before_seq: int | Unset = UNSET,
    limit: int | Unset = 50,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["after_seq"] = after_seq

    params["before_seq"] = before_seq

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/rooms/{room_id}/messages/{message_id}/replies".format(
            room_id=quote(str(room_id), safe=""),
            message_id=quote(str(message_id), safe=""),
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
    message_id: str,
    *,
    client: AuthenticatedClient | Client,
    after_seq: int | Unset = UNSET,
    before_seq: int | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[ErrorResponse | MessageListResponse]:
    """List a thread's replies

     The replies to a top-level message, in ascending `seq` order, paged as
    `GET /rooms/{room_id}/messages` pages (`after_seq`, `before_seq`,
    `limit`). A deleted parent's replies stay readable. Members only; a
    message that is not the room's is 404.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        message_id (str): A message id, `msg_` followed by random characters. Example:
            msg_2b7c9d0e4f5a6b7c8f3a.
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
        message_id=message_id,
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
    message_id: str,
    *,
    client: AuthenticatedClient | Client,
    after_seq: int | Unset = UNSET,
    before_seq: int | Unset = UNSET,
    limit: int | Unset = 50,
) -> ErrorResponse | MessageListResponse | None:
    """List a thread's replies

     The replies to a top-level message, in ascending `seq` order, paged as
    `GET /rooms/{room_id}/messages` pages (`after_seq`, `before_seq`,
    `limit`). A deleted parent's replies stay readable. Members only; a
    message that is not the room's is 404.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        message_id (str): A message id, `msg_` followed by random characters. Example:
            msg_2b7c9d0e4f5a6b7c8f3a.
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
        message_id=message_id,
        client=client,
        after_seq=after_seq,
        before_seq=before_seq,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    room_id: str,
    message_id: str,
    *,
    client: AuthenticatedClient | Client,
    after_seq: int | Unset = UNSET,
    before_seq: int | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[ErrorResponse | MessageListResponse]:
    """List a thread's replies

     The replies to a top-level message, in ascending `seq` order, paged as
    `GET /rooms/{room_id}/messages` pages (`after_seq`, `before_seq`,
    `limit`). A deleted parent's replies stay readable. Members only; a
    message that is not the room's is 404.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        message_id (str): A message id, `msg_` followed by random characters. Example:
            msg_2b7c9d0e4f5a6b7c8f3a.
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
        message_id=message_id,
        after_seq=after_seq,
        before_seq=before_seq,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    room_id: str,
    message_id: str,
    *,
    client: AuthenticatedClient | Client,
    after_seq: int | Unset = UNSET,
    before_seq: int | Unset = UNSET,
    limit: int | Unset = 50,
) -> ErrorResponse | MessageListResponse | None:
    """List a thread's replies

     The replies to a top-level message, in ascending `seq` order, paged as
    `GET /rooms/{room_id}/messages` pages (`after_seq`, `before_seq`,
    `limit`). A deleted parent's replies stay readable. Members only; a
    message that is not the room's is 404.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        message_id (str): A message id, `msg_` followed by random characters. Example:
            msg_2b7c9d0e4f5a6b7c8f3a.
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
            message_id=message_id,
            client=client,
            after_seq=after_seq,
            before_seq=before_seq,
            limit=limit,
        )
    ).parsed
