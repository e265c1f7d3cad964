from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.webhook_event_type import WebhookEventType

T = TypeVar("T", bound="WebhookWithSecret")


@_attrs_define
class WebhookWithSecret:
    """A webhook endpoint with its signing secret, shown only at creation and rotation.

    Attributes:
        webhook_id (str): A webhook endpoint id, `wh_` and 20 random characters. Example: wh_3kT9qZ2mW8xR5vN7bP3c.
        url (str): Where deliveries are POSTed; http or https, no credentials. Not on loopback or a private network
            unless the server allows it. Example: https://backend.example.com/chat-events.
        events (list[WebhookEventType]): The event types delivered, or `["*"]` for every one. Example: ['message',
            'message.updated'].
        active (bool): Whether deliveries are sent. Example: True.
        disabled_at (datetime.datetime | None): When the endpoint was deactivated for failing its whole retry window;
            null otherwise.
        previous_secret_until (datetime.datetime | None): Until when the secret replaced by the last rotation signs too
            (in the past once that overlap is over); null before any rotation.
        created_at (datetime.datetime): When the endpoint was created. Example: 2026-11-24T20:00:00Z.
        updated_at (datetime.datetime): When the endpoint last changed. Example: 2026-11-24T20:00:00Z.
        secret (str): The signing secret (`whsec_` and base64 key), for any Standard Webhooks library; store it, it is
            not shown again. Example: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwZ2mW8xR5vN7b.
    """

    webhook_id: str
    url: str
    events: list[WebhookEventType]
    active: bool
    disabled_at: datetime.datetime | None
    previous_secret_until: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    secret: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        webhook_id = self.webhook_id

        url = self.url

        events = []
        for componentsschemas_webhook_events_item_data in self.events:
            componentsschemas_webhook_events_item = (
                componentsschemas_webhook_events_item_data.value
            )
            events.append(componentsschemas_webhook_events_item)

        active = self.active

        disabled_at: None | str
        if isinstance(self.disabled_at, datetime.datetime):
            disabled_at = self.disabled_at.isoformat()
        else:
            disabled_at = self.disabled_at

        previous_secret_until: None | str
        if isinstance(self.previous_secret_until, datetime.datetime):
            previous_secret_until = self.previous_secret_until.isoformat()
        else:
            previous_secret_until = self.previous_secret_until

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        secret = self.secret

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "webhook_id": webhook_id,
                "url": url,
                "events": events,
                "active": active,
                "disabled_at": disabled_at,
                "previous_secret_until": previous_secret_until,
                "created_at": created_at,
                "updated_at": updated_at,
                "secret": secret,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        webhook_id = d.pop("webhook_id")

        url = d.pop("url")

        events = []
        _events = d.pop("events")
        for componentsschemas_webhook_events_item_data in _events:
            componentsschemas_webhook_events_item = WebhookEventType(
                componentsschemas_webhook_events_item_data
            )

            events.append(componentsschemas_webhook_events_item)

        active = d.pop("active")

        def _parse_disabled_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                disabled_at_type_0 = datetime.datetime.fromisoformat(data)

                return disabled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        disabled_at = _parse_disabled_at(d.pop("disabled_at"))

        def _parse_previous_secret_until(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                previous_secret_until_type_0 = datetime.datetime.fromisoformat(data)

                return previous_secret_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        previous_secret_until = _parse_previous_secret_until(
            d.pop("previous_secret_until")
        )

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        secret = d.pop("secret")

        webhook_with_secret = cls(
            webhook_id=webhook_id,
            url=url,
            events=events,
            active=active,
            disabled_at=disabled_at,
            previous_secret_until=previous_secret_until,
            created_at=created_at,
            updated_at=updated_at,
            secret=secret,
        )

        webhook_with_secret.additional_properties = d
        return webhook_with_secret

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
