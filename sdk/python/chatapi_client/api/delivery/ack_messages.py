from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.ack_request import AckRequest
from ...models.ack_response import AckResponse
from ...models.error_response import ErrorResponse
from ...types import Response


def _get_kwargs(
    *,
    body: AckRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/acks",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AckResponse | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = AckResponse.from_dict(response.json())

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
) -> Response[AckResponse | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: AckRequest,
) -> Response[AckResponse | ErrorResponse]:
    """Acknowledge messages

     Sets the caller's read cursor for the room to max(current, `seq`); a `seq`
    above the room's `last_seq` is refused with 409 (`field: seq`), the
    room's state being what refuses it. The user's own connections are
    told at once with `ack.received`; the room's members with the
    coalesced `receipts` event (rooms of up to `RECEIPTS_MAX_MEMBERS`
    members, default 100). Reading implies receipt: it moves the
    delivered cursor too, and ends redelivery of what it covers.

    Args:
        body (AckRequest): Everything up to `seq` in the room has been received.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AckResponse | ErrorResponse]
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
    client: AuthenticatedClient | Client,
    body: AckRequest,
) -> AckResponse | ErrorResponse | None:
    """Acknowledge messages

     Sets the caller's read cursor for the room to max(current, `seq`); a `seq`
    above the room's `last_seq` is refused with 409 (`field: seq`), the
    room's state being what refuses it. The user's own connections are
    told at once with `ack.received`; the room's members with the
    coalesced `receipts` event (rooms of up to `RECEIPTS_MAX_MEMBERS`
    members, default 100). Reading implies receipt: it moves the
    delivered cursor too, and ends redelivery of what it covers.

    Args:
        body (AckRequest): Everything up to `seq` in the room has been received.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AckResponse | ErrorResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: AckRequest,
) -> Response[AckResponse | ErrorResponse]:
    """Acknowledge messages

     Sets the caller's read cursor for the room to max(current, `seq`); a `seq`
    above the room's `last_seq` is refused with 409 (`field: seq`), the
    room's state being what refuses it. The user's own connections are
    told at once with `ack.received`; the room's members with the
    coalesced `receipts` event (rooms of up to `RECEIPTS_MAX_MEMBERS`
    members, default 100). Reading implies receipt: it moves the
    delivered cursor too, and ends redelivery of what it covers.

    Args:
        body (AckRequest): Everything up to `seq` in the room has been received.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AckResponse | ErrorResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: AckRequest,
) -> AckResponse | ErrorResponse | None:
    """Acknowledge messages

     Sets the caller's read cursor for the room to max(current, `seq`); a `seq`
    above the room's `last_seq` is refused with 409 (`field: seq`), the
    room's state being what refuses it. The user's own connections are
    told at once with `ack.received`; the room's members with the
    coalesced `receipts` event (rooms of up to `RECEIPTS_MAX_MEMBERS`
    members, default 100). Reading implies receipt: it moves the
    delivered cursor too, and ends redelivery of what it covers.

    Args:
        body (AckRequest): Everything up to `seq` in the room has been received.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AckResponse | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
