from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.upload_response import UploadResponse
from ...types import Response


def _get_kwargs(
    upload_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/uploads/{upload_id}/complete".format(
            upload_id=quote(str(upload_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | UploadResponse | None:
    if response.status_code == 200:
        response_200 = UploadResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | UploadResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    upload_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorResponse | UploadResponse]:
    """Complete an upload

     Checks the bytes `PUT` to the upload's `upload_url`: their size and
    SHA-256 against the declared ones, their content against the declared
    type (sniffed; an image's header is read and one above 50 megapixels is
    refused before it is decoded). A refused file is deleted, with its
    upload: 400 `VALIDATION_ERROR`, `field` `size`, `sha256` or
    `content_type`, `details.reason` one of `size_mismatch`,
    `sha256_mismatch`, `content_mismatch`, `image_too_large`,
    `image_unreadable`. No bytes yet is 409 `CONFLICT`. Completing a
    complete upload answers it again. The bytes are fixed here: what was
    checked is what downloads serve, with the declared type, whatever is
    put to `upload_url` afterwards. Images get their width and height
    here; their thumbnail (at most 320 pixels on the long side, aspect
    kept) follows asynchronously with `attachment.processed`: to the
    room, as an event of its log, when the upload is attached to a
    message by then; otherwise to the uploader's connections only, and
    the message it is attached to later carries `thumbnail_url` from the
    start. `GET /uploads/{upload_id}` shows `thumbnail_url` once made.

    Args:
        upload_id (str): An upload id, `up_` followed by random characters. Example:
            up_01JD8XKQ3V9Z2Y7W5T4R3P2N1M.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UploadResponse]
    """

    kwargs = _get_kwargs(
        upload_id=upload_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    upload_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> ErrorResponse | UploadResponse | None:
    """Complete an upload

     Checks the bytes `PUT` to the upload's `upload_url`: their size and
    SHA-256 against the declared ones, their content against the declared
    type (sniffed; an image's header is read and one above 50 megapixels is
    refused before it is decoded). A refused file is deleted, with its
    upload: 400 `VALIDATION_ERROR`, `field` `size`, `sha256` or
    `content_type`, `details.reason` one of `size_mismatch`,
    `sha256_mismatch`, `content_mismatch`, `image_too_large`,
    `image_unreadable`. No bytes yet is 409 `CONFLICT`. Completing a
    complete upload answers it again. The bytes are fixed here: what was
    checked is what downloads serve, with the declared type, whatever is
    put to `upload_url` afterwards. Images get their width and height
    here; their thumbnail (at most 320 pixels on the long side, aspect
    kept) follows asynchronously with `attachment.processed`: to the
    room, as an event of its log, when the upload is attached to a
    message by then; otherwise to the uploader's connections only, and
    the message it is attached to later carries `thumbnail_url` from the
    start. `GET /uploads/{upload_id}` shows `thumbnail_url` once made.

    Args:
        upload_id (str): An upload id, `up_` followed by random characters. Example:
            up_01JD8XKQ3V9Z2Y7W5T4R3P2N1M.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UploadResponse
    """

    return sync_detailed(
        upload_id=upload_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    upload_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorResponse | UploadResponse]:
    """Complete an upload

     Checks the bytes `PUT` to the upload's `upload_url`: their size and
    SHA-256 against the declared ones, their content against the declared
    type (sniffed; an image's header is read and one above 50 megapixels is
    refused before it is decoded). A refused file is deleted, with its
    upload: 400 `VALIDATION_ERROR`, `field` `size`, `sha256` or
    `content_type`, `details.reason` one of `size_mismatch`,
    `sha256_mismatch`, `content_mismatch`, `image_too_large`,
    `image_unreadable`. No bytes yet is 409 `CONFLICT`. Completing a
    complete upload answers it again. The bytes are fixed here: what was
    checked is what downloads serve, with the declared type, whatever is
    put to `upload_url` afterwards. Images get their width and height
    here; their thumbnail (at most 320 pixels on the long side, aspect
    kept) follows asynchronously with `attachment.processed`: to the
    room, as an event of its log, when the upload is attached to a
    message by then; otherwise to the uploader's connections only, and
    the message it is attached to later carries `thumbnail_url` from the
    start. `GET /uploads/{upload_id}` shows `thumbnail_url` once made.

    Args:
        upload_id (str): An upload id, `up_` followed by random characters. Example:
            up_01JD8XKQ3V9Z2Y7W5T4R3P2N1M.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UploadResponse]
    """

    kwargs = _get_kwargs(
        upload_id=upload_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    upload_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> ErrorResponse | UploadResponse | None:
    """Complete an upload

     Checks the bytes `PUT` to the upload's `upload_url`: their size and
    SHA-256 against the declared ones, their content against the declared
    type (sniffed; an image's header is read and one above 50 megapixels is
    refused before it is decoded). A refused file is deleted, with its
    upload: 400 `VALIDATION_ERROR`, `field` `size`, `sha256` or
    `content_type`, `details.reason` one of `size_mismatch`,
    `sha256_mismatch`, `content_mismatch`, `image_too_large`,
    `image_unreadable`. No bytes yet is 409 `CONFLICT`. Completing a
    complete upload answers it again. The bytes are fixed here: what was
    checked is what downloads serve, with the declared type, whatever is
    put to `upload_url` afterwards. Images get their width and height
    here; their thumbnail (at most 320 pixels on the long side, aspect
    kept) follows asynchronously with `attachment.processed`: to the
    room, as an event of its log, when the upload is attached to a
    message by then; otherwise to the uploader's connections only, and
    the message it is attached to later carries `thumbnail_url` from the
    start. `GET /uploads/{upload_id}` shows `thumbnail_url` once made.

    Args:
        upload_id (str): An upload id, `up_` followed by random characters. Example:
            up_01JD8XKQ3V9Z2Y7W5T4R3P2N1M.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UploadResponse
    """

    return (
        await asyncio_detailed(
            upload_id=upload_id,
            client=client,
        )
    ).parsed
