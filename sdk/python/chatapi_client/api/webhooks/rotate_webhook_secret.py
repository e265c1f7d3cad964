from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.webhook_with_secret_response import WebhookWithSecretResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    webhook_id: str,
    *,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/webhooks/{webhook_id}/rotate-secret".format(
            webhook_id=quote(str(webhook_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | WebhookWithSecretResponse | None:
    if response.status_code == 200:
        response_200 = WebhookWithSecretResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | WebhookWithSecretResponse]:
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
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | WebhookWithSecretResponse]:
    """Rotate a webhook endpoint's signing secret

     Gives the endpoint a new signing secret, returned in this answer only.
    For 24 hours (until `previous_secret_until`) deliveries are signed
    with both, the new one first (`webhook-signature: v1,<new> v1,<old>`),
    so a receiver can switch over without missing one. Tenant-level.

    Args:
        webhook_id (str): A webhook endpoint id, `wh_` and 20 random characters. Example:
            wh_3kT9qZ2mW8xR5vN7bP3c.
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WebhookWithSecretResponse]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    webhook_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | WebhookWithSecretResponse | None:
    """Rotate a webhook endpoint's signing secret

     Gives the endpoint a new signing secret, returned in this answer only.
    For 24 hours (until `previous_secret_until`) deliveries are signed
    with both, the new one first (`webhook-signature: v1,<new> v1,<old>`),
    so a receiver can switch over without missing one. Tenant-level.

    Args:
        webhook_id (str): A webhook endpoint id, `wh_` and 20 random characters. Example:
            wh_3kT9qZ2mW8xR5vN7bP3c.
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WebhookWithSecretResponse
    """

    return sync_detailed(
        webhook_id=webhook_id,
        client=client,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    webhook_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | WebhookWithSecretResponse]:
    """Rotate a webhook endpoint's signing secret

     Gives the endpoint a new signing secret, returned in this answer only.
    For 24 hours (until `previous_secret_until`) deliveries are signed
    with both, the new one first (`webhook-signature: v1,<new> v1,<old>`),
    so a receiver can switch over without missing one. Tenant-level.

    Args:
        webhook_id (str): A webhook endpoint id, `wh_` and 20 random characters. Example:
            wh_3kT9qZ2mW8xR5vN7bP3c.
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WebhookWithSecretResponse]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    webhook_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | WebhookWithSecretResponse | None:
    """Rotate a webhook endpoint's signing secret

     Gives the endpoint a new signing secret, returned in this answer only.
    For 24 hours (until `previous_secret_until`) deliveries are signed
    with both, the new one first (`webhook-signature: v1,<new> v1,<old>`),
    so a receiver can switch over without missing one. Tenant-level.

    Args:
        webhook_id (str): A webhook endpoint id, `wh_` and 20 random characters. Example:
            wh_3kT9qZ2mW8xR5vN7bP3c.
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WebhookWithSecretResponse
    """

    return (
        await asyncio_detailed(
            webhook_id=webhook_id,
            client=client,
            idempotency_key=idempotency_key,
        )
    ).parsed
