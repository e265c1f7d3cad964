from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_report_request import CreateReportRequest
from ...models.error_response import ErrorResponse
from ...models.report_response import ReportResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: CreateReportRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/reports",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ReportResponse | None:
    if response.status_code == 201:
        response_201 = ReportResponse.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

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
) -> Response[ErrorResponse | ReportResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateReportRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | ReportResponse]:
    """Report a message or a user

     Opens a report of a message the caller can read (`message_id`; its
    sender is the reported user) or of a user (`user_id`): exactly one of
    the two. A message the caller cannot read, or of another tenant, is
    404. Reports of messages go to the queue of their room's admins and
    of the tenant; reports of users to the tenant's.

    Args:
        idempotency_key (str | Unset):
        body (CreateReportRequest): A report of one message (`message_id`) or of one user
            (`user_id`), not both.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ReportResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: CreateReportRequest,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | ReportResponse | None:
    """Report a message or a user

     Opens a report of a message the caller can read (`message_id`; its
    sender is the reported user) or of a user (`user_id`): exactly one of
    the two. A message the caller cannot read, or of another tenant, is
    404. Reports of messages go to the queue of their room's admins and
    of the tenant; reports of users to the tenant's.

    Args:
        idempotency_key (str | Unset):
        body (CreateReportRequest): A report of one message (`message_id`) or of one user
            (`user_id`), not both.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ReportResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateReportRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | ReportResponse]:
    """Report a message or a user

     Opens a report of a message the caller can read (`message_id`; its
    sender is the reported user) or of a user (`user_id`): exactly one of
    the two. A message the caller cannot read, or of another tenant, is
    404. Reports of messages go to the queue of their room's admins and
    of the tenant; reports of users to the tenant's.

    Args:
        idempotency_key (str | Unset):
        body (CreateReportRequest): A report of one message (`message_id`) or of one user
            (`user_id`), not both.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ReportResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: CreateReportRequest,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | ReportResponse | None:
    """Report a message or a user

     Opens a report of a message the caller can read (`message_id`; its
    sender is the reported user) or of a user (`user_id`): exactly one of
    the two. A message the caller cannot read, or of another tenant, is
    404. Reports of messages go to the queue of their room's admins and
    of the tenant; reports of users to the tenant's.

    Args:
        idempotency_key (str | Unset):
        body (CreateReportRequest): A report of one message (`message_id`) or of one user
            (`user_id`), not both.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ReportResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
