from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_token_request import CreateTokenRequest
from ...models.error_response import ErrorResponse
from ...models.token_response import TokenResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: CreateTokenRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/tokens",
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | TokenResponse | None:
    if response.status_code == 201:
        response_201 = TokenResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | TokenResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateTokenRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | TokenResponse]:
    """Create a user token

     Returns a short-lived token for the calling user, signed by the server and
    scoped to the tenant. A browser opens `/ws?token=…` with it instead of
    holding the tenant key. Default lifetime one hour, at most 24 hours;
    a rotation of the tenant's key ends it sooner.
    Tenant-level: it takes the tenant key and a user id, and refuses a
    user token (`Authorization: Bearer`) with 403.

    Args:
        idempotency_key (str | Unset):
        body (CreateTokenRequest | Unset): Options of a new user token.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | TokenResponse]
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
    client: AuthenticatedClient,
    body: CreateTokenRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | TokenResponse | None:
    """Create a user token

     Returns a short-lived token for the calling user, signed by the server and
    scoped to the tenant. A browser opens `/ws?token=…` with it instead of
    holding the tenant key. Default lifetime one hour, at most 24 hours;
    a rotation of the tenant's key ends it sooner.
    Tenant-level: it takes the tenant key and a user id, and refuses a
    user token (`Authorization: Bearer`) with 403.

    Args:
        idempotency_key (str | Unset):
        body (CreateTokenRequest | Unset): Options of a new user token.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | TokenResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateTokenRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | TokenResponse]:
    """Create a user token

     Returns a short-lived token for the calling user, signed by the server and
    scoped to the tenant. A browser opens `/ws?token=…` with it instead of
    holding the tenant key. Default lifetime one hour, at most 24 hours;
    a rotation of the tenant's key ends it sooner.
    Tenant-level: it takes the tenant key and a user id, and refuses a
    user token (`Authorization: Bearer`) with 403.

    Args:
        idempotency_key (str | Unset):
        body (CreateTokenRequest | Unset): Options of a new user token.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | TokenResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CreateTokenRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | TokenResponse | None:
    """Create a user token

     Returns a short-lived token for the calling user, signed by the server and
    scoped to the tenant. A browser opens `/ws?token=…` with it instead of
    holding the tenant key. Default lifetime one hour, at most 24 hours;
    a rotation of the tenant's key ends it sooner.
    Tenant-level: it takes the tenant key and a user id, and refuses a
    user token (`Authorization: Bearer`) with 403.

    Args:
        idempotency_key (str | Unset):
        body (CreateTokenRequest | Unset): Options of a new user token.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | TokenResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
