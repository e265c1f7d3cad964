from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.failed_message import FailedMessage
    from ..models.failed_notification import FailedNotification


T = TypeVar("T", bound="DeadLetters")


@_attrs_define
class DeadLetters:
    """Dead-lettered deliveries.

    Attributes:
        failed_messages (list[FailedMessage]): Messages never acknowledged.
        failed_notifications (list[FailedNotification]): Notifications never acknowledged.
    """

    failed_messages: list[FailedMessage]
    failed_notifications: list[FailedNotification]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        failed_messages = []
        for failed_messages_item_data in self.failed_messages:
            failed_messages_item = failed_messages_item_data.to_dict()
            failed_messages.append(failed_messages_item)

        failed_notifications = []
        for failed_notifications_item_data in self.failed_notifications:
            failed_notifications_item = failed_notifications_item_data.to_dict()
            failed_notifications.append(failed_notifications_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "failed_messages": failed_messages,
                "failed_notifications": failed_notifications,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.failed_message import FailedMessage
        from ..models.failed_notification import FailedNotification

        d = dict(src_dict)
        failed_messages = []
        _failed_messages = d.pop("failed_messages")
        for failed_messages_item_data in _failed_messages:
            failed_messages_item = FailedMessage.from_dict(failed_messages_item_data)

            failed_messages.append(failed_messages_item)

        failed_notifications = []
        _failed_notifications = d.pop("failed_notifications")
        for failed_notifications_item_data in _failed_notifications:
            failed_notifications_item = FailedNotification.from_dict(
                failed_notifications_item_data
            )

            failed_notifications.append(failed_notifications_item)

        dead_letters = cls(
            failed_messages=failed_messages,
            failed_notifications=failed_notifications,
        )

        dead_letters.additional_properties = d
        return dead_letters

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
