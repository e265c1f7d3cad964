from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.blocklist_action import BlocklistAction
from ..models.blocklist_match import BlocklistMatch
from ..types import UNSET, Unset

T = TypeVar("T", bound="SetBlocklistRequest")


@_attrs_define
class SetBlocklistRequest:
    """A whole blocklist, replacing the tenant's.

    Attributes:
        words (list[str]): The words or phrases, at most 10,000; empty removes the blocklist. Example: ['darn', 'heck'].
        match (BlocklistMatch | Unset): `word`: whole words only; `substring`: anywhere, inside words too. Example:
            word.
        action (BlocklistAction | Unset): `block`: refuse the message (400); `flag`: store it and report it; `mask`:
            store it with the matches replaced by `***`. Example: mask.
    """

    words: list[str]
    match: BlocklistMatch | Unset = UNSET
    action: BlocklistAction | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        words = self.words

        match: str | Unset = UNSET
        if not isinstance(self.match, Unset):
            match = self.match.value

        action: str | Unset = UNSET
        if not isinstance(self.action, Unset):
            action = self.action.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "words": words,
            }
        )
        if match is not UNSET:
            field_dict["match"] = match
        if action is not UNSET:
            field_dict["action"] = action

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        words = cast(list[str], d.pop("words"))

        _match = d.pop("match", UNSET)
        match: BlocklistMatch | Unset
        if isinstance(_match, Unset):
            match = UNSET
        else:
            match = BlocklistMatch(_match)

        _action = d.pop("action", UNSET)
        action: BlocklistAction | Unset
        if isinstance(_action, Unset):
            action = UNSET
        else:
            action = BlocklistAction(_action)

        set_blocklist_request = cls(
            words=words,
            match=match,
            action=action,
        )

        return set_blocklist_request
