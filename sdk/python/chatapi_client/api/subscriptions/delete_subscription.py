from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.unsubscribed_response import UnsubscribedResponse
from ...types import Response


def _get_kwargs(
    topic: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/subscriptions/{topic}".format(
            topic=quote(str(topic), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | UnsubscribedResponse | None:
    if response.status_code == 200:
        response_200 = UnsubscribedResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | UnsubscribedResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    topic: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorResponse | UnsubscribedResponse]:
    """Unsubscribe from a topic

     Removes the caller's subscription to the topic.

    Args:
        topic (str): A notification topic. Example: orders.shipped.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UnsubscribedResponse]
    """

    kwargs = _get_kwargs(
        topic=topic,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    topic: str,
    *,
    client: AuthenticatedClient | Client,
) -> ErrorResponse | UnsubscribedResponse | None:
    """Unsubscribe from a topic

     Removes the caller's subscription to the topic.

    Args:
        topic (str): A notification topic. Example: orders.shipped.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UnsubscribedResponse
    """

    return sync_detailed(
        topic=topic,
        client=client,
    ).parsed


async def asyncio_detailed(
    topic: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorResponse | UnsubscribedResponse]:
    """Unsubscribe from a topic

     Removes the caller's subscription to the topic.

    Args:
        topic (str): A notification topic. Example: orders.shipped.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UnsubscribedResponse]
    """

    kwargs = _get_kwargs(
        topic=topic,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    topic: str,
    *,
    client: AuthenticatedClient | Client,
) -> ErrorResponse | UnsubscribedResponse | None:
    """Unsubscribe from a topic

     Removes the caller's subscription to the topic.

    Args:
        topic (str): A notification topic. Example: orders.shipped.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UnsubscribedResponse
    """

    return (
        await asyncio_detailed(
            topic=topic,
            client=client,
        )
    ).parsed
