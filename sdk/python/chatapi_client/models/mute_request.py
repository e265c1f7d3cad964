from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="MuteRequest")


@_attrs_define
class MuteRequest:
    """A mute to make.

    Attributes:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        duration_seconds (int | Unset): How long the mute lasts; absent, until lifted. Example: 3600.
    """

    user_id: str
    duration_seconds: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        duration_seconds = self.duration_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "user_id": user_id,
            }
        )
        if duration_seconds is not UNSET:
            field_dict["duration_seconds"] = duration_seconds

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        user_id = d.pop("user_id")

        duration_seconds = d.pop("duration_seconds", UNSET)

        mute_request = cls(
            user_id=user_id,
            duration_seconds=duration_seconds,
        )

        return mute_request
