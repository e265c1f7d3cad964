from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="SubscriptionRequest")


@_attrs_define
class SubscriptionRequest:
    """A topic to subscribe to.

    Attributes:
        topic (str): A notification topic. Example: orders.shipped.
    """

    topic: str

    def to_dict(self) -> dict[str, Any]:
        topic = self.topic

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "topic": topic,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        topic = d.pop("topic")

        subscription_request = cls(
            topic=topic,
        )

        return subscription_request
