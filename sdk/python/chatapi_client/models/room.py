from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.room_type import RoomType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.metadata import Metadata


T = TypeVar("T", bound="Room")


@_attrs_define
class Room:
    """A room.

    Attributes:
        room_id (str): A room id, `room_` followed by random characters. Example: room_5a6b7c8f3a2b1c9d0e4f.
        type_ (RoomType): `dm`: two users. `group`: private, members added by admins. `channel`: public inside the
            tenant. Example: group.
        name (None | str): The display name, if any. Example: Project Apollo.
        unique_key (None | str): For a dm, `dm:<a>:<b>` with the two user ids sorted; null otherwise.
        metadata (Metadata): Free-form JSON object, at most 4 KB encoded. Example: {'topic': 'launch planning'}.
        last_seq (int): A per-room message sequence number; the first message is 1. Example: 13.
        member_count (int): How many members the room has. Example: 3.
        created_at (datetime.datetime): When the room was created. Example: 2026-11-24T20:00:00Z.
        updated_at (datetime.datetime): When the room or its membership last changed. Example: 2026-11-24T20:00:00Z.
        slow_mode_seconds (int | Unset): Slow mode (see PATCH); 0 when off. Example: 0.
        frozen (bool | Unset): Whether sends and edits are refused (see PATCH). Example: False.
    """

    room_id: str
    type_: RoomType
    name: None | str
    unique_key: None | str
    metadata: Metadata
    last_seq: int
    member_count: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    slow_mode_seconds: int | Unset = UNSET
    frozen: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        room_id = self.room_id

        type_ = self.type_.value

        name: None | str
        name = self.name

        unique_key: None | str
        unique_key = self.unique_key

        metadata = self.metadata.to_dict()

        last_seq = self.last_seq

        member_count = self.member_count

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        slow_mode_seconds = self.slow_mode_seconds

        frozen = self.frozen

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "room_id": room_id,
                "type": type_,
                "name": name,
                "unique_key": unique_key,
                "metadata": metadata,
                "last_seq": last_seq,
                "member_count": member_count,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if slow_mode_seconds is not UNSET:
            field_dict["slow_mode_seconds"] = slow_mode_seconds
        if frozen is not UNSET:
            field_dict["frozen"] = frozen

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.metadata import Metadata

        d = dict(src_dict)
        room_id = d.pop("room_id")

        type_ = RoomType(d.pop("type"))

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        def _parse_unique_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        unique_key = _parse_unique_key(d.pop("unique_key"))

        metadata = Metadata.from_dict(d.pop("metadata"))

        last_seq = d.pop("last_seq")

        member_count = d.pop("member_count")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        slow_mode_seconds = d.pop("slow_mode_seconds", UNSET)

        frozen = d.pop("frozen", UNSET)

        room = cls(
            room_id=room_id,
            type_=type_,
            name=name,
            unique_key=unique_key,
            metadata=metadata,
            last_seq=last_seq,
            member_count=member_count,
            created_at=created_at,
            updated_at=updated_at,
            slow_mode_seconds=slow_mode_seconds,
            frozen=frozen,
        )

        room.additional_properties = d
        return room

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
