from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="NotifyTargets")


@_attrs_define
class NotifyTargets:
    """Who receives the notification; at least one target.

    Attributes:
        user_ids (list[str] | Unset): These users. Example: ['bob'].
        room_id (str | Unset): A room id, `room_` followed by random characters. Example: room_5a6b7c8f3a2b1c9d0e4f.
        topic_subscribers (bool | Unset): Also every subscriber of the topic. Example: True.
    """

    user_ids: list[str] | Unset = UNSET
    room_id: str | Unset = UNSET
    topic_subscribers: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        user_ids: list[str] | Unset = UNSET
        if not isinstance(self.user_ids, Unset):
            user_ids = self.user_ids

        room_id = self.room_id

        topic_subscribers = self.topic_subscribers

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if user_ids is not UNSET:
            field_dict["user_ids"] = user_ids
        if room_id is not UNSET:
            field_dict["room_id"] = room_id
        if topic_subscribers is not UNSET:
            field_dict["topic_subscribers"] = topic_subscribers

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        user_ids = cast(list[str], d.pop("user_ids", UNSET))

        room_id = d.pop("room_id", UNSET)

        topic_subscribers = d.pop("topic_subscribers", UNSET)

        notify_targets = cls(
            user_ids=user_ids,
            room_id=room_id,
            topic_subscribers=topic_subscribers,
        )

        return notify_targets
