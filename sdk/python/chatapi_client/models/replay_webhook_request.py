from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ReplayWebhookRequest")


@_attrs_define
class ReplayWebhookRequest:
    """Where a replay starts.

    Attributes:
        since (str): An RFC 3339 time, or a cursor from `GET /sync` (within the request body's 64 KiB). Example:
            2026-11-24T20:00:00Z.
    """

    since: str

    def to_dict(self) -> dict[str, Any]:
        since = self.since

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "since": since,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        since = d.pop("since")

        replay_webhook_request = cls(
            since=since,
        )

        return replay_webhook_request
