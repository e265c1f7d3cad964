from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.thread_updated_event_type import ThreadUpdatedEventType

if TYPE_CHECKING:
    from ..models.thread import Thread


T = TypeVar("T", bound="ThreadUpdatedEvent")


@_attrs_define
class ThreadUpdatedEvent:
    """A reply was sent to the top-level message `message_id`; `thread` is its thread after the reply.

    Attributes:
        event_seq (int): An event's place in its room's event log; the first event is 1, and they follow without gaps.
            Example: 42.
        occurred_at (datetime.datetime): When the change was stored. Example: 2026-11-24T20:10:00Z.
        type_ (ThreadUpdatedEventType): The event type. Example: thread.updated.
        room_id (str): A room id, `room_` followed by random characters. Example: room_5a6b7c8f3a2b1c9d0e4f.
        message_id (str): A message id, `msg_` followed by random characters. Example: msg_2b7c9d0e4f5a6b7c8f3a.
        thread (Thread): The replies to a top-level message; present once it has one.
    """

    event_seq: int
    occurred_at: datetime.datetime
    type_: ThreadUpdatedEventType
    room_id: str
    message_id: str
    thread: Thread
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_seq = self.event_seq

        occurred_at = self.occurred_at.isoformat()

        type_ = self.type_.value

        room_id = self.room_id

        message_id = self.message_id

        thread = self.thread.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event_seq": event_seq,
                "occurred_at": occurred_at,
                "type": type_,
                "room_id": room_id,
                "message_id": message_id,
                "thread": thread,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.thread import Thread

        d = dict(src_dict)
        event_seq = d.pop("event_seq")

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        type_ = ThreadUpdatedEventType(d.pop("type"))

        room_id = d.pop("room_id")

        message_id = d.pop("message_id")

        thread = Thread.from_dict(d.pop("thread"))

        thread_updated_event = cls(
            event_seq=event_seq,
            occurred_at=occurred_at,
            type_=type_,
            room_id=room_id,
            message_id=message_id,
            thread=thread,
        )

        thread_updated_event.additional_properties = d
        return thread_updated_event

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
