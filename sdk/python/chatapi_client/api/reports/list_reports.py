from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.report_page_response import ReportPageResponse
from ...models.report_status import ReportStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    status: ReportStatus | Unset = UNSET,
    after: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["after"] = after

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/reports",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ReportPageResponse | None:
    if response.status_code == 200:
        response_200 = ReportPageResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | ReportPageResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    status: ReportStatus | Unset = UNSET,
    after: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[ErrorResponse | ReportPageResponse]:
    """List reports

     The report queue, oldest first. With the tenant key: every report of
    the tenant. With a user token: the reports of messages in the rooms
    the caller is an admin of (none for a user who administers no room).
    `status` filters (absent: every status); pass the last `report_id` of
    a page as `after` for the next.

    Args:
        status (ReportStatus | Unset): Where a report stands. Example: open.
        after (str | Unset): A report's id. Example: rep_5a6b7c8f3a2b1c9d0e4f.
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ReportPageResponse]
    """

    kwargs = _get_kwargs(
        status=status,
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
    status: ReportStatus | Unset = UNSET,
    after: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> ErrorResponse | ReportPageResponse | None:
    """List reports

     The report queue, oldest first. With the tenant key: every report of
    the tenant. With a user token: the reports of messages in the rooms
    the caller is an admin of (none for a user who administers no room).
    `status` filters (absent: every status); pass the last `report_id` of
    a page as `after` for the next.

    Args:
        status (ReportStatus | Unset): Where a report stands. Example: open.
        after (str | Unset): A report's id. Example: rep_5a6b7c8f3a2b1c9d0e4f.
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ReportPageResponse
    """

    return sync_detailed(
        client=client,
        status=status,
        after=after,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    status: ReportStatus | Unset = UNSET,
    after: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[ErrorResponse | ReportPageResponse]:
    """List reports

     The report queue, oldest first. With the tenant key: every report of
    the tenant. With a user token: the reports of messages in the rooms
    the caller is an admin of (none for a user who administers no room).
    `status` filters (absent: every status); pass the last `report_id` of
    a page as `after` for the next.

    Args:
        status (ReportStatus | Unset): Where a report stands. Example: open.
        after (str | Unset): A report's id. Example: rep_5a6b7c8f3a2b1c9d0e4f.
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ReportPageResponse]
    """

    kwargs = _get_kwargs(
        status=status,
        after=after,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    status: ReportStatus | Unset = UNSET,
    after: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> ErrorResponse | ReportPageResponse | None:
    """List reports

     The report queue, oldest first. With the tenant key: every report of
    the tenant. With a user token: the reports of messages in the rooms
    the caller is an admin of (none for a user who administers no room).
    `status` filters (absent: every status); pass the last `report_id` of
    a page as `after` for the next.

    Args:
        status (ReportStatus | Unset): Where a report stands. Example: open.
        after (str | Unset): A report's id. Example: rep_5a6b7c8f3a2b1c9d0e4f.
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ReportPageResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            status=status,
            after=after,
            limit=limit,
        )
    ).parsed
