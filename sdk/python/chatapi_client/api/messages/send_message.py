from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.message_response import MessageResponse
from ...models.send_message_request import SendMessageRequest
from ...types import Response


def _get_kwargs(
    room_id: str,
    *,
    body: SendMessageRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/rooms/{room_id}/messages".format(
            room_id=quote(str(room_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | MessageResponse | None:
    if response.status_code == 200:
        response_200 = MessageResponse.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = MessageResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | MessageResponse]:
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
    body: SendMessageRequest,
) -> Response[ErrorResponse | MessageResponse]:
    """Send a message

     Stores the message with the room's next `seq` (gapless, per room) and
    then tells the room's members. Members only. A `client_msg_id` makes the
    send idempotent per room and sender: a repeat answers 200 with the first
    message and creates nothing. Sending marks the room read for the sender.
    `parent_id` makes the message a reply to a top-level message of the room
    (404 when there is no such message, 409 `field: parent_id` when it is a
    reply itself or deleted); the parent's `thread` counts it and the room
    gets `thread.updated`. `quoted_id` quotes a message of the room (404 when
    there is none): the message carries a snapshot of it. `mentions` names
    members of the room (409 `field: mentions` for anyone else); each of them
    but the sender gets a `mention` notification, unless they muted the room.

    Moderation refuses a send with 403 `AUTHORIZATION_ERROR` when the sender
    is banned from the room or the tenant, or muted in the room
    (`details.until` when that ends), or when the other member of a dm has
    blocked them; with 409 `CONFLICT` (`field: room_id`) when the room is
    frozen; and with 429 `RATE_LIMIT_EXCEEDED` and `Retry-After` for a
    member's second send within the room's slow mode window (room admins
    are exempt).

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        body (SendMessageRequest): A message to send.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | MessageResponse]
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
    body: SendMessageRequest,
) -> ErrorResponse | MessageResponse | None:
    """Send a message

     Stores the message with the room's next `seq` (gapless, per room) and
    then tells the room's members. Members only. A `client_msg_id` makes the
    send idempotent per room and sender: a repeat answers 200 with the first
    message and creates nothing. Sending marks the room read for the sender.
    `parent_id` makes the message a reply to a top-level message of the room
    (404 when there is no such message, 409 `field: parent_id` when it is a
    reply itself or deleted); the parent's `thread` counts it and the room
    gets `thread.updated`. `quoted_id` quotes a message of the room (404 when
    there is none): the message carries a snapshot of it. `mentions` names
    members of the room (409 `field: mentions` for anyone else); each of them
    but the sender gets a `mention` notification, unless they muted the room.

    Moderation refuses a send with 403 `AUTHORIZATION_ERROR` when the sender
    is banned from the room or the tenant, or muted in the room
    (`details.until` when that ends), or when the other member of a dm has
    blocked them; with 409 `CONFLICT` (`field: room_id`) when the room is
    frozen; and with 429 `RATE_LIMIT_EXCEEDED` and `Retry-After` for a
    member's second send within the room's slow mode window (room admins
    are exempt).

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        body (SendMessageRequest): A message to send.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | MessageResponse
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
    body: SendMessageRequest,
) -> Response[ErrorResponse | MessageResponse]:
    """Send a message

     Stores the message with the room's next `seq` (gapless, per room) and
    then tells the room's members. Members only. A `client_msg_id` makes the
    send idempotent per room and sender: a repeat answers 200 with the first
    message and creates nothing. Sending marks the room read for the sender.
    `parent_id` makes the message a reply to a top-level message of the room
    (404 when there is no such message, 409 `field: parent_id` when it is a
    reply itself or deleted); the parent's `thread` counts it and the room
    gets `thread.updated`. `quoted_id` quotes a message of the room (404 when
    there is none): the message carries a snapshot of it. `mentions` names
    members of the room (409 `field: mentions` for anyone else); each of them
    but the sender gets a `mention` notification, unless they muted the room.

    Moderation refuses a send with 403 `AUTHORIZATION_ERROR` when the sender
    is banned from the room or the tenant, or muted in the room
    (`details.until` when that ends), or when the other member of a dm has
    blocked them; with 409 `CONFLICT` (`field: room_id`) when the room is
    frozen; and with 429 `RATE_LIMIT_EXCEEDED` and `Retry-After` for a
    member's second send within the room's slow mode window (room admins
    are exempt).

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        body (SendMessageRequest): A message to send.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | MessageResponse]
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
    body: SendMessageRequest,
) -> ErrorResponse | MessageResponse | None:
    """Send a message

     Stores the message with the room's next `seq` (gapless, per room) and
    then tells the room's members. Members only. A `client_msg_id` makes the
    send idempotent per room and sender: a repeat answers 200 with the first
    message and creates nothing. Sending marks the room read for the sender.
    `parent_id` makes the message a reply to a top-level message of the room
    (404 when there is no such message, 409 `field: parent_id` when it is a
    reply itself or deleted); the parent's `thread` counts it and the room
    gets `thread.updated`. `quoted_id` quotes a message of the room (404 when
    there is none): the message carries a snapshot of it. `mentions` names
    members of the room (409 `field: mentions` for anyone else); each of them
    but the sender gets a `mention` notification, unless they muted the room.

    Moderation refuses a send with 403 `AUTHORIZATION_ERROR` when the sender
    is banned from the room or the tenant, or muted in the room
    (`details.until` when that ends), or when the other member of a dm has
    blocked them; with 409 `CONFLICT` (`field: room_id`) when the room is
    frozen; and with 429 `RATE_LIMIT_EXCEEDED` and `Retry-After` for a
    member's second send within the room's slow mode window (room admins
    are exempt).

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        body (SendMessageRequest): A message to send.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | MessageResponse
    """

    return (
        await asyncio_detailed(
            room_id=room_id,
            client=client,
            body=body,
        )
    ).parsed
