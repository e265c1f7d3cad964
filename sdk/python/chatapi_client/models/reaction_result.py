from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.reaction_counts import ReactionCounts


T = TypeVar("T", bound="ReactionResult")


@_attrs_define
class ReactionResult:
    """A reaction added or taken back, and the message's counts after it.

    Attributes:
        room_id (str): A room id, `room_` followed by random characters. Example: room_5a6b7c8f3a2b1c9d0e4f.
        message_id (str): A message id, `msg_` followed by random characters. Example: msg_2b7c9d0e4f5a6b7c8f3a.
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        type_ (str): A reaction, an emoji or a shortcode; 1 to 32 characters, no control characters or whitespace.
            Example: 👍.
        counts (ReactionCounts): How many users reacted with each type. Example: {'👍': 2, ':tada:': 1}.
    """

    room_id: str
    message_id: str
    user_id: str
    type_: str
    counts: ReactionCounts
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        room_id = self.room_id

        message_id = self.message_id

        user_id = self.user_id

        type_ = self.type_

        counts = self.counts.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "room_id": room_id,
                "message_id": message_id,
                "user_id": user_id,
                "type": type_,
                "counts": counts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.reaction_counts import ReactionCounts

        d = dict(src_dict)
        room_id = d.pop("room_id")

        message_id = d.pop("message_id")

        user_id = d.pop("user_id")

        type_ = d.pop("type")

        counts = ReactionCounts.from_dict(d.pop("counts"))

        reaction_result = cls(
            room_id=room_id,
            message_id=message_id,
            user_id=user_id,
            type_=type_,
            counts=counts,
        )

        reaction_result.additional_properties = d
        return reaction_result

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
