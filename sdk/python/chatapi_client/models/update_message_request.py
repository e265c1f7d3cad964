from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.message_meta import MessageMeta


T = TypeVar("T", bound="UpdateMessageRequest")


@_attrs_define
class UpdateMessageRequest:
    """Changes to a message; absent fields are left as they are.

    Attributes:
        content (str | Unset): The new text; no control characters but tab, line feed and carriage return. Example:
            Hello, team! (edited).
        meta (MessageMeta | Unset): Free-form JSON object about the message, at most 4 KB encoded, e.g. `{type,
            mentions}`. Example: {'type': 'text', 'mentions': ['bob']}.
        attachments (list[str] | Unset): The message's files from now on (at most 10), replacing its list:
            the sender's completed uploads for this room, as on send; an empty
            list removes them all.
             Example: ['up_01JD8XKQ3V9Z2Y7W5T4R3P2N1M'].
    """

    content: str | Unset = UNSET
    meta: MessageMeta | Unset = UNSET
    attachments: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        content = self.content

        meta: dict[str, Any] | Unset = UNSET
        if not isinstance(self.meta, Unset):
            meta = self.meta.to_dict()

        attachments: list[str] | Unset = UNSET
        if not isinstance(self.attachments, Unset):
            attachments = self.attachments

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if content is not UNSET:
            field_dict["content"] = content
        if meta is not UNSET:
            field_dict["meta"] = meta
        if attachments is not UNSET:
            field_dict["attachments"] = attachments

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.message_meta import MessageMeta

        d = dict(src_dict)
        content = d.pop("content", UNSET)

        _meta = d.pop("meta", UNSET)
        meta: MessageMeta | Unset
        if isinstance(_meta, Unset):
            meta = UNSET
        else:
            meta = MessageMeta.from_dict(_meta)

        attachments = cast(list[str], d.pop("attachments", UNSET))

        update_message_request = cls(
            content=content,
            meta=meta,
            attachments=attachments,
        )

        return update_message_request
