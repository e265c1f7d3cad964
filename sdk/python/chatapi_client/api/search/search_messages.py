import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.search_page_response import SearchPageResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    q: str,
    room_id: str | Unset = UNSET,
    sender_id: str | Unset = UNSET,
    after: datetime.datetime | Unset = UNSET,
    before: datetime.datetime | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["q"] = q

    params["room_id"] = room_id

    params["sender_id"] = sender_id

    json_after: str | Unset = UNSET
    if not isinstance(after, Unset):
        json_after = after.isoformat()
    params["after"] = json_after

    json_before: str | Unset = UNSET
    if not isinstance(before, Unset):
        json_before = before.isoformat()
    params["before"] = json_before

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/search/messages",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | SearchPageResponse | None:
    if response.status_code == 200:
        response_200 = SearchPageResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | SearchPageResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    q: str,
    room_id: str | Unset = UNSET,
    sender_id: str | Unset = UNSET,
    after: datetime.datetime | Unset = UNSET,
    before: datetime.datetime | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[ErrorResponse | SearchPageResponse]:
    """Search messages

     Full-text search over the messages of the rooms the caller may read: the
    rooms they belong to, and every channel of the tenant. A user who left
    a group finds none of its messages any more. Hits come newest first,
    each the message and its `highlight`: the content HTML-escaped, the
    words that matched wrapped in `<mark>` and `</mark>` (safe to insert as
    HTML). Deleted messages are never found; an edited message is found
    by its current text only, as soon as the edit is answered.

    Query syntax, the same on SQLite and PostgreSQL:
    - `word word`: every word must occur, anywhere, in any case;
    - `"exact phrase"`: the words next to each other, in order;
    - `prefix*`: a word starting with `prefix` (also inside a phrase).

    Words are runs of letters and digits; any other character separates
    them (`s'il` is the two words `s` and `il`). Latin accents are
    optional (`cafe` finds `café`), case never matters (Latin, Greek,
    Cyrillic). Text without spaces (Chinese, Japanese) is one word per
    run: `東京タワー` and `東京*` find `東京タワー`, `東京` alone does not.
    There are no operators: `AND`, `OR`, `-` or `NEAR` are words or
    separators. A query with no word, an unclosed quote or a `*` after
    no word is refused with 400 (`field: q`).

    Filters narrow the hits: `room_id` (a room the caller cannot read, or
    that does not exist, gives no hits), `sender_id`, `after` and `before`
    (sent strictly after, before that time). Pages: pass `next_cursor` as
    `cursor` for the next page, with the same `q` and filters.

    Args:
        q (str):
        room_id (str | Unset): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        sender_id (str | Unset): A user of the tenant, chosen by the tenant's app. Example: alice.
        after (datetime.datetime | Unset):
        before (datetime.datetime | Unset):
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SearchPageResponse]
    """

    kwargs = _get_kwargs(
        q=q,
        room_id=room_id,
        sender_id=sender_id,
        after=after,
        before=before,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    q: str,
    room_id: str | Unset = UNSET,
    sender_id: str | Unset = UNSET,
    after: datetime.datetime | Unset = UNSET,
    before: datetime.datetime | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> ErrorResponse | SearchPageResponse | None:
    """Search messages

     Full-text search over the messages of the rooms the caller may read: the
    rooms they belong to, and every channel of the tenant. A user who left
    a group finds none of its messages any more. Hits come newest first,
    each the message and its `highlight`: the content HTML-escaped, the
    words that matched wrapped in `<mark>` and `</mark>` (safe to insert as
    HTML). Deleted messages are never found; an edited message is found
    by its current text only, as soon as the edit is answered.

    Query syntax, the same on SQLite and PostgreSQL:
    - `word word`: every word must occur, anywhere, in any case;
    - `"exact phrase"`: the words next to each other, in order;
    - `prefix*`: a word starting with `prefix` (also inside a phrase).

    Words are runs of letters and digits; any other character separates
    them (`s'il` is the two words `s` and `il`). Latin accents are
    optional (`cafe` finds `café`), case never matters (Latin, Greek,
    Cyrillic). Text without spaces (Chinese, Japanese) is one word per
    run: `東京タワー` and `東京*` find `東京タワー`, `東京` alone does not.
    There are no operators: `AND`, `OR`, `-` or `NEAR` are words or
    separators. A query with no word, an unclosed quote or a `*` after
    no word is refused with 400 (`field: q`).

    Filters narrow the hits: `room_id` (a room the caller cannot read, or
    that does not exist, gives no hits), `sender_id`, `after` and `before`
    (sent strictly after, before that time). Pages: pass `next_cursor` as
    `cursor` for the next page, with the same `q` and filters.

    Args:
        q (str):
        room_id (str | Unset): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        sender_id (str | Unset): A user of the tenant, chosen by the tenant's app. Example: alice.
        after (datetime.datetime | Unset):
        before (datetime.datetime | Unset):
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SearchPageResponse
    """

    return sync_detailed(
        client=client,
        q=q,
        room_id=room_id,
        sender_id=sender_id,
        after=after,
        before=before,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    q: str,
    room_id: str | Unset = UNSET,
    sender_id: str | Unset = UNSET,
    after: datetime.datetime | Unset = UNSET,
    before: datetime.datetime | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[ErrorResponse | SearchPageResponse]:
    """Search messages

     Full-text search over the messages of the rooms the caller may read: the
    rooms they belong to, and every channel of the tenant. A user who left
    a group finds none of its messages any more. Hits come newest first,
    each the message and its `highlight`: the content HTML-escaped, the
    words that matched wrapped in `<mark>` and `</mark>` (safe to insert as
    HTML). Deleted messages are never found; an edited message is found
    by its current text only, as soon as the edit is answered.

    Query syntax, the same on SQLite and PostgreSQL:
    - `word word`: every word must occur, anywhere, in any case;
    - `"exact phrase"`: the words next to each other, in order;
    - `prefix*`: a word starting with `prefix` (also inside a phrase).

    Words are runs of letters and digits; any other character separates
    them (`s'il` is the two words `s` and `il`). Latin accents are
    optional (`cafe` finds `café`), case never matters (Latin, Greek,
    Cyrillic). Text without spaces (Chinese, Japanese) is one word per
    run: `東京タワー` and `東京*` find `東京タワー`, `東京` alone does not.
    There are no operators: `AND`, `OR`, `-` or `NEAR` are words or
    separators. A query with no word, an unclosed quote or a `*` after
    no word is refused with 400 (`field: q`).

    Filters narrow the hits: `room_id` (a room the caller cannot read, or
    that does not exist, gives no hits), `sender_id`, `after` and `before`
    (sent strictly after, before that time). Pages: pass `next_cursor` as
    `cursor` for the next page, with the same `q` and filters.

    Args:
        q (str):
        room_id (str | Unset): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        sender_id (str | Unset): A user of the tenant, chosen by the tenant's app. Example: alice.
        after (datetime.datetime | Unset):
        before (datetime.datetime | Unset):
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SearchPageResponse]
    """

    kwargs = _get_kwargs(
        q=q,
        room_id=room_id,
        sender_id=sender_id,
        after=after,
        before=before,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    q: str,
    room_id: str | Unset = UNSET,
    sender_id: str | Unset = UNSET,
    after: datetime.datetime | Unset = UNSET,
    before: datetime.datetime | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> ErrorResponse | SearchPageResponse | None:
    """Search messages

     Full-text search over the messages of the rooms the caller may read: the
    rooms they belong to, and every channel of the tenant. A user who left
    a group finds none of its messages any more. Hits come newest first,
    each the message and its `highlight`: the content HTML-escaped, the
    words that matched wrapped in `<mark>` and `</mark>` (safe to insert as
    HTML). Deleted messages are never found; an edited message is found
    by its current text only, as soon as the edit is answered.

    Query syntax, the same on SQLite and PostgreSQL:
    - `word word`: every word must occur, anywhere, in any case;
    - `"exact phrase"`: the words next to each other, in order;
    - `prefix*`: a word starting with `prefix` (also inside a phrase).

    Words are runs of letters and digits; any other character separates
    them (`s'il` is the two words `s` and `il`). Latin accents are
    optional (`cafe` finds `café`), case never matters (Latin, Greek,
    Cyrillic). Text without spaces (Chinese, Japanese) is one word per
    run: `東京タワー` and `東京*` find `東京タワー`, `東京` alone does not.
    There are no operators: `AND`, `OR`, `-` or `NEAR` are words or
    separators. A query with no word, an unclosed quote or a `*` after
    no word is refused with 400 (`field: q`).

    Filters narrow the hits: `room_id` (a room the caller cannot read, or
    that does not exist, gives no hits), `sender_id`, `after` and `before`
    (sent strictly after, before that time). Pages: pass `next_cursor` as
    `cursor` for the next page, with the same `q` and filters.

    Args:
        q (str):
        room_id (str | Unset): A room id, `room_` followed by random characters. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        sender_id (str | Unset): A user of the tenant, chosen by the tenant's app. Example: alice.
        after (datetime.datetime | Unset):
        before (datetime.datetime | Unset):
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SearchPageResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            q=q,
            room_id=room_id,
            sender_id=sender_id,
            after=after,
            before=before,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
