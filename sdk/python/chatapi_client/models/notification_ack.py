from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="NotificationAck")


@_attrs_define
class NotificationAck:
    """A confirmed notification.

    Attributes:
        notification_id (str): A notification id, `ntf_` followed by random characters. Example:
            ntf_6b7c8f3a2b1c9d0e4f5a.
        acked_at (datetime.datetime): When it was confirmed. Example: 2026-11-24T20:21:00Z.
    """

    notification_id: str
    acked_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        notification_id = self.notification_id

        acked_at = self.acked_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "notification_id": notification_id,
                "acked_at": acked_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        notification_id = d.pop("notification_id")

        acked_at = datetime.datetime.fromisoformat(d.pop("acked_at"))

        notification_ack = cls(
            notification_id=notification_id,
            acked_at=acked_at,
        )

        notification_ack.additional_properties = d
        return notification_ack

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
