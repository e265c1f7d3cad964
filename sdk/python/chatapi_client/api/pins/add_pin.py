from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.pin_result_response import PinResultResponse
from ...types import Response


def _get_kwargs(
    room_id: str,
    message_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/rooms/{room_id}/pins/{message_id}".format(
            room_id=quote(str(room_id), safe=""),
            message_id=quote(str(message_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | PinResultResponse | None:
    if response.status_code == 200:
        response_200 = PinResultResponse.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = PinResultResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | PinResultResponse]:
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
) -> Response[ErrorResponse | PinResultResponse]:
    """Pin a message

     In a group or channel, room admins; in a dm, either member (others
    403). Idempotent: 201 when pinned now, 200 when it already was. At most
    50 pins per room (a 51st is 409, `field: message_id`); a deleted
    message is 409. Members are told with `pin.added`.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        message_id (str): A message id, `msg_` followed by random characters. Example:
            msg_2b7c9d0e4f5a6b7c8f3a.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PinResultResponse]
    """

    kwargs = _get_kwargs(
        room_id=room_id,
        message_id=message_id,
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
) -> ErrorResponse | PinResultResponse | None:
    """Pin a message

     In a group or channel, room admins; in a dm, either member (others
    403). Idempotent: 201 when pinned now, 200 when it already was. At most
    50 pins per room (a 51st is 409, `field: message_id`); a deleted
    message is 409. Members are told with `pin.added`.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        message_id (str): A message id, `msg_` followed by random characters. Example:
            msg_2b7c9d0e4f5a6b7c8f3a.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PinResultResponse
    """

    return sync_detailed(
        room_id=room_id,
        message_id=message_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    room_id: str,
    message_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorResponse | PinResultResponse]:
    """Pin a message

     In a group or channel, room admins; in a dm, either member (others
    403). Idempotent: 201 when pinned now, 200 when it already was. At most
    50 pins per room (a 51st is 409, `field: message_id`); a deleted
    message is 409. Members are told with `pin.added`.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        message_id (str): A message id, `msg_` followed by random characters. Example:
            msg_2b7c9d0e4f5a6b7c8f3a.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PinResultResponse]
    """

    kwargs = _get_kwargs(
        room_id=room_id,
        message_id=message_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    room_id: str,
    message_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> ErrorResponse | PinResultResponse | None:
    """Pin a message

     In a group or channel, room admins; in a dm, either member (others
    403). Idempotent: 201 when pinned now, 200 when it already was. At most
    50 pins per room (a 51st is 409, `field: message_id`); a deleted
    message is 409. Members are told with `pin.added`.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        message_id (str): A message id, `msg_` followed by random characters. Example:
            msg_2b7c9d0e4f5a6b7c8f3a.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PinResultResponse
    """

    return (
        await asyncio_detailed(
            room_id=room_id,
            message_id=message_id,
            client=client,
        )
    ).parsed
