from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MemberSettings")


@_attrs_define
class MemberSettings:
    """A member's own settings of a room.

    Attributes:
        room_id (str): A room id, `room_` followed by random characters. Example: room_5a6b7c8f3a2b1c9d0e4f.
        muted_until (datetime.datetime | None): Until when the room is muted; null when it is not. Example:
            2026-11-25T08:00:00Z.
        archived (bool): Whether the room is archived (until a new message arrives). Example: False.
        pinned (bool): Whether the room is pinned. Example: True.
    """

    room_id: str
    muted_until: datetime.datetime | None
    archived: bool
    pinned: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        room_id = self.room_id

        muted_until: None | str
        if isinstance(self.muted_until, datetime.datetime):
            muted_until = self.muted_until.isoformat()
        else:
            muted_until = self.muted_until

        archived = self.archived

        pinned = self.pinned

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "room_id": room_id,
                "muted_until": muted_until,
                "archived": archived,
                "pinned": pinned,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        room_id = d.pop("room_id")

        def _parse_muted_until(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                muted_until_type_0 = datetime.datetime.fromisoformat(data)

                return muted_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        muted_until = _parse_muted_until(d.pop("muted_until"))

        archived = d.pop("archived")

        pinned = d.pop("pinned")

        member_settings = cls(
            room_id=room_id,
            muted_until=muted_until,
            archived=archived,
            pinned=pinned,
        )

        member_settings.additional_properties = d
        return member_settings

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
