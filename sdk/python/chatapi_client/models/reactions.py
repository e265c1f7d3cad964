from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.reaction_counts import ReactionCounts


T = TypeVar("T", bound="Reactions")


@_attrs_define
class Reactions:
    """A message's reactions as the caller sees them; empty on a deleted message.

    Attributes:
        counts (ReactionCounts): How many users reacted with each type. Example: {'👍': 2, ':tada:': 1}.
        own (list[str]): The types the caller reacted with, sorted. Example: ['👍'].
    """

    counts: ReactionCounts
    own: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        counts = self.counts.to_dict()

        own = self.own

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "counts": counts,
                "own": own,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.reaction_counts import ReactionCounts

        d = dict(src_dict)
        counts = ReactionCounts.from_dict(d.pop("counts"))

        own = cast(list[str], d.pop("own"))

        reactions = cls(
            counts=counts,
            own=own,
        )

        reactions.additional_properties = d
        return reactions

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
