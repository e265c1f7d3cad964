from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.user_profile_request import UserProfileRequest
from ...models.user_response import UserResponse
from ...types import Response


def _get_kwargs(
    user_id: str,
    *,
    body: UserProfileRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/users/{user_id}".format(
            user_id=quote(str(user_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | UserResponse | None:
    if response.status_code == 200:
        response_200 = UserResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | UserResponse]:
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
    body: UserProfileRequest,
) -> Response[ErrorResponse | UserResponse]:
    """Change my profile

     Changes the fields of the caller's own profile that the body names; the
    others stay. An empty string clears a text field, `{}` clears `custom`.
    Another user's profile is refused with 403. The users who share a room
    with the caller are told with `user.updated` (WebSocket).

    Args:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        body (UserProfileRequest): A user's profile fields. PUT replaces the profile (absent
            fields become empty); PATCH changes the fields present.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UserResponse]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    user_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: UserProfileRequest,
) -> ErrorResponse | UserResponse | None:
    """Change my profile

     Changes the fields of the caller's own profile that the body names; the
    others stay. An empty string clears a text field, `{}` clears `custom`.
    Another user's profile is refused with 403. The users who share a room
    with the caller are told with `user.updated` (WebSocket).

    Args:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        body (UserProfileRequest): A user's profile fields. PUT replaces the profile (absent
            fields become empty); PATCH changes the fields present.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UserResponse
    """

    return sync_detailed(
        user_id=user_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    user_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: UserProfileRequest,
) -> Response[ErrorResponse | UserResponse]:
    """Change my profile

     Changes the fields of the caller's own profile that the body names; the
    others stay. An empty string clears a text field, `{}` clears `custom`.
    Another user's profile is refused with 403. The users who share a room
    with the caller are told with `user.updated` (WebSocket).

    Args:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        body (UserProfileRequest): A user's profile fields. PUT replaces the profile (absent
            fields become empty); PATCH changes the fields present.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UserResponse]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    user_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: UserProfileRequest,
) -> ErrorResponse | UserResponse | None:
    """Change my profile

     Changes the fields of the caller's own profile that the body names; the
    others stay. An empty string clears a text field, `{}` clears `custom`.
    Another user's profile is refused with 403. The users who share a room
    with the caller are told with `user.updated` (WebSocket).

    Args:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        body (UserProfileRequest): A user's profile fields. PUT replaces the profile (absent
            fields become empty); PATCH changes the fields present.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UserResponse
    """

    return (
        await asyncio_detailed(
            user_id=user_id,
            client=client,
            body=body,
        )
    ).parsed
