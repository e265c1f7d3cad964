import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.tenant_usage_response import TenantUsageResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    tenant_id: str,
    *,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_from_: str | Unset = UNSET
    if not isinstance(from_, Unset):
        json_from_ = from_.isoformat()
    params["from"] = json_from_

    json_to: str | Unset = UNSET
    if not isinstance(to, Unset):
        json_to = to.isoformat()
    params["to"] = json_to

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/admin/tenants/{tenant_id}/usage".format(
            tenant_id=quote(str(tenant_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | TenantUsageResponse | None:
    if response.status_code == 200:
        response_200 = TenantUsageResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | TenantUsageResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    tenant_id: str,
    *,
    client: AuthenticatedClient,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
) -> Response[ErrorResponse | TenantUsageResponse]:
    """A tenant's usage

     What the tenant used over UTC days `from` to `to` (both included; by
    default the 30 days up to today; empty when `from` is after `to`): messages sent,
    daily and monthly active users (users who made a request or opened a
    WebSocket connection, as themselves, that day or month), peak
    WebSocket connections, webhook delivery attempts, and the bytes of its
    stored uploads now. A day's peak is the sum of each instance's own
    peak that day: an upper bound of the connections open at once across
    instances (the instances' peaks need not coincide), so capacity
    planned on it is never short; with one instance it is exact.

    Args:
        tenant_id (str): A tenant id, `tn_` followed by random characters. Example:
            tn_8f3a2b1c9d0e4f5a6b7c.
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | TenantUsageResponse]
    """

    kwargs = _get_kwargs(
        tenant_id=tenant_id,
        from_=from_,
        to=to,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    tenant_id: str,
    *,
    client: AuthenticatedClient,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
) -> ErrorResponse | TenantUsageResponse | None:
    """A tenant's usage

     What the tenant used over UTC days `from` to `to` (both included; by
    default the 30 days up to today; empty when `from` is after `to`): messages sent,
    daily and monthly active users (users who made a request or opened a
    WebSocket connection, as themselves, that day or month), peak
    WebSocket connections, webhook delivery attempts, and the bytes of its
    stored uploads now. A day's peak is the sum of each instance's own
    peak that day: an upper bound of the connections open at once across
    instances (the instances' peaks need not coincide), so capacity
    planned on it is never short; with one instance it is exact.

    Args:
        tenant_id (str): A tenant id, `tn_` followed by random characters. Example:
            tn_8f3a2b1c9d0e4f5a6b7c.
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | TenantUsageResponse
    """

    return sync_detailed(
        tenant_id=tenant_id,
        client=client,
        from_=from_,
        to=to,
    ).parsed


async def asyncio_detailed(
    tenant_id: str,
    *,
    client: AuthenticatedClient,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
) -> Response[ErrorResponse | TenantUsageResponse]:
    """A tenant's usage

     What the tenant used over UTC days `from` to `to` (both included; by
    default the 30 days up to today; empty when `from` is after `to`): messages sent,
    daily and monthly active users (users who made a request or opened a
    WebSocket connection, as themselves, that day or month), peak
    WebSocket connections, webhook delivery attempts, and the bytes of its
    stored uploads now. A day's peak is the sum of each instance's own
    peak that day: an upper bound of the connections open at once across
    instances (the instances' peaks need not coincide), so capacity
    planned on it is never short; with one instance it is exact.

    Args:
        tenant_id (str): A tenant id, `tn_` followed by random characters. Example:
            tn_8f3a2b1c9d0e4f5a6b7c.
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | TenantUsageResponse]
    """

    kwargs = _get_kwargs(
        tenant_id=tenant_id,
        from_=from_,
        to=to,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    tenant_id: str,
    *,
    client: AuthenticatedClient,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
) -> ErrorResponse | TenantUsageResponse | None:
    """A tenant's usage

     What the tenant used over UTC days `from` to `to` (both included; by
    default the 30 days up to today; empty when `from` is after `to`): messages sent,
    daily and monthly active users (users who made a request or opened a
    WebSocket connection, as themselves, that day or month), peak
    WebSocket connections, webhook delivery attempts, and the bytes of its
    stored uploads now. A day's peak is the sum of each instance's own
    peak that day: an upper bound of the connections open at once across
    instances (the instances' peaks need not coincide), so capacity
    planned on it is never short; with one instance it is exact.

    Args:
        tenant_id (str): A tenant id, `tn_` followed by random characters. Example:
            tn_8f3a2b1c9d0e4f5a6b7c.
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | TenantUsageResponse
    """

    return (
        await asyncio_detailed(
            tenant_id=tenant_id,
            client=client,
            from_=from_,
            to=to,
        )
    ).parsed
