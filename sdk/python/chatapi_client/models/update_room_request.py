from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.metadata import Metadata


T = TypeVar("T", bound="UpdateRoomRequest")


@_attrs_define
class UpdateRoomRequest:
    """Changes to a room; absent fields are left as they are, an empty name clears it.

    Attributes:
        name (str | Unset): A display name, without control characters; the empty string removes it. Example: Project
            Apollo (launch).
        metadata (Metadata | Unset): Free-form JSON object, at most 4 KB encoded. Example: {'topic': 'launch planning'}.
        slow_mode_seconds (int | Unset): Slow mode; 0 turns it off. A member's second send within the window is refused
            with 429 and `Retry-After`; room admins are exempt. Example: 30.
        frozen (bool | Unset): A frozen room refuses every send and edit with 409 `CONFLICT` (`field: room_id`): a state
            of the room the request names. Example: False.
    """

    name: str | Unset = UNSET
    metadata: Metadata | Unset = UNSET
    slow_mode_seconds: int | Unset = UNSET
    frozen: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        slow_mode_seconds = self.slow_mode_seconds

        frozen = self.frozen

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if slow_mode_seconds is not UNSET:
            field_dict["slow_mode_seconds"] = slow_mode_seconds
        if frozen is not UNSET:
            field_dict["frozen"] = frozen

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.metadata import Metadata

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: Metadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = Metadata.from_dict(_metadata)

        slow_mode_seconds = d.pop("slow_mode_seconds", UNSET)

        frozen = d.pop("frozen", UNSET)

        update_room_request = cls(
            name=name,
            metadata=metadata,
            slow_mode_seconds=slow_mode_seconds,
            frozen=frozen,
        )

        return update_room_request
