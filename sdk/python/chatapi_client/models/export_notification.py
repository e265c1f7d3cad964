from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.notification_payload import NotificationPayload


T = TypeVar("T", bound="ExportNotification")


@_attrs_define
class ExportNotification:
    """A notification the user was sent.

    Attributes:
        notification_id (str): A notification id, `ntf_` followed by random characters. Example:
            ntf_6b7c8f3a2b1c9d0e4f5a.
        topic (str): A notification topic. Example: orders.shipped.
        payload (NotificationPayload): Free-form JSON object, at most 16 KB encoded. Example: {'order_id': '1234',
            'status': 'shipped'}.
        sender_id (str): Who sent it. Example: backend.
        state (str): Its delivery state (pending, delivered, acked, failed). Example: acked.
        created_at (datetime.datetime): When it was stored. Example: 2026-11-24T20:20:00Z.
        expires_at (datetime.datetime): When it stops being delivered. Example: 2026-12-01T20:20:00Z.
        acked_at (datetime.datetime | None): When the user confirmed it. Example: 2026-11-24T20:21:00Z.
    """

    notification_id: str
    topic: str
    payload: NotificationPayload
    sender_id: str
    state: str
    created_at: datetime.datetime
    expires_at: datetime.datetime
    acked_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        notification_id = self.notification_id

        topic = self.topic

        payload = self.payload.to_dict()

        sender_id = self.sender_id

        state = self.state

        created_at = self.created_at.isoformat()

        expires_at = self.expires_at.isoformat()

        acked_at: None | str
        if isinstance(self.acked_at, datetime.datetime):
            acked_at = self.acked_at.isoformat()
        else:
            acked_at = self.acked_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "notification_id": notification_id,
                "topic": topic,
                "payload": payload,
                "sender_id": sender_id,
                "state": state,
                "created_at": created_at,
                "expires_at": expires_at,
                "acked_at": acked_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.notification_payload import NotificationPayload

        d = dict(src_dict)
        notification_id = d.pop("notification_id")

        topic = d.pop("topic")

        payload = NotificationPayload.from_dict(d.pop("payload"))

        sender_id = d.pop("sender_id")

        state = d.pop("state")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        def _parse_acked_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                acked_at_type_0 = datetime.datetime.fromisoformat(data)

                return acked_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        acked_at = _parse_acked_at(d.pop("acked_at"))

        export_notification = cls(
            notification_id=notification_id,
            topic=topic,
            payload=payload,
            sender_id=sender_id,
            state=state,
            created_at=created_at,
            expires_at=expires_at,
            acked_at=acked_at,
        )

        export_notification.additional_properties = d
        return export_notification

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
