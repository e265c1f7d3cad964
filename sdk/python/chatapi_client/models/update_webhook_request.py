from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.webhook_event_type import WebhookEventType
from ..types import UNSET, Unset

T = TypeVar("T", bound="UpdateWebhookRequest")


@_attrs_define
class UpdateWebhookRequest:
    """The fields to change; the others stay.

    Attributes:
        url (str | Unset): Where deliveries are POSTed; http or https, no credentials. Not on loopback or a private
            network unless the server allows it. Example: https://backend.example.com/chat-events.
        events (list[WebhookEventType] | Unset): The event types delivered, or `["*"]` for every one. Example:
            ['message', 'message.updated'].
        active (bool | Unset): Whether deliveries are sent; true again after a deactivation resumes them. Example: True.
    """

    url: str | Unset = UNSET
    events: list[WebhookEventType] | Unset = UNSET
    active: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        events: list[str] | Unset = UNSET
        if not isinstance(self.events, Unset):
            events = []
            for componentsschemas_webhook_events_item_data in self.events:
                componentsschemas_webhook_events_item = (
                    componentsschemas_webhook_events_item_data.value
                )
                events.append(componentsschemas_webhook_events_item)

        active = self.active

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if url is not UNSET:
            field_dict["url"] = url
        if events is not UNSET:
            field_dict["events"] = events
        if active is not UNSET:
            field_dict["active"] = active

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        url = d.pop("url", UNSET)

        _events = d.pop("events", UNSET)
        events: list[WebhookEventType] | Unset = UNSET
        if _events is not UNSET:
            events = []
            for componentsschemas_webhook_events_item_data in _events:
                componentsschemas_webhook_events_item = WebhookEventType(
                    componentsschemas_webhook_events_item_data
                )

                events.append(componentsschemas_webhook_events_item)

        active = d.pop("active", UNSET)

        update_webhook_request = cls(
            url=url,
            events=events,
            active=active,
        )

        return update_webhook_request
