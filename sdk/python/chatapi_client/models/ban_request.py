from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="BanRequest")


@_attrs_define
class BanRequest:
    """A ban to make.

    Attributes:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        reason (str | Unset): Why, for the room's admins and the tenant; never shown to the banned user by the service.
            No control characters but tab and line breaks. Example: spam.
        duration_seconds (int | Unset): How long the ban lasts; absent, until lifted. Example: 86400.
        shadow (bool | Unset): Room bans only. The user stays in the room and their sends succeed for them but reach no
            one else. Default: False. Example: False.
    """

    user_id: str
    reason: str | Unset = UNSET
    duration_seconds: int | Unset = UNSET
    shadow: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        reason = self.reason

        duration_seconds = self.duration_seconds

        shadow = self.shadow

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "user_id": user_id,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason
        if duration_seconds is not UNSET:
            field_dict["duration_seconds"] = duration_seconds
        if shadow is not UNSET:
            field_dict["shadow"] = shadow

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        user_id = d.pop("user_id")

        reason = d.pop("reason", UNSET)

        duration_seconds = d.pop("duration_seconds", UNSET)

        shadow = d.pop("shadow", UNSET)

        ban_request = cls(
            user_id=user_id,
            reason=reason,
            duration_seconds=duration_seconds,
            shadow=shadow,
        )

        return ban_request
