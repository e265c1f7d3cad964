from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_upload_request import CreateUploadRequest
from ...models.error_response import ErrorResponse
from ...models.upload_ticket_response import UploadTicketResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: CreateUploadRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/uploads",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | UploadTicketResponse | None:
    if response.status_code == 201:
        response_201 = UploadTicketResponse.from_dict(response.json())

        return response_201

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
) -> Response[ErrorResponse | UploadTicketResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateUploadRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | UploadTicketResponse]:
    """Start an upload

     Declares a file to attach to a message of a room the caller is a member
    of, and returns where to `PUT` its bytes. Three steps:

    1. `POST /uploads` with the file's name, type, size and SHA-256 (hex).
    2. `PUT` exactly `size` bytes to `upload_url` (no headers needed; the
       URL is signed and expires at `expires_at`). On the local backend that
       is this server's `/files/…`; on S3-compatible storage, a presigned URL
       of the bucket.
    3. `POST /uploads/{upload_id}/complete`: the server checks the size, the
       SHA-256 and the content (sniffed against `content_type`; images are
       read up to their header and refused above 50 megapixels, before any
       decoding).

    Then send or edit a message with `attachments: [upload_id]`.
    Limits per tenant (defaults: 25 MB a file, 1 GB in all; images, PDF,
    plain text and common audio and video types): a file over the size
    limit or of a type outside the allow-list is 400 `VALIDATION_ERROR`
    (`field` `size` or `content_type`); a file that would take the tenant
    over its quota is 409 `CONFLICT` (`field` `size`). Another tenant's room
    is 404; a room the caller is not a member of is 403.

    Args:
        idempotency_key (str | Unset):
        body (CreateUploadRequest): A file about to be uploaded.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UploadTicketResponse]
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
    body: CreateUploadRequest,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | UploadTicketResponse | None:
    """Start an upload

     Declares a file to attach to a message of a room the caller is a member
    of, and returns where to `PUT` its bytes. Three steps:

    1. `POST /uploads` with the file's name, type, size and SHA-256 (hex).
    2. `PUT` exactly `size` bytes to `upload_url` (no headers needed; the
       URL is signed and expires at `expires_at`). On the local backend that
       is this server's `/files/…`; on S3-compatible storage, a presigned URL
       of the bucket.
    3. `POST /uploads/{upload_id}/complete`: the server checks the size, the
       SHA-256 and the content (sniffed against `content_type`; images are
       read up to their header and refused above 50 megapixels, before any
       decoding).

    Then send or edit a message with `attachments: [upload_id]`.
    Limits per tenant (defaults: 25 MB a file, 1 GB in all; images, PDF,
    plain text and common audio and video types): a file over the size
    limit or of a type outside the allow-list is 400 `VALIDATION_ERROR`
    (`field` `size` or `content_type`); a file that would take the tenant
    over its quota is 409 `CONFLICT` (`field` `size`). Another tenant's room
    is 404; a room the caller is not a member of is 403.

    Args:
        idempotency_key (str | Unset):
        body (CreateUploadRequest): A file about to be uploaded.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UploadTicketResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateUploadRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | UploadTicketResponse]:
    """Start an upload

     Declares a file to attach to a message of a room the caller is a member
    of, and returns where to `PUT` its bytes. Three steps:

    1. `POST /uploads` with the file's name, type, size and SHA-256 (hex).
    2. `PUT` exactly `size` bytes to `upload_url` (no headers needed; the
       URL is signed and expires at `expires_at`). On the local backend that
       is this server's `/files/…`; on S3-compatible storage, a presigned URL
       of the bucket.
    3. `POST /uploads/{upload_id}/complete`: the server checks the size, the
       SHA-256 and the content (sniffed against `content_type`; images are
       read up to their header and refused above 50 megapixels, before any
       decoding).

    Then send or edit a message with `attachments: [upload_id]`.
    Limits per tenant (defaults: 25 MB a file, 1 GB in all; images, PDF,
    plain text and common audio and video types): a file over the size
    limit or of a type outside the allow-list is 400 `VALIDATION_ERROR`
    (`field` `size` or `content_type`); a file that would take the tenant
    over its quota is 409 `CONFLICT` (`field` `size`). Another tenant's room
    is 404; a room the caller is not a member of is 403.

    Args:
        idempotency_key (str | Unset):
        body (CreateUploadRequest): A file about to be uploaded.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UploadTicketResponse]
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
    body: CreateUploadRequest,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | UploadTicketResponse | None:
    """Start an upload

     Declares a file to attach to a message of a room the caller is a member
    of, and returns where to `PUT` its bytes. Three steps:

    1. `POST /uploads` with the file's name, type, size and SHA-256 (hex).
    2. `PUT` exactly `size` bytes to `upload_url` (no headers needed; the
       URL is signed and expires at `expires_at`). On the local backend that
       is this server's `/files/…`; on S3-compatible storage, a presigned URL
       of the bucket.
    3. `POST /uploads/{upload_id}/complete`: the server checks the size, the
       SHA-256 and the content (sniffed against `content_type`; images are
       read up to their header and refused above 50 megapixels, before any
       decoding).

    Then send or edit a message with `attachments: [upload_id]`.
    Limits per tenant (defaults: 25 MB a file, 1 GB in all; images, PDF,
    plain text and common audio and video types): a file over the size
    limit or of a type outside the allow-list is 400 `VALIDATION_ERROR`
    (`field` `size` or `content_type`); a file that would take the tenant
    over its quota is 409 `CONFLICT` (`field` `size`). Another tenant's room
    is 404; a room the caller is not a member of is 403.

    Args:
        idempotency_key (str | Unset):
        body (CreateUploadRequest): A file about to be uploaded.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UploadTicketResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
