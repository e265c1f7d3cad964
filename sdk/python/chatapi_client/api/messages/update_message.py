from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.message_response import MessageResponse
from ...models.update_message_request import UpdateMessageRequest
from ...types import Response


def _get_kwargs(
    room_id: str,
    message_id: str,
    *,
    body: UpdateMessageRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/rooms/{room_id}/messages/{message_id}".format(
            room_id=quote(str(room_id), safe=""),
            message_id=quote(str(message_id), safe=""),
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
    message_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: UpdateMessageRequest,
) -> Response[ErrorResponse | MessageResponse]:
    """Edit a message

     The sender only. Sets `edited_at`; members are told with `message.updated`.
    A deleted message is refused with 409 (`field: message_id`), an edit in
    a frozen room with 409 (`field: room_id`), an edit by a user banned
    from the room or the tenant with 403.

    `attachments` replaces the message's list of files, by the rules of a
    send: the sender's completed uploads for this room, each attached to
    one message only (those already on this message may stay). An upload
    that is not the sender's (or is another tenant's) is 404; one made for
    another room, not yet complete or attached to another message is 409
    `CONFLICT` (`field` `attachments`); a refused edit changes nothing. An
    upload taken off the message is unattached again: it may be attached
    anew, and is deleted with the uploads never attached once 24 hours
    old. An empty list removes every attachment.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        message_id (str): A message id, `msg_` followed by random characters. Example:
            msg_2b7c9d0e4f5a6b7c8f3a.
        body (UpdateMessageRequest): Changes to a message; absent fields are left as they are.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | MessageResponse]
    """

    kwargs = _get_kwargs(
        room_id=room_id,
        message_id=message_id,
        body=body,
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
    body: UpdateMessageRequest,
) -> ErrorResponse | MessageResponse | None:
    """Edit a message

     The sender only. Sets `edited_at`; members are told with `message.updated`.
    A deleted message is refused with 409 (`field: message_id`), an edit in
    a frozen room with 409 (`field: room_id`), an edit by a user banned
    from the room or the tenant with 403.

    `attachments` replaces the message's list of files, by the rules of a
    send: the sender's completed uploads for this room, each attached to
    one message only (those already on this message may stay). An upload
    that is not the sender's (or is another tenant's) is 404; one made for
    another room, not yet complete or attached to another message is 409
    `CONFLICT` (`field` `attachments`); a refused edit changes nothing. An
    upload taken off the message is unattached again: it may be attached
    anew, and is deleted with the uploads never attached once 24 hours
    old. An empty list removes every attachment.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        message_id (str): A message id, `msg_` followed by random characters. Example:
            msg_2b7c9d0e4f5a6b7c8f3a.
        body (UpdateMessageRequest): Changes to a message; absent fields are left as they are.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | MessageResponse
    """

    return sync_detailed(
        room_id=room_id,
        message_id=message_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    room_id: str,
    message_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: UpdateMessageRequest,
) -> Response[ErrorResponse | MessageResponse]:
    """Edit a message

     The sender only. Sets `edited_at`; members are told with `message.updated`.
    A deleted message is refused with 409 (`field: message_id`), an edit in
    a frozen room with 409 (`field: room_id`), an edit by a user banned
    from the room or the tenant with 403.

    `attachments` replaces the message's list of files, by the rules of a
    send: the sender's completed uploads for this room, each attached to
    one message only (those already on this message may stay). An upload
    that is not the sender's (or is another tenant's) is 404; one made for
    another room, not yet complete or attached to another message is 409
    `CONFLICT` (`field` `attachments`); a refused edit changes nothing. An
    upload taken off the message is unattached again: it may be attached
    anew, and is deleted with the uploads never attached once 24 hours
    old. An empty list removes every attachment.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        message_id (str): A message id, `msg_` followed by random characters. Example:
            msg_2b7c9d0e4f5a6b7c8f3a.
        body (UpdateMessageRequest): Changes to a message; absent fields are left as they are.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | MessageResponse]
    """

    kwargs = _get_kwargs(
        room_id=room_id,
        message_id=message_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    room_id: str,
    message_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: UpdateMessageRequest,
) -> ErrorResponse | MessageResponse | None:
    """Edit a message

     The sender only. Sets `edited_at`; members are told with `message.updated`.
    A deleted message is refused with 409 (`field: message_id`), an edit in
    a frozen room with 409 (`field: room_id`), an edit by a user banned
    from the room or the tenant with 403.

    `attachments` replaces the message's list of files, by the rules of a
    send: the sender's completed uploads for this room, each attached to
    one message only (those already on this message may stay). An upload
    that is not the sender's (or is another tenant's) is 404; one made for
    another room, not yet complete or attached to another message is 409
    `CONFLICT` (`field` `attachments`); a refused edit changes nothing. An
    upload taken off the message is unattached again: it may be attached
    anew, and is deleted with the uploads never attached once 24 hours
    old. An empty list removes every attachment.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        message_id (str): A message id, `msg_` followed by random characters. Example:
            msg_2b7c9d0e4f5a6b7c8f3a.
        body (UpdateMessageRequest): Changes to a message; absent fields are left as they are.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | MessageResponse
    """

    return (
        await asyncio_detailed(
            room_id=room_id,
            message_id=message_id,
            client=client,
            body=body,
        )
    ).parsed
