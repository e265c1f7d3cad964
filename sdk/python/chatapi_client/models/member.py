from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role import Role

T = TypeVar("T", bound="Member")


@_attrs_define
class Member:
    """A member of a room. `last_ack` is the read cursor (`unread_count`
    counts the messages after it); `last_delivered` the delivered
    cursor: every message up to it reached a client of the member
    (WebSocket `delivered`) or was read, so it is never below `last_ack`.

        Attributes:
            user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
            role (Role): A member's role in a room. Example: member.
            joined_at (datetime.datetime): When the user joined. Example: 2026-11-24T20:00:00Z.
            last_ack (int): A per-room message sequence number; the first message is 1. Example: 13.
            last_delivered (int): A per-room message sequence number; the first message is 1. Example: 13.
    """

    user_id: str
    role: Role
    joined_at: datetime.datetime
    last_ack: int
    last_delivered: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        role = self.role.value

        joined_at = self.joined_at.isoformat()

        last_ack = self.last_ack

        last_delivered = self.last_delivered

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "user_id": user_id,
                "role": role,
                "joined_at": joined_at,
                "last_ack": last_ack,
                "last_delivered": last_delivered,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        user_id = d.pop("user_id")

        role = Role(d.pop("role"))

        joined_at = datetime.datetime.fromisoformat(d.pop("joined_at"))

        last_ack = d.pop("last_ack")

        last_delivered = d.pop("last_delivered")

        member = cls(
            user_id=user_id,
            role=role,
            joined_at=joined_at,
            last_ack=last_ack,
            last_delivered=last_delivered,
        )

        member.additional_properties = d
        return member

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
