from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.notification_payload import NotificationPayload
    from ..models.notify_targets import NotifyTargets


T = TypeVar("T", bound="NotifyRequest")


@_attrs_define
class NotifyRequest:
    """A notification to send.

    Attributes:
        topic (str): A notification topic. Example: orders.shipped.
        payload (NotificationPayload): Free-form JSON object, at most 16 KB encoded. Example: {'order_id': '1234',
            'status': 'shipped'}.
        targets (NotifyTargets): Who receives the notification; at least one target.
    """

    topic: str
    payload: NotificationPayload
    targets: NotifyTargets

    def to_dict(self) -> dict[str, Any]:
        topic = self.topic

        payload = self.payload.to_dict()

        targets = self.targets.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "topic": topic,
                "payload": payload,
                "targets": targets,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.notification_payload import NotificationPayload
        from ..models.notify_targets import NotifyTargets

        d = dict(src_dict)
        topic = d.pop("topic")

        payload = NotificationPayload.from_dict(d.pop("payload"))

        targets = NotifyTargets.from_dict(d.pop("targets"))

        notify_request = cls(
            topic=topic,
            payload=payload,
            targets=targets,
        )

        return notify_request
