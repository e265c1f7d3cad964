from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Quote")


@_attrs_define
class Quote:
    """The quoted message as it was when the quoting message was sent.

    Attributes:
        message_id (str): A message id, `msg_` followed by random characters. Example: msg_2b7c9d0e4f5a6b7c8f3a.
        sender_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        content (str): The quoted text, cut to 200 characters; empty when it was deleted. Example: Shall we ship on
            Friday?.
        deleted (bool): Whether the quoted message was deleted when it was quoted. Example: False.
    """

    message_id: str
    sender_id: str
    content: str
    deleted: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message_id = self.message_id

        sender_id = self.sender_id

        content = self.content

        deleted = self.deleted

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message_id": message_id,
                "sender_id": sender_id,
                "content": content,
                "deleted": deleted,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        message_id = d.pop("message_id")

        sender_id = d.pop("sender_id")

        content = d.pop("content")

        deleted = d.pop("deleted")

        quote = cls(
            message_id=message_id,
            sender_id=sender_id,
            content=content,
            deleted=deleted,
        )

        quote.additional_properties = d
        return quote

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
