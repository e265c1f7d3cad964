from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UnreadTotals")


@_attrs_define
class UnreadTotals:
    """The caller's unread counts over the rooms they have not muted.

    Attributes:
        total_unread (int): Unread messages (each room's `last_seq` minus the caller's `last_ack`), summed. Example: 5.
        total_unread_mentions (int): Unread messages that mention the caller, summed. Example: 1.
        rooms_with_unread (int): Rooms with at least one unread message. Example: 2.
    """

    total_unread: int
    total_unread_mentions: int
    rooms_with_unread: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        total_unread = self.total_unread

        total_unread_mentions = self.total_unread_mentions

        rooms_with_unread = self.rooms_with_unread

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "total_unread": total_unread,
                "total_unread_mentions": total_unread_mentions,
                "rooms_with_unread": rooms_with_unread,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        total_unread = d.pop("total_unread")

        total_unread_mentions = d.pop("total_unread_mentions")

        rooms_with_unread = d.pop("rooms_with_unread")

        unread_totals = cls(
            total_unread=total_unread,
            total_unread_mentions=total_unread_mentions,
            rooms_with_unread=rooms_with_unread,
        )

        unread_totals.additional_properties = d
        return unread_totals

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
