from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.blocklist_action import BlocklistAction
from ..models.blocklist_match import BlocklistMatch

T = TypeVar("T", bound="Blocklist")


@_attrs_define
class Blocklist:
    """The tenant's word blocklist.

    Attributes:
        words (list[str]): The words, as set. Example: ['darn', 'heck'].
        match (BlocklistMatch): `word`: whole words only; `substring`: anywhere, inside words too. Example: word.
        action (BlocklistAction): `block`: refuse the message (400); `flag`: store it and report it; `mask`: store it
            with the matches replaced by `***`. Example: mask.
        updated_at (datetime.datetime | None): When it was last set; null when never. Example: 2026-11-24T20:00:00Z.
    """

    words: list[str]
    match: BlocklistMatch
    action: BlocklistAction
    updated_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        words = self.words

        match = self.match.value

        action = self.action.value

        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "words": words,
                "match": match,
                "action": action,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        words = cast(list[str], d.pop("words"))

        match = BlocklistMatch(d.pop("match"))

        action = BlocklistAction(d.pop("action"))

        def _parse_updated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        updated_at = _parse_updated_at(d.pop("updated_at"))

        blocklist = cls(
            words=words,
            match=match,
            action=action,
            updated_at=updated_at,
        )

        blocklist.additional_properties = d
        return blocklist

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
