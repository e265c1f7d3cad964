from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.delete_user_messages import DeleteUserMessages
from ...models.error_response import ErrorResponse
from ...models.user_deletion_response import UserDeletionResponse
from ...types import UNSET, Response


def _get_kwargs(
    user_id: str,
    *,
    messages: DeleteUserMessages,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_messages = messages.value
    params["messages"] = json_messages

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/users/{user_id}".format(
            user_id=quote(str(user_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | UserDeletionResponse | None:
    if response.status_code == 202:
        response_202 = UserDeletionResponse.from_dict(response.json())

        return response_202

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
) -> Response[ErrorResponse | UserDeletionResponse]:
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
    messages: DeleteUserMessages,
) -> Response[ErrorResponse | UserDeletionResponse]:
    """Delete a user and their data

     Deletes the user (a data-protection erasure). At once: the user tokens
    issued to them before now are refused with 401 and their WebSocket
    connections are closed with 1008 (on other instances within
    `WS_CREDENTIAL_CHECK_INTERVAL`). Then, in the background (a restart
    resumes it): their profile, memberships (each a `member.left`),
    reactions (each a `reaction.removed`), notifications, subscriptions,
    settings, uploads and the uploads' stored files go, and their
    messages as `messages` says: `keep` leaves them; `anonymize` keeps
    their content under `sender_id` `deleted-user`; `delete` empties each
    as a deletion does (a `message.deleted`, seq kept). With `anonymize`
    and `delete`, quotes of their messages in other users' messages name
    `deleted-user`, and with `delete` carry no content and say `deleted`;
    notifications they sent are deleted (`delete`) or sent by
    `deleted-user` (`anonymize`). The user id may be used again afterwards,
    as a new user. Tenant-level: it takes the tenant key and refuses a
    user token with 403.

    Args:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        messages (DeleteUserMessages):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UserDeletionResponse]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        messages=messages,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    user_id: str,
    *,
    client: AuthenticatedClient,
    messages: DeleteUserMessages,
) -> ErrorResponse | UserDeletionResponse | None:
    """Delete a user and their data

     Deletes the user (a data-protection erasure). At once: the user tokens
    issued to them before now are refused with 401 and their WebSocket
    connections are closed with 1008 (on other instances within
    `WS_CREDENTIAL_CHECK_INTERVAL`). Then, in the background (a restart
    resumes it): their profile, memberships (each a `member.left`),
    reactions (each a `reaction.removed`), notifications, subscriptions,
    settings, uploads and the uploads' stored files go, and their
    messages as `messages` says: `keep` leaves them; `anonymize` keeps
    their content under `sender_id` `deleted-user`; `delete` empties each
    as a deletion does (a `message.deleted`, seq kept). With `anonymize`
    and `delete`, quotes of their messages in other users' messages name
    `deleted-user`, and with `delete` carry no content and say `deleted`;
    notifications they sent are deleted (`delete`) or sent by
    `deleted-user` (`anonymize`). The user id may be used again afterwards,
    as a new user. Tenant-level: it takes the tenant key and refuses a
    user token with 403.

    Args:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        messages (DeleteUserMessages):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UserDeletionResponse
    """

    return sync_detailed(
        user_id=user_id,
        client=client,
        messages=messages,
    ).parsed


async def asyncio_detailed(
    user_id: str,
    *,
    client: AuthenticatedClient,
    messages: DeleteUserMessages,
) -> Response[ErrorResponse | UserDeletionResponse]:
    """Delete a user and their data

     Deletes the user (a data-protection erasure). At once: the user tokens
    issued to them before now are refused with 401 and their WebSocket
    connections are closed with 1008 (on other instances within
    `WS_CREDENTIAL_CHECK_INTERVAL`). Then, in the background (a restart
    resumes it): their profile, memberships (each a `member.left`),
    reactions (each a `reaction.removed`), notifications, subscriptions,
    settings, uploads and the uploads' stored files go, and their
    messages as `messages` says: `keep` leaves them; `anonymize` keeps
    their content under `sender_id` `deleted-user`; `delete` empties each
    as a deletion does (a `message.deleted`, seq kept). With `anonymize`
    and `delete`, quotes of their messages in other users' messages name
    `deleted-user`, and with `delete` carry no content and say `deleted`;
    notifications they sent are deleted (`delete`) or sent by
    `deleted-user` (`anonymize`). The user id may be used again afterwards,
    as a new user. Tenant-level: it takes the tenant key and refuses a
    user token with 403.

    Args:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        messages (DeleteUserMessages):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UserDeletionResponse]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        messages=messages,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    user_id: str,
    *,
    client: AuthenticatedClient,
    messages: DeleteUserMessages,
) -> ErrorResponse | UserDeletionResponse | None:
    """Delete a user and their data

     Deletes the user (a data-protection erasure). At once: the user tokens
    issued to them before now are refused with 401 and their WebSocket
    connections are closed with 1008 (on other instances within
    `WS_CREDENTIAL_CHECK_INTERVAL`). Then, in the background (a restart
    resumes it): their profile, memberships (each a `member.left`),
    reactions (each a `reaction.removed`), notifications, subscriptions,
    settings, uploads and the uploads' stored files go, and their
    messages as `messages` says: `keep` leaves them; `anonymize` keeps
    their content under `sender_id` `deleted-user`; `delete` empties each
    as a deletion does (a `message.deleted`, seq kept). With `anonymize`
    and `delete`, quotes of their messages in other users' messages name
    `deleted-user`, and with `delete` carry no content and say `deleted`;
    notifications they sent are deleted (`delete`) or sent by
    `deleted-user` (`anonymize`). The user id may be used again afterwards,
    as a new user. Tenant-level: it takes the tenant key and refuses a
    user token with 403.

    Args:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        messages (DeleteUserMessages):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UserDeletionResponse
    """

    return (
        await asyncio_detailed(
            user_id=user_id,
            client=client,
            messages=messages,
        )
    ).parsed
