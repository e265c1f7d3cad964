from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.attachment_processed_event import AttachmentProcessedEvent
    from ..models.member_joined_event import MemberJoinedEvent
    from ..models.member_left_event import MemberLeftEvent
    from ..models.message_event import MessageEvent
    from ..models.moderation_event import ModerationEvent
    from ..models.null_error_type_0 import NullErrorType0
    from ..models.pin_event import PinEvent
    from ..models.reaction_event import ReactionEvent
    from ..models.room_updated_event import RoomUpdatedEvent
    from ..models.thread_updated_event import ThreadUpdatedEvent


T = TypeVar("T", bound="RoomEventListResponse")


@_attrs_define
class RoomEventListResponse:
    """Envelope of a page of a room's event log.

    Attributes:
        success (bool): True when the request succeeded.
        data (list[AttachmentProcessedEvent | MemberJoinedEvent | MemberLeftEvent | MessageEvent | ModerationEvent |
            PinEvent | ReactionEvent | RoomUpdatedEvent | ThreadUpdatedEvent]): The events, ascending `event_seq`.
        error (None | NullErrorType0): Always null on success.
    """

    success: bool
    data: list[
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
    error: None | NullErrorType0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.attachment_processed_event import AttachmentProcessedEvent
        from ..models.member_joined_event import MemberJoinedEvent
        from ..models.member_left_event import MemberLeftEvent
        from ..models.message_event import MessageEvent
        from ..models.null_error_type_0 import NullErrorType0
        from ..models.pin_event import PinEvent
        from ..models.reaction_event import ReactionEvent
        from ..models.room_updated_event import RoomUpdatedEvent
        from ..models.thread_updated_event import ThreadUpdatedEvent

        success = self.success

        data = []
        for data_item_data in self.data:
            data_item: dict[str, Any]
            if (
                isinstance(data_item_data, MessageEvent)
                or isinstance(data_item_data, MemberJoinedEvent)
                or isinstance(data_item_data, MemberLeftEvent)
                or isinstance(data_item_data, RoomUpdatedEvent)
                or isinstance(data_item_data, ReactionEvent)
                or isinstance(data_item_data, PinEvent)
                or isinstance(data_item_data, ThreadUpdatedEvent)
                or isinstance(data_item_data, AttachmentProcessedEvent)
            ):
                data_item = data_item_data.to_dict()
            else:
                data_item = data_item_data.to_dict()

            data.append(data_item)

        error: dict[str, Any] | None
        if isinstance(self.error, NullErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
                "data": data,
                "error": error,
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
        from ..models.null_error_type_0 import NullErrorType0
        from ..models.pin_event import PinEvent
        from ..models.reaction_event import ReactionEvent
        from ..models.room_updated_event import RoomUpdatedEvent
        from ..models.thread_updated_event import ThreadUpdatedEvent

        d = dict(src_dict)
        success = d.pop("success")

        data = []
        _data = d.pop("data")
        for data_item_data in _data:

            def _parse_data_item(
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

            data_item = _parse_data_item(data_item_data)

            data.append(data_item)

        def _parse_error(data: object) -> None | NullErrorType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_null_error_type_0 = NullErrorType0.from_dict(data)

                return componentsschemas_null_error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | NullErrorType0, data)

        error = _parse_error(d.pop("error"))

        room_event_list_response = cls(
            success=success,
            data=data,
            error=error,
        )

        room_event_list_response.additional_properties = d
        return room_event_list_response

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
