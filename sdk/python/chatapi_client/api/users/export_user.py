from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.user_export_response import UserExportResponse
from ...types import Response


def _get_kwargs(
    user_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/users/{user_id}/export".format(
            user_id=quote(str(user_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | UserExportResponse | None:
    if response.status_code == 200:
        response_200 = UserExportResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | UserExportResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    user_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[ErrorResponse | UserExportResponse]:
    """Export everything stored about a user

     One JSON document (streamed, so it may be large) with everything
    stored about the user: profile, memberships with their settings,
    every message they sent (in rooms they left too), reactions,
    notifications they were sent, topic subscriptions, and uploads with
    signed download links (valid for an hour). A user never seen has an
    empty export. Tenant-level: it takes the tenant key and refuses a user
    token with 403. An error after the answer has begun cuts the document
    short (it does not parse): retry.

    Args:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UserExportResponse]
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
    client: AuthenticatedClient,
) -> ErrorResponse | UserExportResponse | None:
    """Export everything stored about a user

     One JSON document (streamed, so it may be large) with everything
    stored about the user: profile, memberships with their settings,
    every message they sent (in rooms they left too), reactions,
    notifications they were sent, topic subscriptions, and uploads with
    signed download links (valid for an hour). A user never seen has an
    empty export. Tenant-level: it takes the tenant key and refuses a user
    token with 403. An error after the answer has begun cuts the document
    short (it does not parse): retry.

    Args:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UserExportResponse
    """

    return sync_detailed(
        user_id=user_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    user_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[ErrorResponse | UserExportResponse]:
    """Export everything stored about a user

     One JSON document (streamed, so it may be large) with everything
    stored about the user: profile, memberships with their settings,
    every message they sent (in rooms they left too), reactions,
    notifications they were sent, topic subscriptions, and uploads with
    signed download links (valid for an hour). A user never seen has an
    empty export. Tenant-level: it takes the tenant key and refuses a user
    token with 403. An error after the answer has begun cuts the document
    short (it does not parse): retry.

    Args:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UserExportResponse]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    user_id: str,
    *,
    client: AuthenticatedClient,
) -> ErrorResponse | UserExportResponse | None:
    """Export everything stored about a user

     One JSON document (streamed, so it may be large) with everything
    stored about the user: profile, memberships with their settings,
    every message they sent (in rooms they left too), reactions,
    notifications they were sent, topic subscriptions, and uploads with
    signed download links (valid for an hour). A user never seen has an
    empty export. Tenant-level: it takes the tenant key and refuses a user
    token with 403. An error after the answer has begun cuts the document
    short (it does not parse): retry.

    Args:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UserExportResponse
    """

    return (
        await asyncio_detailed(
            user_id=user_id,
            client=client,
        )
    ).parsed
