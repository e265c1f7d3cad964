from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ExportReaction")


@_attrs_define
class ExportReaction:
    """A reaction of the user.

    Attributes:
        room_id (str): A room id, `room_` followed by random characters. Example: room_5a6b7c8f3a2b1c9d0e4f.
        message_id (str): A message id, `msg_` followed by random characters. Example: msg_2b7c9d0e4f5a6b7c8f3a.
        type_ (str): The reaction. Example: thumbs_up.
        created_at (datetime.datetime): When they reacted. Example: 2026-11-24T20:06:00Z.
    """

    room_id: str
    message_id: str
    type_: str
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        room_id = self.room_id

        message_id = self.message_id

        type_ = self.type_

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "room_id": room_id,
                "message_id": message_id,
                "type": type_,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        room_id = d.pop("room_id")

        message_id = d.pop("message_id")

        type_ = d.pop("type")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        export_reaction = cls(
            room_id=room_id,
            message_id=message_id,
            type_=type_,
            created_at=created_at,
        )

        export_reaction.additional_properties = d
        return export_reaction

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
