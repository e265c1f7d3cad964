from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.attachment_processed_event import AttachmentProcessedEvent
    from ..models.member_joined_event import MemberJoinedEvent
    from ..models.member_left_event import MemberLeftEvent
    from ..models.message_event import MessageEvent
    from ..models.moderation_event import ModerationEvent
    from ..models.pin_event import PinEvent
    from ..models.reaction_event import ReactionEvent
    from ..models.room_updated_event import RoomUpdatedEvent
    from ..models.thread_updated_event import ThreadUpdatedEvent


T = TypeVar("T", bound="SyncPage")


@_attrs_define
class SyncPage:
    """A page of the caller's events since a cursor.

    Attributes:
        events (list[AttachmentProcessedEvent | MemberJoinedEvent | MemberLeftEvent | MessageEvent | ModerationEvent |
            PinEvent | ReactionEvent | RoomUpdatedEvent | ThreadUpdatedEvent]): Each room's events in `event_seq` order,
            room after room.
        next_cursor (str): Where a user stands in the logs of their rooms. Opaque to clients; its length grows with the
            number of rooms. Example: v1.1-e.2-4.
        has_more (bool): More events are owed than this page holds; sync again with `next_cursor` at once. Example:
            False.
    """

    events: list[
        AttachmentProcessedEvent
        | MemberJoinedEvent
        | MemberLeftEvent
        | MessageEvent
        | ModerationEvent
        | PinEvent
        | ReactionEvent
        | RoomUpdatedEvent
        | ThreadUpdatedEvent
    ]
    next_cursor: str
    has_more: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.attachment_processed_event import AttachmentProcessedEvent
        from ..models.member_joined_event import MemberJoinedEvent
        from ..models.member_left_event import MemberLeftEvent
        from ..models.message_event import MessageEvent
        from ..models.pin_event import PinEvent
        from ..models.reaction_event import ReactionEvent
        from ..models.room_updated_event import RoomUpdatedEvent
        from ..models.thread_updated_event import ThreadUpdatedEvent

        events = []
        for events_item_data in self.events:
            events_item: dict[str, Any]
            if (
                isinstance(events_item_data, MessageEvent)
                or isinstance(events_item_data, MemberJoinedEvent)
                or isinstance(events_item_data, MemberLeftEvent)
                or isinstance(events_item_data, RoomUpdatedEvent)
                or isinstance(events_item_data, ReactionEvent)
                or isinstance(events_item_data, PinEvent)
                or isinstance(events_item_data, ThreadUpdatedEvent)
                or isinstance(events_item_data, AttachmentProcessedEvent)
            ):
                events_item = events_item_data.to_dict()
            else:
                events_item = events_item_data.to_dict()

            events.append(events_item)

        next_cursor = self.next_cursor

        has_more = self.has_more

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "events": events,
                "next_cursor": next_cursor,
                "has_more": has_more,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.attachment_processed_event import AttachmentProcessedEvent
        from ..models.member_joined_event import MemberJoinedEvent
        from ..models.member_left_event import MemberLeftEvent
        from ..models.message_event import MessageEvent
        from ..models.moderation_event import ModerationEvent
        from ..models.pin_event import PinEvent
        from ..models.reaction_event import ReactionEvent
        from ..models.room_updated_event import RoomUpdatedEvent
        from ..models.thread_updated_event import ThreadUpdatedEvent

        d = dict(src_dict)
        events = []
        _events = d.pop("events")
        for events_item_data in _events:

            def _parse_events_item(
                data: object,
            ) -> (
                AttachmentProcessedEvent
                | MemberJoinedEvent
                | MemberLeftEvent
                | MessageEvent
                | ModerationEvent
                | PinEvent
                | ReactionEvent
                | RoomUpdatedEvent
                | ThreadUpdatedEvent
            ):
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_room_event_type_0 = MessageEvent.from_dict(data)

                    return componentsschemas_room_event_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_room_event_type_1 = MemberJoinedEvent.from_dict(
                        data
                    )

                    return componentsschemas_room_event_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_room_event_type_2 = MemberLeftEvent.from_dict(
                        data
                    )

                    return componentsschemas_room_event_type_2
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_room_event_type_3 = RoomUpdatedEvent.from_dict(
                        data
                    )

                    return componentsschemas_room_event_type_3
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_room_event_type_4 = ReactionEvent.from_dict(data)

                    return componentsschemas_room_event_type_4
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_room_event_type_5 = PinEvent.from_dict(data)

                    return componentsschemas_room_event_type_5
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_room_event_type_6 = ThreadUpdatedEvent.from_dict(
                        data
                    )

                    return componentsschemas_room_event_type_6
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_room_event_type_7 = (
                        AttachmentProcessedEvent.from_dict(data)
                    )

                    return componentsschemas_room_event_type_7
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_room_event_type_8 = ModerationEvent.from_dict(data)

                return componentsschemas_room_event_type_8

            events_item = _parse_events_item(events_item_data)

            events.append(events_item)

        next_cursor = d.pop("next_cursor")

        has_more = d.pop("has_more")

        sync_page = cls(
            events=events,
            next_cursor=next_cursor,
            has_more=has_more,
        )

        sync_page.additional_properties = d
        return sync_page

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
