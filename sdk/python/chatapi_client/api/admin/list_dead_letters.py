from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dead_letters_response import DeadLettersResponse
from ...models.error_response import ErrorResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    tenant_id: str | Unset = UNSET,
    limit: int | Unset = 50,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["tenant_id"] = tenant_id

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/admin/dead-letters",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeadLettersResponse | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = DeadLettersResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[DeadLettersResponse | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    tenant_id: str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[DeadLettersResponse | ErrorResponse]:
    """List dead letters

     Deliveries that were not acknowledged after `RETRY_MAX_ATTEMPTS`
    attempts, newest first: messages and notifications.

    Args:
        tenant_id (str | Unset): A tenant id, `tn_` followed by random characters. Example:
            tn_8f3a2b1c9d0e4f5a6b7c.
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeadLettersResponse | ErrorResponse]
    """

    kwargs = _get_kwargs(
        tenant_id=tenant_id,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    tenant_id: str | Unset = UNSET,
    limit: int | Unset = 50,
) -> DeadLettersResponse | ErrorResponse | None:
    """List dead letters

     Deliveries that were not acknowledged after `RETRY_MAX_ATTEMPTS`
    attempts, newest first: messages and notifications.

    Args:
        tenant_id (str | Unset): A tenant id, `tn_` followed by random characters. Example:
            tn_8f3a2b1c9d0e4f5a6b7c.
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeadLettersResponse | ErrorResponse
    """

    return sync_detailed(
        client=client,
        tenant_id=tenant_id,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    tenant_id: str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[DeadLettersResponse | ErrorResponse]:
    """List dead letters

     Deliveries that were not acknowledged after `RETRY_MAX_ATTEMPTS`
    attempts, newest first: messages and notifications.

    Args:
        tenant_id (str | Unset): A tenant id, `tn_` followed by random characters. Example:
            tn_8f3a2b1c9d0e4f5a6b7c.
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeadLettersResponse | ErrorResponse]
    """

    kwargs = _get_kwargs(
        tenant_id=tenant_id,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    tenant_id: str | Unset = UNSET,
    limit: int | Unset = 50,
) -> DeadLettersResponse | ErrorResponse | None:
    """List dead letters

     Deliveries that were not acknowledged after `RETRY_MAX_ATTEMPTS`
    attempts, newest first: messages and notifications.

    Args:
        tenant_id (str | Unset): A tenant id, `tn_` followed by random characters. Example:
            tn_8f3a2b1c9d0e4f5a6b7c.
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeadLettersResponse | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            tenant_id=tenant_id,
            limit=limit,
        )
    ).parsed
