from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.block_response import BlockResponse
from ...models.error_response import ErrorResponse
from ...types import Response


def _get_kwargs(
    user_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/users/me/blocks/{user_id}".format(
            user_id=quote(str(user_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BlockResponse | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = BlockResponse.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = BlockResponse.from_dict(response.json())

        return response_201

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
) -> Response[BlockResponse | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    user_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[BlockResponse | ErrorResponse]:
    """Block a user

     Idempotent: 201 when blocked now, 200 when already blocked. The
    blocked user can no longer open a dm with the caller (403) nor send
    into their existing dm (403 `AUTHORIZATION_ERROR`: the block is a
    permission the caller withdrew, not a state of the dm), and the
    caller no longer receives the blocked user's messages in shared rooms
    over WebSocket. Blocking oneself is 400 (`field: user_id`).

    Args:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BlockResponse | ErrorResponse]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    user_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> BlockResponse | ErrorResponse | None:
    """Block a user

     Idempotent: 201 when blocked now, 200 when already blocked. The
    blocked user can no longer open a dm with the caller (403) nor send
    into their existing dm (403 `AUTHORIZATION_ERROR`: the block is a
    permission the caller withdrew, not a state of the dm), and the
    caller no longer receives the blocked user's messages in shared rooms
    over WebSocket. Blocking oneself is 400 (`field: user_id`).

    Args:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BlockResponse | ErrorResponse
    """

    return sync_detailed(
        user_id=user_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    user_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[BlockResponse | ErrorResponse]:
    """Block a user

     Idempotent: 201 when blocked now, 200 when already blocked. The
    blocked user can no longer open a dm with the caller (403) nor send
    into their existing dm (403 `AUTHORIZATION_ERROR`: the block is a
    permission the caller withdrew, not a state of the dm), and the
    caller no longer receives the blocked user's messages in shared rooms
    over WebSocket. Blocking oneself is 400 (`field: user_id`).

    Args:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BlockResponse | ErrorResponse]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    user_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> BlockResponse | ErrorResponse | None:
    """Block a user

     Idempotent: 201 when blocked now, 200 when already blocked. The
    blocked user can no longer open a dm with the caller (403) nor send
    into their existing dm (403 `AUTHORIZATION_ERROR`: the block is a
    permission the caller withdrew, not a state of the dm), and the
    caller no longer receives the blocked user's messages in shared rooms
    over WebSocket. Blocking oneself is 400 (`field: user_id`).

    Args:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BlockResponse | ErrorResponse
    """

    return (
        await asyncio_detailed(
            user_id=user_id,
            client=client,
        )
    ).parsed
