from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RoomEventBase")


@_attrs_define
class RoomEventBase:
    """What every event of a room's log carries besides its body.

    Attributes:
        event_seq (int): An event's place in its room's event log; the first event is 1, and they follow without gaps.
            Example: 42.
        occurred_at (datetime.datetime): When the change was stored. Example: 2026-11-24T20:10:00Z.
    """

    event_seq: int
    occurred_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_seq = self.event_seq

        occurred_at = self.occurred_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event_seq": event_seq,
                "occurred_at": occurred_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        event_seq = d.pop("event_seq")

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        room_event_base = cls(
            event_seq=event_seq,
            occurred_at=occurred_at,
        )

        room_event_base.additional_properties = d
        return room_event_base

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
