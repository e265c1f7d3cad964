from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.user_page_response import UserPageResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    ids: list[str] | Unset = UNSET,
    q: str | Unset = UNSET,
    after: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_ids: list[str] | Unset = UNSET
    if not isinstance(ids, Unset):
        json_ids = ids

    params["ids"] = json_ids

    params["q"] = q

    params["after"] = after

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/users",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | UserPageResponse | None:
    if response.status_code == 200:
        response_200 = UserPageResponse.from_dict(response.json())

        return response_200

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
) -> Response[ErrorResponse | UserPageResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    ids: list[str] | Unset = UNSET,
    q: str | Unset = UNSET,
    after: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[ErrorResponse | UserPageResponse]:
    """Find users

     With `ids`: the profiles of those users (at most 100), in the order asked,
    the empty profile for a user who never set one. Without `ids`: the
    tenant's user directory, every user who has a profile or belongs to a
    room, whose display name or id starts with `q` (case-insensitively;
    no `q` lists everyone), in user id order, `limit` a page (at most 50);
    pass the last `user_id` of a page as `after` for the next. `ids` takes
    precedence: `q`, `after` and `limit` apply to the directory only.

    Args:
        ids (list[str] | Unset):
        q (str | Unset):
        after (str | Unset): A user of the tenant, chosen by the tenant's app. Example: alice.
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UserPageResponse]
    """

    kwargs = _get_kwargs(
        ids=ids,
        q=q,
        after=after,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    ids: list[str] | Unset = UNSET,
    q: str | Unset = UNSET,
    after: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> ErrorResponse | UserPageResponse | None:
    """Find users

     With `ids`: the profiles of those users (at most 100), in the order asked,
    the empty profile for a user who never set one. Without `ids`: the
    tenant's user directory, every user who has a profile or belongs to a
    room, whose display name or id starts with `q` (case-insensitively;
    no `q` lists everyone), in user id order, `limit` a page (at most 50);
    pass the last `user_id` of a page as `after` for the next. `ids` takes
    precedence: `q`, `after` and `limit` apply to the directory only.

    Args:
        ids (list[str] | Unset):
        q (str | Unset):
        after (str | Unset): A user of the tenant, chosen by the tenant's app. Example: alice.
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UserPageResponse
    """

    return sync_detailed(
        client=client,
        ids=ids,
        q=q,
        after=after,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    ids: list[str] | Unset = UNSET,
    q: str | Unset = UNSET,
    after: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[ErrorResponse | UserPageResponse]:
    """Find users

     With `ids`: the profiles of those users (at most 100), in the order asked,
    the empty profile for a user who never set one. Without `ids`: the
    tenant's user directory, every user who has a profile or belongs to a
    room, whose display name or id starts with `q` (case-insensitively;
    no `q` lists everyone), in user id order, `limit` a page (at most 50);
    pass the last `user_id` of a page as `after` for the next. `ids` takes
    precedence: `q`, `after` and `limit` apply to the directory only.

    Args:
        ids (list[str] | Unset):
        q (str | Unset):
        after (str | Unset): A user of the tenant, chosen by the tenant's app. Example: alice.
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UserPageResponse]
    """

    kwargs = _get_kwargs(
        ids=ids,
        q=q,
        after=after,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    ids: list[str] | Unset = UNSET,
    q: str | Unset = UNSET,
    after: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> ErrorResponse | UserPageResponse | None:
    """Find users

     With `ids`: the profiles of those users (at most 100), in the order asked,
    the empty profile for a user who never set one. Without `ids`: the
    tenant's user directory, every user who has a profile or belongs to a
    room, whose display name or id starts with `q` (case-insensitively;
    no `q` lists everyone), in user id order, `limit` a page (at most 50);
    pass the last `user_id` of a page as `after` for the next. `ids` takes
    precedence: `q`, `after` and `limit` apply to the directory only.

    Args:
        ids (list[str] | Unset):
        q (str | Unset):
        after (str | Unset): A user of the tenant, chosen by the tenant's app. Example: alice.
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UserPageResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            ids=ids,
            q=q,
            after=after,
            limit=limit,
        )
    ).parsed
