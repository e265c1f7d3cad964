from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="FailedMessage")


@_attrs_define
class FailedMessage:
    """A message a connected user never acknowledged.

    Attributes:
        tenant_id (str): A tenant id, `tn_` followed by random characters. Example: tn_8f3a2b1c9d0e4f5a6b7c.
        message_id (str): A message id, `msg_` followed by random characters. Example: msg_2b7c9d0e4f5a6b7c8f3a.
        room_id (str): A room id, `room_` followed by random characters. Example: room_5a6b7c8f3a2b1c9d0e4f.
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        attempts (int): Delivery attempts made. Example: 5.
        last_attempt_at (datetime.datetime): When the last attempt was made. Example: 2026-11-24T20:05:00Z.
        error (str): Why it failed. Example: not acknowledged after 5 attempts.
    """

    tenant_id: str
    message_id: str
    room_id: str
    user_id: str
    attempts: int
    last_attempt_at: datetime.datetime
    error: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tenant_id = self.tenant_id

        message_id = self.message_id

        room_id = self.room_id

        user_id = self.user_id

        attempts = self.attempts

        last_attempt_at = self.last_attempt_at.isoformat()

        error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "tenant_id": tenant_id,
                "message_id": message_id,
                "room_id": room_id,
                "user_id": user_id,
                "attempts": attempts,
                "last_attempt_at": last_attempt_at,
                "error": error,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        tenant_id = d.pop("tenant_id")

        message_id = d.pop("message_id")

        room_id = d.pop("room_id")

        user_id = d.pop("user_id")

        attempts = d.pop("attempts")

        last_attempt_at = datetime.datetime.fromisoformat(d.pop("last_attempt_at"))

        error = d.pop("error")

        failed_message = cls(
            tenant_id=tenant_id,
            message_id=message_id,
            room_id=room_id,
            user_id=user_id,
            attempts=attempts,
            last_attempt_at=last_attempt_at,
            error=error,
        )

        failed_message.additional_properties = d
        return failed_message

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
