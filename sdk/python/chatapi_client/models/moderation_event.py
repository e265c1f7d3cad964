from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.moderation_event_type import ModerationEventType
from ..types import UNSET, Unset

T = TypeVar("T", bound="ModerationEvent")


@_attrs_define
class ModerationEvent:
    """A room admin (`by`) banned `user_id` from the room (`ban.added`; a
    member is removed first, with `member.left`), lifted the ban
    (`ban.removed`), muted them (`mute.added`) or lifted the mute
    (`mute.removed`). `expires_at`, when present, is when the ban or mute
    ends. Shadow bans are never in the log.

        Attributes:
            event_seq (int): An event's place in its room's event log; the first event is 1, and they follow without gaps.
                Example: 42.
            occurred_at (datetime.datetime): When the change was stored. Example: 2026-11-24T20:10:00Z.
            type_ (ModerationEventType): The event type. Example: ban.added.
            room_id (str): A room id, `room_` followed by random characters. Example: room_5a6b7c8f3a2b1c9d0e4f.
            user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
            by (str): A user of the tenant, chosen by the tenant's app. Example: alice.
            reason (str | Unset): Why, if the ban gave a reason. Example: spam.
            expires_at (datetime.datetime | Unset): When the ban or mute ends; absent for until lifted. Example:
                2026-11-25T20:00:00Z.
    """

    event_seq: int
    occurred_at: datetime.datetime
    type_: ModerationEventType
    room_id: str
    user_id: str
    by: str
    reason: str | Unset = UNSET
    expires_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_seq = self.event_seq

        occurred_at = self.occurred_at.isoformat()

        type_ = self.type_.value

        room_id = self.room_id

        user_id = self.user_id

        by = self.by

        reason = self.reason

        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event_seq": event_seq,
                "occurred_at": occurred_at,
                "type": type_,
                "room_id": room_id,
                "user_id": user_id,
                "by": by,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        event_seq = d.pop("event_seq")

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        type_ = ModerationEventType(d.pop("type"))

        room_id = d.pop("room_id")

        user_id = d.pop("user_id")

        by = d.pop("by")

        reason = d.pop("reason", UNSET)

        _expires_at = d.pop("expires_at", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)

        moderation_event = cls(
            event_seq=event_seq,
            occurred_at=occurred_at,
            type_=type_,
            room_id=room_id,
            user_id=user_id,
            by=by,
            reason=reason,
            expires_at=expires_at,
        )

        moderation_event.additional_properties = d
        return moderation_event

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
