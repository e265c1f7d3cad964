from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.blocklist_response import BlocklistResponse
from ...models.error_response import ErrorResponse
from ...models.set_blocklist_request import SetBlocklistRequest
from ...types import Response


def _get_kwargs(
    *,
    body: SetBlocklistRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/moderation/blocklist",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BlocklistResponse | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = BlocklistResponse.from_dict(response.json())

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
) -> Response[BlocklistResponse | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SetBlocklistRequest,
) -> Response[BlocklistResponse | ErrorResponse]:
    """Replace the word blocklist

     Replaces the tenant's blocklist (an empty `words` removes it). From
    then on every message sent or edited, over REST or WebSocket, is
    checked against it: `block` refuses it with 400 `VALIDATION_ERROR`,
    `field` `content`, `details.reason` `blocklist`; `flag` stores it and
    opens a report by the system (`reporter_id` null, `reason`
    `blocklist`); `mask` stores it with each matched part replaced by
    `***`. Matching is case-insensitive and Unicode-aware: text and
    words are compared after each character's compatibility
    decomposition (NFKD: full-width letters and ligatures match their
    plain forms, precomposed and decomposed accents match each other)
    and full case folding (`Straße` matches `strasse`); accents are kept
    (`café` does not match `cafe`). `word` matches whole words only: no
    letter, digit or combining mark of any script may touch a match
    (`ass` does not match `class`); words in scripts written without
    spaces (Han, Kana, Thai, Lao, Khmer, Myanmar) match inside text as
    with `substring`. A change holds at once on the instance that
    stored it and within a second on the others. At most 10,000 words of
    1 to 100 characters; this operation accepts bodies up to 2 MiB.
    Tenant-level: a user token is refused with 403.

    Args:
        body (SetBlocklistRequest): A whole blocklist, replacing the tenant's.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BlocklistResponse | ErrorResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: SetBlocklistRequest,
) -> BlocklistResponse | ErrorResponse | None:
    """Replace the word blocklist

     Replaces the tenant's blocklist (an empty `words` removes it). From
    then on every message sent or edited, over REST or WebSocket, is
    checked against it: `block` refuses it with 400 `VALIDATION_ERROR`,
    `field` `content`, `details.reason` `blocklist`; `flag` stores it and
    opens a report by the system (`reporter_id` null, `reason`
    `blocklist`); `mask` stores it with each matched part replaced by
    `***`. Matching is case-insensitive and Unicode-aware: text and
    words are compared after each character's compatibility
    decomposition (NFKD: full-width letters and ligatures match their
    plain forms, precomposed and decomposed accents match each other)
    and full case folding (`Straße` matches `strasse`); accents are kept
    (`café` does not match `cafe`). `word` matches whole words only: no
    letter, digit or combining mark of any script may touch a match
    (`ass` does not match `class`); words in scripts written without
    spaces (Han, Kana, Thai, Lao, Khmer, Myanmar) match inside text as
    with `substring`. A change holds at once on the instance that
    stored it and within a second on the others. At most 10,000 words of
    1 to 100 characters; this operation accepts bodies up to 2 MiB.
    Tenant-level: a user token is refused with 403.

    Args:
        body (SetBlocklistRequest): A whole blocklist, replacing the tenant's.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BlocklistResponse | ErrorResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SetBlocklistRequest,
) -> Response[BlocklistResponse | ErrorResponse]:
    """Replace the word blocklist

     Replaces the tenant's blocklist (an empty `words` removes it). From
    then on every message sent or edited, over REST or WebSocket, is
    checked against it: `block` refuses it with 400 `VALIDATION_ERROR`,
    `field` `content`, `details.reason` `blocklist`; `flag` stores it and
    opens a report by the system (`reporter_id` null, `reason`
    `blocklist`); `mask` stores it with each matched part replaced by
    `***`. Matching is case-insensitive and Unicode-aware: text and
    words are compared after each character's compatibility
    decomposition (NFKD: full-width letters and ligatures match their
    plain forms, precomposed and decomposed accents match each other)
    and full case folding (`Straße` matches `strasse`); accents are kept
    (`café` does not match `cafe`). `word` matches whole words only: no
    letter, digit or combining mark of any script may touch a match
    (`ass` does not match `class`); words in scripts written without
    spaces (Han, Kana, Thai, Lao, Khmer, Myanmar) match inside text as
    with `substring`. A change holds at once on the instance that
    stored it and within a second on the others. At most 10,000 words of
    1 to 100 characters; this operation accepts bodies up to 2 MiB.
    Tenant-level: a user token is refused with 403.

    Args:
        body (SetBlocklistRequest): A whole blocklist, replacing the tenant's.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BlocklistResponse | ErrorResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: SetBlocklistRequest,
) -> BlocklistResponse | ErrorResponse | None:
    """Replace the word blocklist

     Replaces the tenant's blocklist (an empty `words` removes it). From
    then on every message sent or edited, over REST or WebSocket, is
    checked against it: `block` refuses it with 400 `VALIDATION_ERROR`,
    `field` `content`, `details.reason` `blocklist`; `flag` stores it and
    opens a report by the system (`reporter_id` null, `reason`
    `blocklist`); `mask` stores it with each matched part replaced by
    `***`. Matching is case-insensitive and Unicode-aware: text and
    words are compared after each character's compatibility
    decomposition (NFKD: full-width letters and ligatures match their
    plain forms, precomposed and decomposed accents match each other)
    and full case folding (`Straße` matches `strasse`); accents are kept
    (`café` does not match `cafe`). `word` matches whole words only: no
    letter, digit or combining mark of any script may touch a match
    (`ass` does not match `class`); words in scripts written without
    spaces (Han, Kana, Thai, Lao, Khmer, Myanmar) match inside text as
    with `substring`. A change holds at once on the instance that
    stored it and within a second on the others. At most 10,000 words of
    1 to 100 characters; this operation accepts bodies up to 2 MiB.
    Tenant-level: a user token is refused with 403.

    Args:
        body (SetBlocklistRequest): A whole blocklist, replacing the tenant's.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BlocklistResponse | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
