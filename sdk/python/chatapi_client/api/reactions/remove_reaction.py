from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.reaction_result_response import ReactionResultResponse
from ...types import Response


def _get_kwargs(
    room_id: str,
    message_id: str,
    type_: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/rooms/{room_id}/messages/{message_id}/reactions/{type_}".format(
            room_id=quote(str(room_id), safe=""),
            message_id=quote(str(message_id), safe=""),
            type_=quote(str(type_), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ReactionResultResponse | None:
    if response.status_code == 200:
        response_200 = ReactionResultResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | ReactionResultResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    room_id: str,
    message_id: str,
    type_: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorResponse | ReactionResultResponse]:
    """Take a reaction back

     Removes the caller's reaction of this type; members only. Idempotent:
    200 whether or not it was there. Members are told with
    `reaction.removed` when it was. A deleted message keeps its
    reactions as they were: taking one back from it is 409.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        message_id (str): A message id, `msg_` followed by random characters. Example:
            msg_2b7c9d0e4f5a6b7c8f3a.
        type_ (str): A reaction, an emoji or a shortcode; 1 to 32 characters, no control
            characters or whitespace. Example: 👍.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ReactionResultResponse]
    """

    kwargs = _get_kwargs(
        room_id=room_id,
        message_id=message_id,
        type_=type_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    room_id: str,
    message_id: str,
    type_: str,
    *,
    client: AuthenticatedClient | Client,
) -> ErrorResponse | ReactionResultResponse | None:
    """Take a reaction back

     Removes the caller's reaction of this type; members only. Idempotent:
    200 whether or not it was there. Members are told with
    `reaction.removed` when it was. A deleted message keeps its
    reactions as they were: taking one back from it is 409.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        message_id (str): A message id, `msg_` followed by random characters. Example:
            msg_2b7c9d0e4f5a6b7c8f3a.
        type_ (str): A reaction, an emoji or a shortcode; 1 to 32 characters, no control
            characters or whitespace. Example: 👍.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ReactionResultResponse
    """

    return sync_detailed(
        room_id=room_id,
        message_id=message_id,
        type_=type_,
        client=client,
    ).parsed


async def asyncio_detailed(
    room_id: str,
    message_id: str,
    type_: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorResponse | ReactionResultResponse]:
    """Take a reaction back

     Removes the caller's reaction of this type; members only. Idempotent:
    200 whether or not it was there. Members are told with
    `reaction.removed` when it was. A deleted message keeps its
    reactions as they were: taking one back from it is 409.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        message_id (str): A message id, `msg_` followed by random characters. Example:
            msg_2b7c9d0e4f5a6b7c8f3a.
        type_ (str): A reaction, an emoji or a shortcode; 1 to 32 characters, no control
            characters or whitespace. Example: 👍.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ReactionResultResponse]
    """

    kwargs = _get_kwargs(
        room_id=room_id,
        message_id=message_id,
        type_=type_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    room_id: str,
    message_id: str,
    type_: str,
    *,
    client: AuthenticatedClient | Client,
) -> ErrorResponse | ReactionResultResponse | None:
    """Take a reaction back

     Removes the caller's reaction of this type; members only. Idempotent:
    200 whether or not it was there. Members are told with
    `reaction.removed` when it was. A deleted message keeps its
    reactions as they were: taking one back from it is 409.

    Args:
        room_id (str): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        message_id (str): A message id, `msg_` followed by random characters. Example:
            msg_2b7c9d0e4f5a6b7c8f3a.
        type_ (str): A reaction, an emoji or a shortcode; 1 to 32 characters, no control
            characters or whitespace. Example: 👍.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ReactionResultResponse
    """

    return (
        await asyncio_detailed(
            room_id=room_id,
            message_id=message_id,
            type_=type_,
            client=client,
        )
    ).parsed
