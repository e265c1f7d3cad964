from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Mute")


@_attrs_define
class Mute:
    """A mute in force.

    Attributes:
        room_id (str): A room id, `room_` followed by random characters. Example: room_5a6b7c8f3a2b1c9d0e4f.
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        muted_by (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        expires_at (datetime.datetime | None): When the mute ends; null for until lifted. Example: 2026-11-24T21:00:00Z.
        created_at (datetime.datetime): When the mute was made. Example: 2026-11-24T20:00:00Z.
    """

    room_id: str
    user_id: str
    muted_by: str
    expires_at: datetime.datetime | None
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        room_id = self.room_id

        user_id = self.user_id

        muted_by = self.muted_by

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "room_id": room_id,
                "user_id": user_id,
                "muted_by": muted_by,
                "expires_at": expires_at,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        room_id = d.pop("room_id")

        user_id = d.pop("user_id")

        muted_by = d.pop("muted_by")

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        mute = cls(
            room_id=room_id,
            user_id=user_id,
            muted_by=muted_by,
            expires_at=expires_at,
            created_at=created_at,
        )

        mute.additional_properties = d
        return mute

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
