from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.report_response import ReportResponse
from ...models.update_report_request import UpdateReportRequest
from ...types import Response


def _get_kwargs(
    report_id: str,
    *,
    body: UpdateReportRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/reports/{report_id}".format(
            report_id=quote(str(report_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ReportResponse | None:
    if response.status_code == 200:
        response_200 = ReportResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | ReportResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    report_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: UpdateReportRequest,
) -> Response[ErrorResponse | ReportResponse]:
    """Resolve or dismiss a report

     Closes a report as `resolved` or `dismissed` (again: the later call
    wins), recording who and when. The tenant key may close any report;
    a user token the reports its `GET /reports` lists. Any other report,
    or one of another tenant, is 404.

    Args:
        report_id (str): A report's id. Example: rep_5a6b7c8f3a2b1c9d0e4f.
        body (UpdateReportRequest): How a report is closed.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ReportResponse]
    """

    kwargs = _get_kwargs(
        report_id=report_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    report_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: UpdateReportRequest,
) -> ErrorResponse | ReportResponse | None:
    """Resolve or dismiss a report

     Closes a report as `resolved` or `dismissed` (again: the later call
    wins), recording who and when. The tenant key may close any report;
    a user token the reports its `GET /reports` lists. Any other report,
    or one of another tenant, is 404.

    Args:
        report_id (str): A report's id. Example: rep_5a6b7c8f3a2b1c9d0e4f.
        body (UpdateReportRequest): How a report is closed.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ReportResponse
    """

    return sync_detailed(
        report_id=report_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    report_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: UpdateReportRequest,
) -> Response[ErrorResponse | ReportResponse]:
    """Resolve or dismiss a report

     Closes a report as `resolved` or `dismissed` (again: the later call
    wins), recording who and when. The tenant key may close any report;
    a user token the reports its `GET /reports` lists. Any other report,
    or one of another tenant, is 404.

    Args:
        report_id (str): A report's id. Example: rep_5a6b7c8f3a2b1c9d0e4f.
        body (UpdateReportRequest): How a report is closed.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ReportResponse]
    """

    kwargs = _get_kwargs(
        report_id=report_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    report_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: UpdateReportRequest,
) -> ErrorResponse | ReportResponse | None:
    """Resolve or dismiss a report

     Closes a report as `resolved` or `dismissed` (again: the later call
    wins), recording who and when. The tenant key may close any report;
    a user token the reports its `GET /reports` lists. Any other report,
    or one of another tenant, is 404.

    Args:
        report_id (str): A report's id. Example: rep_5a6b7c8f3a2b1c9d0e4f.
        body (UpdateReportRequest): How a report is closed.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ReportResponse
    """

    return (
        await asyncio_detailed(
            report_id=report_id,
            client=client,
            body=body,
        )
    ).parsed
