from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.export_membership_role import ExportMembershipRole
from ..models.export_membership_room_type import ExportMembershipRoomType

T = TypeVar("T", bound="ExportMembership")


@_attrs_define
class ExportMembership:
    """A room the user is a member of, with their settings there.

    Attributes:
        room_id (str): A room id, `room_` followed by random characters. Example: room_5a6b7c8f3a2b1c9d0e4f.
        room_type (ExportMembershipRoomType): The room's type. Example: group.
        room_name (None | str): The room's name; null for a dm. Example: Project Apollo.
        role (ExportMembershipRole): The user's role. Example: admin.
        joined_at (datetime.datetime): When they joined. Example: 2026-11-24T20:00:00Z.
        last_read_seq (int): Their read cursor. Example: 42.
        muted_until (datetime.datetime | None): Until when they muted the room.
        pinned_at (datetime.datetime | None): When they pinned the room in their list.
        archived_seq (int | None): The seq at which they archived the room.
    """

    room_id: str
    room_type: ExportMembershipRoomType
    room_name: None | str
    role: ExportMembershipRole
    joined_at: datetime.datetime
    last_read_seq: int
    muted_until: datetime.datetime | None
    pinned_at: datetime.datetime | None
    archived_seq: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        room_id = self.room_id

        room_type = self.room_type.value

        room_name: None | str
        room_name = self.room_name

        role = self.role.value

        joined_at = self.joined_at.isoformat()

        last_read_seq = self.last_read_seq

        muted_until: None | str
        if isinstance(self.muted_until, datetime.datetime):
            muted_until = self.muted_until.isoformat()
        else:
            muted_until = self.muted_until

        pinned_at: None | str
        if isinstance(self.pinned_at, datetime.datetime):
            pinned_at = self.pinned_at.isoformat()
        else:
            pinned_at = self.pinned_at

        archived_seq: int | None
        archived_seq = self.archived_seq

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "room_id": room_id,
                "room_type": room_type,
                "room_name": room_name,
                "role": role,
                "joined_at": joined_at,
                "last_read_seq": last_read_seq,
                "muted_until": muted_until,
                "pinned_at": pinned_at,
                "archived_seq": archived_seq,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        room_id = d.pop("room_id")

        room_type = ExportMembershipRoomType(d.pop("room_type"))

        def _parse_room_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        room_name = _parse_room_name(d.pop("room_name"))

        role = ExportMembershipRole(d.pop("role"))

        joined_at = datetime.datetime.fromisoformat(d.pop("joined_at"))

        last_read_seq = d.pop("last_read_seq")

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

        def _parse_pinned_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                pinned_at_type_0 = datetime.datetime.fromisoformat(data)

                return pinned_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        pinned_at = _parse_pinned_at(d.pop("pinned_at"))

        def _parse_archived_seq(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        archived_seq = _parse_archived_seq(d.pop("archived_seq"))

        export_membership = cls(
            room_id=room_id,
            room_type=room_type,
            room_name=room_name,
            role=role,
            joined_at=joined_at,
            last_read_seq=last_read_seq,
            muted_until=muted_until,
            pinned_at=pinned_at,
            archived_seq=archived_seq,
        )

        export_membership.additional_properties = d
        return export_membership

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
