from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Thread")


@_attrs_define
class Thread:
    """The replies to a top-level message; present once it has one.

    Attributes:
        reply_count (int): How many replies the message has. Example: 3.
        last_reply_at (datetime.datetime): When the latest reply was stored. Example: 2026-11-24T20:12:00Z.
        participant_ids (list[str]): The latest repliers, at most 10, most recent first, each once. Example: ['bob',
            'carol'].
    """

    reply_count: int
    last_reply_at: datetime.datetime
    participant_ids: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        reply_count = self.reply_count

        last_reply_at = self.last_reply_at.isoformat()

        participant_ids = self.participant_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "reply_count": reply_count,
                "last_reply_at": last_reply_at,
                "participant_ids": participant_ids,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        reply_count = d.pop("reply_count")

        last_reply_at = datetime.datetime.fromisoformat(d.pop("last_reply_at"))

        participant_ids = cast(list[str], d.pop("participant_ids"))

        thread = cls(
            reply_count=reply_count,
            last_reply_at=last_reply_at,
            participant_ids=participant_ids,
        )

        thread.additional_properties = d
        return thread

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
