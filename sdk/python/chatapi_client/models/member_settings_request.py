from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="MemberSettingsRequest")


@_attrs_define
class MemberSettingsRequest:
    """Changes to the caller's settings of a room; absent fields stay as they are.

    Attributes:
        muted_until (datetime.datetime | None | Unset): Mute the room until then (a time not in the future unmutes);
            null unmutes. Example: 2026-11-25T08:00:00Z.
        archived (bool | Unset): Archive (true) or restore (false) the room for the caller. Example: False.
        pinned (bool | Unset): Pin (true) or unpin (false) the room for the caller. Example: True.
    """

    muted_until: datetime.datetime | None | Unset = UNSET
    archived: bool | Unset = UNSET
    pinned: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        muted_until: None | str | Unset
        if isinstance(self.muted_until, Unset):
            muted_until = UNSET
        elif isinstance(self.muted_until, datetime.datetime):
            muted_until = self.muted_until.isoformat()
        else:
            muted_until = self.muted_until

        archived = self.archived

        pinned = self.pinned

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if muted_until is not UNSET:
            field_dict["muted_until"] = muted_until
        if archived is not UNSET:
            field_dict["archived"] = archived
        if pinned is not UNSET:
            field_dict["pinned"] = pinned

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_muted_until(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                muted_until_type_0 = datetime.datetime.fromisoformat(data)

                return muted_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        muted_until = _parse_muted_until(d.pop("muted_until", UNSET))

        archived = d.pop("archived", UNSET)

        pinned = d.pop("pinned", UNSET)

        member_settings_request = cls(
            muted_until=muted_until,
            archived=archived,
            pinned=pinned,
        )

        return member_settings_request
