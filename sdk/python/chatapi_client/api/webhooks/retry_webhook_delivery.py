from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.webhook_delivery_response import WebhookDeliveryResponse
from ...types import Response


def _get_kwargs(
    webhook_id: str,
    delivery_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/webhooks/{webhook_id}/deliveries/{delivery_id}/retry".format(
            webhook_id=quote(str(webhook_id), safe=""),
            delivery_id=quote(str(delivery_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | WebhookDeliveryResponse | None:
    if response.status_code == 202:
        response_202 = WebhookDeliveryResponse.from_dict(response.json())

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

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ErrorResponse.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ErrorResponse.from_dict(response.json())

        return response_413

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
) -> Response[ErrorResponse | WebhookDeliveryResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    webhook_id: str,
    delivery_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[ErrorResponse | WebhookDeliveryResponse]:
    """Retry a delivery

     Sends a delivery that succeeded or failed again, now, with a fresh
    retry window (in its room's order: after the room's earlier pending
    deliveries). A pending delivery is retried on its own: 409. Tenant-level.

    Args:
        webhook_id (str): A webhook endpoint id, `wh_` and 20 random characters. Example:
            wh_3kT9qZ2mW8xR5vN7bP3c.
        delivery_id (str): A delivery id, `whd_` and 28 characters; later deliveries have greater
            ids. It is the `webhook-id` header of every attempt. Example:
            whd_0Y3fR2kQ7bX9mN4pL8sT2vW6zC1d.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WebhookDeliveryResponse]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        delivery_id=delivery_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    webhook_id: str,
    delivery_id: str,
    *,
    client: AuthenticatedClient,
) -> ErrorResponse | WebhookDeliveryResponse | None:
    """Retry a delivery

     Sends a delivery that succeeded or failed again, now, with a fresh
    retry window (in its room's order: after the room's earlier pending
    deliveries). A pending delivery is retried on its own: 409. Tenant-level.

    Args:
        webhook_id (str): A webhook endpoint id, `wh_` and 20 random characters. Example:
            wh_3kT9qZ2mW8xR5vN7bP3c.
        delivery_id (str): A delivery id, `whd_` and 28 characters; later deliveries have greater
            ids. It is the `webhook-id` header of every attempt. Example:
            whd_0Y3fR2kQ7bX9mN4pL8sT2vW6zC1d.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WebhookDeliveryResponse
    """

    return sync_detailed(
        webhook_id=webhook_id,
        delivery_id=delivery_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    webhook_id: str,
    delivery_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[ErrorResponse | WebhookDeliveryResponse]:
    """Retry a delivery

     Sends a delivery that succeeded or failed again, now, with a fresh
    retry window (in its room's order: after the room's earlier pending
    deliveries). A pending delivery is retried on its own: 409. Tenant-level.

    Args:
        webhook_id (str): A webhook endpoint id, `wh_` and 20 random characters. Example:
            wh_3kT9qZ2mW8xR5vN7bP3c.
        delivery_id (str): A delivery id, `whd_` and 28 characters; later deliveries have greater
            ids. It is the `webhook-id` header of every attempt. Example:
            whd_0Y3fR2kQ7bX9mN4pL8sT2vW6zC1d.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WebhookDeliveryResponse]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        delivery_id=delivery_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    webhook_id: str,
    delivery_id: str,
    *,
    client: AuthenticatedClient,
) -> ErrorResponse | WebhookDeliveryResponse | None:
    """Retry a delivery

     Sends a delivery that succeeded or failed again, now, with a fresh
    retry window (in its room's order: after the room's earlier pending
    deliveries). A pending delivery is retried on its own: 409. Tenant-level.

    Args:
        webhook_id (str): A webhook endpoint id, `wh_` and 20 random characters. Example:
            wh_3kT9qZ2mW8xR5vN7bP3c.
        delivery_id (str): A delivery id, `whd_` and 28 characters; later deliveries have greater
            ids. It is the `webhook-id` header of every attempt. Example:
            whd_0Y3fR2kQ7bX9mN4pL8sT2vW6zC1d.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WebhookDeliveryResponse
    """

    return (
        await asyncio_detailed(
            webhook_id=webhook_id,
            delivery_id=delivery_id,
            client=client,
        )
    ).parsed
