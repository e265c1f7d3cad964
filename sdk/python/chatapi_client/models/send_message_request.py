from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.message_meta import MessageMeta


T = TypeVar("T", bound="SendMessageRequest")


@_attrs_define
class SendMessageRequest:
    """A message to send.

    Attributes:
        content (str): The text, 1 to 4000 characters; no control characters but tab, line feed and carriage return.
            Example: Hello, team!.
        meta (MessageMeta | Unset): Free-form JSON object about the message, at most 4 KB encoded, e.g. `{type,
            mentions}`. Example: {'type': 'text', 'mentions': ['bob']}.
        client_msg_id (str | Unset): The client's own id for the send, without control characters; a repeat returns the
            first message. Example: 3f1c2a9e-local-1.
        parent_id (str | Unset): A message id, `msg_` followed by random characters. Example: msg_2b7c9d0e4f5a6b7c8f3a.
        quoted_id (str | Unset): A message id, `msg_` followed by random characters. Example: msg_2b7c9d0e4f5a6b7c8f3a.
        mentions (list[str] | Unset): Members of the room the message mentions (at most 50); each but the sender gets a
            `mention` notification. Example: ['bob'].
        attachments (list[str] | Unset): The sender's completed uploads for this room to attach (at most 10),
            each to one message only. An upload that is not the sender's (or is
            another tenant's) is 404; one made for another room, not yet
            complete, or already attached is 409 `CONFLICT` (`field`
            `attachments`).
             Example: ['up_01JD8XKQ3V9Z2Y7W5T4R3P2N1M'].
    """

    content: str
    meta: MessageMeta | Unset = UNSET
    client_msg_id: str | Unset = UNSET
    parent_id: str | Unset = UNSET
    quoted_id: str | Unset = UNSET
    mentions: list[str] | Unset = UNSET
    attachments: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        content = self.content

        meta: dict[str, Any] | Unset = UNSET
        if not isinstance(self.meta, Unset):
            meta = self.meta.to_dict()

        client_msg_id = self.client_msg_id

        parent_id = self.parent_id

        quoted_id = self.quoted_id

        mentions: list[str] | Unset = UNSET
        if not isinstance(self.mentions, Unset):
            mentions = self.mentions

        attachments: list[str] | Unset = UNSET
        if not isinstance(self.attachments, Unset):
            attachments = self.attachments

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "content": content,
            }
        )
        if meta is not UNSET:
            field_dict["meta"] = meta
        if client_msg_id is not UNSET:
            field_dict["client_msg_id"] = client_msg_id
        if parent_id is not UNSET:
            field_dict["parent_id"] = parent_id
        if quoted_id is not UNSET:
            field_dict["quoted_id"] = quoted_id
        if mentions is not UNSET:
            field_dict["mentions"] = mentions
        if attachments is not UNSET:
            field_dict["attachments"] = attachments

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.message_meta import MessageMeta

        d = dict(src_dict)
        content = d.pop("content")

        _meta = d.pop("meta", UNSET)
        meta: MessageMeta | Unset
        if isinstance(_meta, Unset):
            meta = UNSET
        else:
            meta = MessageMeta.from_dict(_meta)

        client_msg_id = d.pop("client_msg_id", UNSET)

        parent_id = d.pop("parent_id", UNSET)

        quoted_id = d.pop("quoted_id", UNSET)

        mentions = cast(list[str], d.pop("mentions", UNSET))

        attachments = cast(list[str], d.pop("attachments", UNSET))

        send_message_request = cls(
            content=content,
            meta=meta,
            client_msg_id=client_msg_id,
            parent_id=parent_id,
            quoted_id=quoted_id,
            mentions=mentions,
            attachments=attachments,
        )

        return send_message_request
