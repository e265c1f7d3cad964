from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Reaction")


@_attrs_define
class Reaction:
    """One user's reaction to a message.

    Attributes:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        type_ (str): A reaction, an emoji or a shortcode; 1 to 32 characters, no control characters or whitespace.
            Example: 👍.
        created_at (datetime.datetime): When the user reacted. Example: 2026-11-24T20:10:30Z.
        event_seq (int): An event's place in its room's event log; the first event is 1, and they follow without gaps.
            Example: 42.
    """

    user_id: str
    type_: str
    created_at: datetime.datetime
    event_seq: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        type_ = self.type_

        created_at = self.created_at.isoformat()

        event_seq = self.event_seq

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "user_id": user_id,
                "type": type_,
                "created_at": created_at,
                "event_seq": event_seq,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        user_id = d.pop("user_id")

        type_ = d.pop("type")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        event_seq = d.pop("event_seq")

        reaction = cls(
            user_id=user_id,
            type_=type_,
            created_at=created_at,
            event_seq=event_seq,
        )

        reaction.additional_properties = d
        return reaction

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
