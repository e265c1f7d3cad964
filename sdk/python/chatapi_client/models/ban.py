from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Ban")


@_attrs_define
class Ban:
    """A ban in force.

    Attributes:
        room_id (None | str): The room; null for a tenant-wide ban. Example: room_5a6b7c8f3a2b1c9d0e4f.
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        banned_by (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        reason (None | str): Why, if given. Example: spam.
        shadow (bool): A shadow ban (see banFromRoom). Example: False.
        expires_at (datetime.datetime | None): When the ban ends; null for until lifted. Example: 2026-11-25T20:00:00Z.
        created_at (datetime.datetime): When the ban was made. Example: 2026-11-24T20:00:00Z.
    """

    room_id: None | str
    user_id: str
    banned_by: str
    reason: None | str
    shadow: bool
    expires_at: datetime.datetime | None
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        room_id: None | str
        room_id = self.room_id

        user_id = self.user_id

        banned_by = self.banned_by

        reason: None | str
        reason = self.reason

        shadow = self.shadow

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
                "banned_by": banned_by,
                "reason": reason,
                "shadow": shadow,
                "expires_at": expires_at,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_room_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        room_id = _parse_room_id(d.pop("room_id"))

        user_id = d.pop("user_id")

        banned_by = d.pop("banned_by")

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

        shadow = d.pop("shadow")

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

        ban = cls(
            room_id=room_id,
            user_id=user_id,
            banned_by=banned_by,
            reason=reason,
            shadow=shadow,
            expires_at=expires_at,
            created_at=created_at,
        )

        ban.additional_properties = d
        return ban

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
