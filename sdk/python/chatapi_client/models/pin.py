from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.message import Message


T = TypeVar("T", bound="Pin")


@_attrs_define
class Pin:
    """A pinned message.

    Attributes:
        message (Message): A stored message.
        pinned_by (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        pinned_at (datetime.datetime): When the message was pinned. Example: 2026-11-24T20:15:00Z.
    """

    message: Message
    pinned_by: str
    pinned_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message.to_dict()

        pinned_by = self.pinned_by

        pinned_at = self.pinned_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
                "pinned_by": pinned_by,
                "pinned_at": pinned_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.message import Message

        d = dict(src_dict)
        message = Message.from_dict(d.pop("message"))

        pinned_by = d.pop("pinned_by")

        pinned_at = datetime.datetime.fromisoformat(d.pop("pinned_at"))

        pin = cls(
            message=message,
            pinned_by=pinned_by,
            pinned_at=pinned_at,
        )

        pin.additional_properties = d
        return pin

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
