from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.attachment_processed_event_type import AttachmentProcessedEventType

if TYPE_CHECKING:
    from ..models.attachment import Attachment


T = TypeVar("T", bound="AttachmentProcessedEvent")


@_attrs_define
class AttachmentProcessedEvent:
    """An image attached to the message (`message_id`, `seq`) got its
    thumbnail: `attachment` is the attachment as the message now carries
    it, with `thumbnail_width` and `thumbnail_height` (both absent when no
    thumbnail could be made: an image too large to decode within the
    server's memory bound, or unreadable past its header). Live events
    also carry the signed `url` and `thumbnail_url`; replayed from the log
    they do not (read the message again for fresh URLs). An image
    processed before it was attached has no such event: its message
    carries the thumbnail from the start.

        Attributes:
            event_seq (int): An event's place in its room's event log; the first event is 1, and they follow without gaps.
                Example: 42.
            occurred_at (datetime.datetime): When the change was stored. Example: 2026-11-24T20:10:00Z.
            type_ (AttachmentProcessedEventType): The event type. Example: attachment.processed.
            room_id (str): A room id, `room_` followed by random characters. Example: room_5a6b7c8f3a2b1c9d0e4f.
            seq (int): A per-room message sequence number; the first message is 1. Example: 13.
            message_id (str): A message id, `msg_` followed by random characters. Example: msg_2b7c9d0e4f5a6b7c8f3a.
            upload_id (str): An upload id, `up_` followed by random characters. Example: up_01JD8XKQ3V9Z2Y7W5T4R3P2N1M.
            attachment (Attachment): A file a message carries, as it was when attached. `url` is a signed
                download link that works without headers (an `<img src>`) for an hour
                from the answer or event that carried it; it is absent from events
                replayed from the room's log (`GET /rooms/{room_id}/events`, `/sync`,
                resumes): read the message again for a fresh one.
    """

    event_seq: int
    occurred_at: datetime.datetime
    type_: AttachmentProcessedEventType
    room_id: str
    seq: int
    message_id: str
    upload_id: str
    attachment: Attachment
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_seq = self.event_seq

        occurred_at = self.occurred_at.isoformat()

        type_ = self.type_.value

        room_id = self.room_id

        seq = self.seq

        message_id = self.message_id

        upload_id = self.upload_id

        attachment = self.attachment.to_dict()

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
                "upload_id": upload_id,
                "attachment": attachment,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.attachment import Attachment

        d = dict(src_dict)
        event_seq = d.pop("event_seq")

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        type_ = AttachmentProcessedEventType(d.pop("type"))

        room_id = d.pop("room_id")

        seq = d.pop("seq")

        message_id = d.pop("message_id")

        upload_id = d.pop("upload_id")

        attachment = Attachment.from_dict(d.pop("attachment"))

        attachment_processed_event = cls(
            event_seq=event_seq,
            occurred_at=occurred_at,
            type_=type_,
            room_id=room_id,
            seq=seq,
            message_id=message_id,
            upload_id=upload_id,
            attachment=attachment,
        )

        attachment_processed_event.additional_properties = d
        return attachment_processed_event

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
