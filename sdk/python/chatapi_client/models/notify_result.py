from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="NotifyResult")


@_attrs_define
class NotifyResult:
    """The stored notification.

    Attributes:
        notification_id (str): A notification id, `ntf_` followed by random characters. Example:
            ntf_6b7c8f3a2b1c9d0e4f5a.
        created_at (datetime.datetime): When it was stored. Example: 2026-11-24T20:20:00Z.
        recipients (int): How many users it is for. Example: 3.
    """

    notification_id: str
    created_at: datetime.datetime
    recipients: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        notification_id = self.notification_id

        created_at = self.created_at.isoformat()

        recipients = self.recipients

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "notification_id": notification_id,
                "created_at": created_at,
                "recipients": recipients,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        notification_id = d.pop("notification_id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        recipients = d.pop("recipients")

        notify_result = cls(
            notification_id=notification_id,
            created_at=created_at,
            recipients=recipients,
        )

        notify_result.additional_properties = d
        return notify_result

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
