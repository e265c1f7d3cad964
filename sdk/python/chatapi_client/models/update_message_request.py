from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

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
    """

    content: str | Unset = UNSET
    meta: MessageMeta | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        content = self.content

        meta: dict[str, Any] | Unset = UNSET
        if not isinstance(self.meta, Unset):
            meta = self.meta.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if content is not UNSET:
            field_dict["content"] = content
        if meta is not UNSET:
            field_dict["meta"] = meta

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

        update_message_request = cls(
            content=content,
            meta=meta,
        )

        return update_message_request
