from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.room_type import RoomType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.metadata import Metadata


T = TypeVar("T", bound="CreateRoomRequest")


@_attrs_define
class CreateRoomRequest:
    """A new room. The caller is always a member and need not be listed.
    A `dm` names the one other user in `members`, and may name the caller
    too (`[bob]`, `[bob, alice]` and `[alice, bob]` by alice are the same
    pair); `group` and `channel` take any number, including none.

        Attributes:
            type_ (RoomType): `dm`: two users. `group`: private, members added by admins. `channel`: public inside the
                tenant. Example: group.
            members (list[str] | Unset): Users to add besides the caller; for a dm, the one other user (the caller may be
                listed too). Example: ['bob'].
            name (None | str | Unset): A display name; no control characters. Example: Project Apollo.
            metadata (Metadata | Unset): Free-form JSON object, at most 4 KB encoded. Example: {'topic': 'launch planning'}.
    """

    type_: RoomType
    members: list[str] | Unset = UNSET
    name: None | str | Unset = UNSET
    metadata: Metadata | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        members: list[str] | Unset = UNSET
        if not isinstance(self.members, Unset):
            members = self.members

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
            }
        )
        if members is not UNSET:
            field_dict["members"] = members
        if name is not UNSET:
            field_dict["name"] = name
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.metadata import Metadata

        d = dict(src_dict)
        type_ = RoomType(d.pop("type"))

        members = cast(list[str], d.pop("members", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        _metadata = d.pop("metadata", UNSET)
        metadata: Metadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = Metadata.from_dict(_metadata)

        create_room_request = cls(
            type_=type_,
            members=members,
            name=name,
            metadata=metadata,
        )

        return create_room_request
