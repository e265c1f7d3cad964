from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.webhook_event_type import WebhookEventType
from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateWebhookRequest")


@_attrs_define
class CreateWebhookRequest:
    """A webhook endpoint to create.

    Attributes:
        url (str): Where deliveries are POSTed; http or https, no credentials. Not on loopback or a private network
            unless the server allows it. Example: https://backend.example.com/chat-events.
        events (list[WebhookEventType]): The event types delivered, or `["*"]` for every one. Example: ['message',
            'message.updated'].
        active (bool | Unset): Whether deliveries are sent (true when absent). Default: True. Example: True.
    """

    url: str
    events: list[WebhookEventType]
    active: bool | Unset = True

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        events = []
        for componentsschemas_webhook_events_item_data in self.events:
            componentsschemas_webhook_events_item = (
                componentsschemas_webhook_events_item_data.value
            )
            events.append(componentsschemas_webhook_events_item)

        active = self.active

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "url": url,
                "events": events,
            }
        )
        if active is not UNSET:
            field_dict["active"] = active

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        url = d.pop("url")

        events = []
        _events = d.pop("events")
        for componentsschemas_webhook_events_item_data in _events:
            componentsschemas_webhook_events_item = WebhookEventType(
                componentsschemas_webhook_events_item_data
            )

            events.append(componentsschemas_webhook_events_item)

        active = d.pop("active", UNSET)

        create_webhook_request = cls(
            url=url,
            events=events,
            active=active,
        )

        return create_webhook_request
