from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.pin_event_type import PinEventType

T = TypeVar("T", bound="PinEvent")


@_attrs_define
class PinEvent:
    """A message was pinned (`pin.added`) or unpinned (`pin.removed`) by
    `user_id`; `seq` and `message_id` name the message.

        Attributes:
            event_seq (int): An event's place in its room's event log; the first event is 1, and they follow without gaps.
                Example: 42.
            occurred_at (datetime.datetime): When the change was stored. Example: 2026-11-24T20:10:00Z.
            type_ (PinEventType): The event type. Example: pin.added.
            room_id (str): A room id, `room_` followed by random characters. Example: room_5a6b7c8f3a2b1c9d0e4f.
            seq (int): A per-room message sequence number; the first message is 1. Example: 13.
            message_id (str): A message id, `msg_` followed by random characters. Example: msg_2b7c9d0e4f5a6b7c8f3a.
            user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
    """

    event_seq: int
    occurred_at: datetime.datetime
    type_: PinEventType
    room_id: str
    seq: int
    message_id: str
    user_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_seq = self.event_seq

        occurred_at = self.occurred_at.isoformat()

        type_ = self.type_.value

        room_id = self.room_id

        seq = self.seq

        message_id = self.message_id

        user_id = self.user_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event_seq": event_seq,
                "occurred_at": occurred_at,
                "type": type_,
                "room_id": room_id,
                "seq": seq,
                "message_id": message_id,
                "user_id": user_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        event_seq = d.pop("event_seq")

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        type_ = PinEventType(d.pop("type"))

        room_id = d.pop("room_id")

        seq = d.pop("seq")

        message_id = d.pop("message_id")

        user_id = d.pop("user_id")

        pin_event = cls(
            event_seq=event_seq,
            occurred_at=occurred_at,
            type_=type_,
            room_id=room_id,
            seq=seq,
            message_id=message_id,
            user_id=user_id,
        )

        pin_event.additional_properties = d
        return pin_event

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
