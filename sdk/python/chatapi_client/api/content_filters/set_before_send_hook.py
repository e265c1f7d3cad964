from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.before_send_hook_response import BeforeSendHookResponse
from ...models.error_response import ErrorResponse
from ...models.set_before_send_hook_request import SetBeforeSendHookRequest
from ...types import Response


def _get_kwargs(
    *,
    body: SetBeforeSendHookRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/hooks/before-send",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BeforeSendHookResponse | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = BeforeSendHookResponse.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = BeforeSendHookResponse.from_dict(response.json())

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
) -> Response[BeforeSendHookResponse | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SetBeforeSendHookRequest,
) -> Response[BeforeSendHookResponse | ErrorResponse]:
    """Set the before-send hook

     Sets the tenant's before-send hook: from then on every message sent or
    edited, over REST or WebSocket, by a member of its room, is POSTed to
    `url` before it is stored (after the blocklist: a masked content is
    what the hook sees), as JSON `{type: "message.send" | "message.edit",
    tenant_id, room_id, user_id, message_id (null for a send), content}`,
    signed the Standard Webhooks way (`webhook-id`, `webhook-timestamp`,
    `webhook-signature: v1,<base64 HMAC-SHA256>` with the hook's secret,
    as webhooks are). The hook answers 2xx with `{action: "allow"}`,
    `{action: "reject", reason?}` (the send or edit is refused with 400
    `VALIDATION_ERROR`, `field` `content`, `details.reason` `before_send`,
    the hook's `reason` as the message) or `{action: "replace", content}`
    (1 to 4,000 characters, stored in place of the original). No answer
    within `timeout_ms`, a connection refused, another status, or an answer
    it cannot read follow `on_error`: `allow` stores the message as it is,
    `reject` refuses it with 400, `details.reason`
    `before_send_unavailable`. Redirects are not followed. The secret
    (`whsec_…`) is shown once, in the answer that creates the hook (201);
    a later `PUT` changes the rest and keeps it (200). The URL follows
    the rule of webhook endpoints: an http or https URL without
    credentials; a host that is or resolves to a loopback, private or
    link-local address (or `localhost`) is refused with 400
    `details.reason` `private_target`, and a call is refused (then
    `on_error` decides) when the name resolves to one at that time,
    unless the service runs with `WEBHOOK_ALLOW_PRIVATE=true`. A change holds at once on the instance
    that stored it and within a second on the others. Tenant-level: a
    user token is refused with 403.

    Args:
        body (SetBeforeSendHookRequest): The before-send hook to set.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BeforeSendHookResponse | ErrorResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: SetBeforeSendHookRequest,
) -> BeforeSendHookResponse | ErrorResponse | None:
    """Set the before-send hook

     Sets the tenant's before-send hook: from then on every message sent or
    edited, over REST or WebSocket, by a member of its room, is POSTed to
    `url` before it is stored (after the blocklist: a masked content is
    what the hook sees), as JSON `{type: "message.send" | "message.edit",
    tenant_id, room_id, user_id, message_id (null for a send), content}`,
    signed the Standard Webhooks way (`webhook-id`, `webhook-timestamp`,
    `webhook-signature: v1,<base64 HMAC-SHA256>` with the hook's secret,
    as webhooks are). The hook answers 2xx with `{action: "allow"}`,
    `{action: "reject", reason?}` (the send or edit is refused with 400
    `VALIDATION_ERROR`, `field` `content`, `details.reason` `before_send`,
    the hook's `reason` as the message) or `{action: "replace", content}`
    (1 to 4,000 characters, stored in place of the original). No answer
    within `timeout_ms`, a connection refused, another status, or an answer
    it cannot read follow `on_error`: `allow` stores the message as it is,
    `reject` refuses it with 400, `details.reason`
    `before_send_unavailable`. Redirects are not followed. The secret
    (`whsec_…`) is shown once, in the answer that creates the hook (201);
    a later `PUT` changes the rest and keeps it (200). The URL follows
    the rule of webhook endpoints: an http or https URL without
    credentials; a host that is or resolves to a loopback, private or
    link-local address (or `localhost`) is refused with 400
    `details.reason` `private_target`, and a call is refused (then
    `on_error` decides) when the name resolves to one at that time,
    unless the service runs with `WEBHOOK_ALLOW_PRIVATE=true`. A change holds at once on the instance
    that stored it and within a second on the others. Tenant-level: a
    user token is refused with 403.

    Args:
        body (SetBeforeSendHookRequest): The before-send hook to set.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BeforeSendHookResponse | ErrorResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SetBeforeSendHookRequest,
) -> Response[BeforeSendHookResponse | ErrorResponse]:
    """Set the before-send hook

     Sets the tenant's before-send hook: from then on every message sent or
    edited, over REST or WebSocket, by a member of its room, is POSTed to
    `url` before it is stored (after the blocklist: a masked content is
    what the hook sees), as JSON `{type: "message.send" | "message.edit",
    tenant_id, room_id, user_id, message_id (null for a send), content}`,
    signed the Standard Webhooks way (`webhook-id`, `webhook-timestamp`,
    `webhook-signature: v1,<base64 HMAC-SHA256>` with the hook's secret,
    as webhooks are). The hook answers 2xx with `{action: "allow"}`,
    `{action: "reject", reason?}` (the send or edit is refused with 400
    `VALIDATION_ERROR`, `field` `content`, `details.reason` `before_send`,
    the hook's `reason` as the message) or `{action: "replace", content}`
    (1 to 4,000 characters, stored in place of the original). No answer
    within `timeout_ms`, a connection refused, another status, or an answer
    it cannot read follow `on_error`: `allow` stores the message as it is,
    `reject` refuses it with 400, `details.reason`
    `before_send_unavailable`. Redirects are not followed. The secret
    (`whsec_…`) is shown once, in the answer that creates the hook (201);
    a later `PUT` changes the rest and keeps it (200). The URL follows
    the rule of webhook endpoints: an http or https URL without
    credentials; a host that is or resolves to a loopback, private or
    link-local address (or `localhost`) is refused with 400
    `details.reason` `private_target`, and a call is refused (then
    `on_error` decides) when the name resolves to one at that time,
    unless the service runs with `WEBHOOK_ALLOW_PRIVATE=true`. A change holds at once on the instance
    that stored it and within a second on the others. Tenant-level: a
    user token is refused with 403.

    Args:
        body (SetBeforeSendHookRequest): The before-send hook to set.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BeforeSendHookResponse | ErrorResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: SetBeforeSendHookRequest,
) -> BeforeSendHookResponse | ErrorResponse | None:
    """Set the before-send hook

     Sets the tenant's before-send hook: from then on every message sent or
    edited, over REST or WebSocket, by a member of its room, is POSTed to
    `url` before it is stored (after the blocklist: a masked content is
    what the hook sees), as JSON `{type: "message.send" | "message.edit",
    tenant_id, room_id, user_id, message_id (null for a send), content}`,
    signed the Standard Webhooks way (`webhook-id`, `webhook-timestamp`,
    `webhook-signature: v1,<base64 HMAC-SHA256>` with the hook's secret,
    as webhooks are). The hook answers 2xx with `{action: "allow"}`,
    `{action: "reject", reason?}` (the send or edit is refused with 400
    `VALIDATION_ERROR`, `field` `content`, `details.reason` `before_send`,
    the hook's `reason` as the message) or `{action: "replace", content}`
    (1 to 4,000 characters, stored in place of the original). No answer
    within `timeout_ms`, a connection refused, another status, or an answer
    it cannot read follow `on_error`: `allow` stores the message as it is,
    `reject` refuses it with 400, `details.reason`
    `before_send_unavailable`. Redirects are not followed. The secret
    (`whsec_…`) is shown once, in the answer that creates the hook (201);
    a later `PUT` changes the rest and keeps it (200). The URL follows
    the rule of webhook endpoints: an http or https URL without
    credentials; a host that is or resolves to a loopback, private or
    link-local address (or `localhost`) is refused with 400
    `details.reason` `private_target`, and a call is refused (then
    `on_error` decides) when the name resolves to one at that time,
    unless the service runs with `WEBHOOK_ALLOW_PRIVATE=true`. A change holds at once on the instance
    that stored it and within a second on the others. Tenant-level: a
    user token is refused with 403.

    Args:
        body (SetBeforeSendHookRequest): The before-send hook to set.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BeforeSendHookResponse | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
