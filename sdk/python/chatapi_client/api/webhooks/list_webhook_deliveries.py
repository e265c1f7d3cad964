from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.webhook_delivery_page_response import WebhookDeliveryPageResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    webhook_id: str,
    *,
    before: str | Unset = UNSET,
    limit: int | Unset = 50,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["before"] = before

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/webhooks/{webhook_id}/deliveries".format(
            webhook_id=quote(str(webhook_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | WebhookDeliveryPageResponse | None:
    if response.status_code == 200:
        response_200 = WebhookDeliveryPageResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | WebhookDeliveryPageResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    webhook_id: str,
    *,
    client: AuthenticatedClient,
    before: str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[ErrorResponse | WebhookDeliveryPageResponse]:
    """List an endpoint's deliveries

     The delivery log, newest first: each delivery's status (`pending`,
    `succeeded`, `failed`), attempts, last response status and latency,
    next attempt, and every attempt in `attempt_log`. Pass `next_before`
    as `before` for older ones. Finished deliveries are kept 90 days.
    Tenant-level.

    Args:
        webhook_id (str): A webhook endpoint id, `wh_` and 20 random characters. Example:
            wh_3kT9qZ2mW8xR5vN7bP3c.
        before (str | Unset): A delivery id, `whd_` and 28 characters; later deliveries have
            greater ids. It is the `webhook-id` header of every attempt. Example:
            whd_0Y3fR2kQ7bX9mN4pL8sT2vW6zC1d.
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WebhookDeliveryPageResponse]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        before=before,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    webhook_id: str,
    *,
    client: AuthenticatedClient,
    before: str | Unset = UNSET,
    limit: int | Unset = 50,
) -> ErrorResponse | WebhookDeliveryPageResponse | None:
    """List an endpoint's deliveries

     The delivery log, newest first: each delivery's status (`pending`,
    `succeeded`, `failed`), attempts, last response status and latency,
    next attempt, and every attempt in `attempt_log`. Pass `next_before`
    as `before` for older ones. Finished deliveries are kept 90 days.
    Tenant-level.

    Args:
        webhook_id (str): A webhook endpoint id, `wh_` and 20 random characters. Example:
            wh_3kT9qZ2mW8xR5vN7bP3c.
        before (str | Unset): A delivery id, `whd_` and 28 characters; later deliveries have
            greater ids. It is the `webhook-id` header of every attempt. Example:
            whd_0Y3fR2kQ7bX9mN4pL8sT2vW6zC1d.
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WebhookDeliveryPageResponse
    """

    return sync_detailed(
        webhook_id=webhook_id,
        client=client,
        before=before,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    webhook_id: str,
    *,
    client: AuthenticatedClient,
    before: str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[ErrorResponse | WebhookDeliveryPageResponse]:
    """List an endpoint's deliveries

     The delivery log, newest first: each delivery's status (`pending`,
    `succeeded`, `failed`), attempts, last response status and latency,
    next attempt, and every attempt in `attempt_log`. Pass `next_before`
    as `before` for older ones. Finished deliveries are kept 90 days.
    Tenant-level.

    Args:
        webhook_id (str): A webhook endpoint id, `wh_` and 20 random characters. Example:
            wh_3kT9qZ2mW8xR5vN7bP3c.
        before (str | Unset): A delivery id, `whd_` and 28 characters; later deliveries have
            greater ids. It is the `webhook-id` header of every attempt. Example:
            whd_0Y3fR2kQ7bX9mN4pL8sT2vW6zC1d.
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WebhookDeliveryPageResponse]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        before=before,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    webhook_id: str,
    *,
    client: AuthenticatedClient,
    before: str | Unset = UNSET,
    limit: int | Unset = 50,
) -> ErrorResponse | WebhookDeliveryPageResponse | None:
    """List an endpoint's deliveries

     The delivery log, newest first: each delivery's status (`pending`,
    `succeeded`, `failed`), attempts, last response status and latency,
    next attempt, and every attempt in `attempt_log`. Pass `next_before`
    as `before` for older ones. Finished deliveries are kept 90 days.
    Tenant-level.

    Args:
        webhook_id (str): A webhook endpoint id, `wh_` and 20 random characters. Example:
            wh_3kT9qZ2mW8xR5vN7bP3c.
        before (str | Unset): A delivery id, `whd_` and 28 characters; later deliveries have
            greater ids. It is the `webhook-id` header of every attempt. Example:
            whd_0Y3fR2kQ7bX9mN4pL8sT2vW6zC1d.
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WebhookDeliveryPageResponse
    """

    return (
        await asyncio_detailed(
            webhook_id=webhook_id,
            client=client,
            before=before,
            limit=limit,
        )
    ).parsed
