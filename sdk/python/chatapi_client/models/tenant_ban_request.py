from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TenantBanRequest")


@_attrs_define
class TenantBanRequest:
    """A tenant-wide ban to make (shadow bans are per room).

    Attributes:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        reason (str | Unset): Why, for the tenant. No control characters but tab and line breaks. Example: fraud.
        duration_seconds (int | Unset): How long the ban lasts; absent, until lifted. Example: 86400.
    """

    user_id: str
    reason: str | Unset = UNSET
    duration_seconds: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        reason = self.reason

        duration_seconds = self.duration_seconds

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

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        user_id = d.pop("user_id")

        reason = d.pop("reason", UNSET)

        duration_seconds = d.pop("duration_seconds", UNSET)

        tenant_ban_request = cls(
            user_id=user_id,
            reason=reason,
            duration_seconds=duration_seconds,
        )

        return tenant_ban_request
