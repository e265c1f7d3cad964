from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.webhook_delivery_status import WebhookDeliveryStatus

if TYPE_CHECKING:
    from ..models.webhook_attempt import WebhookAttempt


T = TypeVar("T", bound="WebhookDelivery")


@_attrs_define
class WebhookDelivery:
    """One event to one endpoint, with its attempts.

    Attributes:
        delivery_id (str): A delivery id, `whd_` and 28 characters; later deliveries have greater ids. It is the
            `webhook-id` header of every attempt. Example: whd_0Y3fR2kQ7bX9mN4pL8sT2vW6zC1d.
        webhook_id (str): A webhook endpoint id, `wh_` and 20 random characters. Example: wh_3kT9qZ2mW8xR5vN7bP3c.
        event_type (str): The event's type. Example: message.
        room_id (None | str): The room of a room log event; null for others (webhook.disabled). Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        event_seq (int | None): The room log event's event_seq; null for others. Example: 42.
        replay (bool): Whether it was queued by a replay. Example: False.
        status (WebhookDeliveryStatus): pending (to be sent or retried), succeeded (a 2xx answer), failed (its retry
            window ran out). Example: succeeded.
        attempts (int): Attempts begun. Example: 1.
        response_status (int | None): The last attempt's HTTP status; null before any answer. Example: 200.
        latency_ms (int | None): The last attempt's latency in milliseconds; null before any. Example: 87.
        last_error (None | str): Why the last attempt failed; null when it did not.
        next_attempt_at (datetime.datetime | None): When the next attempt is due while pending; null once finished.
        created_at (datetime.datetime): When it was queued. Example: 2026-11-24T20:00:00Z.
        completed_at (datetime.datetime | None): When it succeeded or failed for good; null while pending. Example:
            2026-11-24T20:00:00Z.
        attempt_log (list[WebhookAttempt]): Every recorded attempt, oldest first (empty in the answer of a retry).
    """

    delivery_id: str
    webhook_id: str
    event_type: str
    room_id: None | str
    event_seq: int | None
    replay: bool
    status: WebhookDeliveryStatus
    attempts: int
    response_status: int | None
    latency_ms: int | None
    last_error: None | str
    next_attempt_at: datetime.datetime | None
    created_at: datetime.datetime
    completed_at: datetime.datetime | None
    attempt_log: list[WebhookAttempt]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        delivery_id = self.delivery_id

        webhook_id = self.webhook_id

        event_type = self.event_type

        room_id: None | str
        room_id = self.room_id

        event_seq: int | None
        event_seq = self.event_seq

        replay = self.replay

        status = self.status.value

        attempts = self.attempts

        response_status: int | None
        response_status = self.response_status

        latency_ms: int | None
        latency_ms = self.latency_ms

        last_error: None | str
        last_error = self.last_error

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        created_at = self.created_at.isoformat()

        completed_at: None | str
        if isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        attempt_log = []
        for attempt_log_item_data in self.attempt_log:
            attempt_log_item = attempt_log_item_data.to_dict()
            attempt_log.append(attempt_log_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "delivery_id": delivery_id,
                "webhook_id": webhook_id,
                "event_type": event_type,
                "room_id": room_id,
                "event_seq": event_seq,
                "replay": replay,
                "status": status,
                "attempts": attempts,
                "response_status": response_status,
                "latency_ms": latency_ms,
                "last_error": last_error,
                "next_attempt_at": next_attempt_at,
                "created_at": created_at,
                "completed_at": completed_at,
                "attempt_log": attempt_log,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.webhook_attempt import WebhookAttempt

        d = dict(src_dict)
        delivery_id = d.pop("delivery_id")

        webhook_id = d.pop("webhook_id")

        event_type = d.pop("event_type")

        def _parse_room_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        room_id = _parse_room_id(d.pop("room_id"))

        def _parse_event_seq(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        event_seq = _parse_event_seq(d.pop("event_seq"))

        replay = d.pop("replay")

        status = WebhookDeliveryStatus(d.pop("status"))

        attempts = d.pop("attempts")

        def _parse_response_status(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        response_status = _parse_response_status(d.pop("response_status"))

        def _parse_latency_ms(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        latency_ms = _parse_latency_ms(d.pop("latency_ms"))

        def _parse_last_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_error = _parse_last_error(d.pop("last_error"))

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_completed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        completed_at = _parse_completed_at(d.pop("completed_at"))

        attempt_log = []
        _attempt_log = d.pop("attempt_log")
        for attempt_log_item_data in _attempt_log:
            attempt_log_item = WebhookAttempt.from_dict(attempt_log_item_data)

            attempt_log.append(attempt_log_item)

        webhook_delivery = cls(
            delivery_id=delivery_id,
            webhook_id=webhook_id,
            event_type=event_type,
            room_id=room_id,
            event_seq=event_seq,
            replay=replay,
            status=status,
            attempts=attempts,
            response_status=response_status,
            latency_ms=latency_ms,
            last_error=last_error,
            next_attempt_at=next_attempt_at,
            created_at=created_at,
            completed_at=completed_at,
            attempt_log=attempt_log,
        )

        webhook_delivery.additional_properties = d
        return webhook_delivery

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
