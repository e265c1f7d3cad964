from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="AckRequest")


@_attrs_define
class AckRequest:
    """Everything up to `seq` in the room has been received.

    Attributes:
        room_id (str): A room id, `room_` followed by random characters. Example: room_5a6b7c8f3a2b1c9d0e4f.
        seq (int): A per-room message sequence number; the first message is 1. Example: 13.
    """

    room_id: str
    seq: int

    def to_dict(self) -> dict[str, Any]:
        room_id = self.room_id

        seq = self.seq

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "room_id": room_id,
                "seq": seq,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        room_id = d.pop("room_id")

        seq = d.pop("seq")

        ack_request = cls(
            room_id=room_id,
            seq=seq,
        )

        return ack_request
