from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.attachment import Attachment
    from ..models.message_meta_type_0 import MessageMetaType0
    from ..models.quote import Quote
    from ..models.reactions import Reactions
    from ..models.thread import Thread


T = TypeVar("T", bound="Message")


@_attrs_define
class Message:
    """A stored message.

    Attributes:
        message_id (str): A message id, `msg_` followed by random characters. Example: msg_2b7c9d0e4f5a6b7c8f3a.
        room_id (str): A room id, `room_` followed by random characters. Example: room_5a6b7c8f3a2b1c9d0e4f.
        sender_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        seq (int): A per-room message sequence number; the first message is 1. Example: 13.
        content (str): The text; empty once deleted. Example: Hello, team!.
        meta (MessageMetaType0 | None): The sender's meta object, or null. Example: {'type': 'text', 'mentions':
            ['bob']}.
        client_msg_id (None | str): The sender's idempotency id, or null. Example: 3f1c2a9e-local-1.
        created_at (datetime.datetime): When the message was stored. Example: 2026-11-24T20:10:00Z.
        edited_at (datetime.datetime | None): When the message was last edited, or null.
        deleted_at (datetime.datetime | None): When the message was deleted, or null.
        reactions (Reactions | Unset): A message's reactions as the caller sees them; empty on a deleted message.
        parent_id (str | Unset): A message id, `msg_` followed by random characters. Example: msg_2b7c9d0e4f5a6b7c8f3a.
        thread (Thread | Unset): The replies to a top-level message; present once it has one.
        quoted (Quote | Unset): The quoted message as it was when the quoting message was sent.
        mentions (list[str] | Unset): The members the message mentions, as sent; absent when none. Example: ['bob'].
        attachments (list[Attachment] | Unset): The files the message carries, in the order sent; absent when none.
    """

    message_id: str
    room_id: str
    sender_id: str
    seq: int
    content: str
    meta: MessageMetaType0 | None
    client_msg_id: None | str
    created_at: datetime.datetime
    edited_at: datetime.datetime | None
    deleted_at: datetime.datetime | None
    reactions: Reactions | Unset = UNSET
    parent_id: str | Unset = UNSET
    thread: Thread | Unset = UNSET
    quoted: Quote | Unset = UNSET
    mentions: list[str] | Unset = UNSET
    attachments: list[Attachment] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.message_meta_type_0 import MessageMetaType0

        message_id = self.message_id

        room_id = self.room_id

        sender_id = self.sender_id

        seq = self.seq

        content = self.content

        meta: dict[str, Any] | None
        if isinstance(self.meta, MessageMetaType0):
            meta = self.meta.to_dict()
        else:
            meta = self.meta

        client_msg_id: None | str
        client_msg_id = self.client_msg_id

        created_at = self.created_at.isoformat()

        edited_at: None | str
        if isinstance(self.edited_at, datetime.datetime):
            edited_at = self.edited_at.isoformat()
        else:
            edited_at = self.edited_at

        deleted_at: None | str
        if isinstance(self.deleted_at, datetime.datetime):
            deleted_at = self.deleted_at.isoformat()
        else:
            deleted_at = self.deleted_at

        reactions: dict[str, Any] | Unset = UNSET
        if not isinstance(self.reactions, Unset):
            reactions = self.reactions.to_dict()

        parent_id = self.parent_id

        thread: dict[str, Any] | Unset = UNSET
        if not isinstance(self.thread, Unset):
            thread = self.thread.to_dict()

        quoted: dict[str, Any] | Unset = UNSET
        if not isinstance(self.quoted, Unset):
            quoted = self.quoted.to_dict()

        mentions: list[str] | Unset = UNSET
        if not isinstance(self.mentions, Unset):
            mentions = self.mentions

        attachments: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.attachments, Unset):
            attachments = []
            for attachments_item_data in self.attachments:
                attachments_item = attachments_item_data.to_dict()
                attachments.append(attachments_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message_id": message_id,
                "room_id": room_id,
                "sender_id": sender_id,
                "seq": seq,
                "content": content,
                "meta": meta,
                "client_msg_id": client_msg_id,
                "created_at": created_at,
                "edited_at": edited_at,
                "deleted_at": deleted_at,
            }
        )
        if reactions is not UNSET:
            field_dict["reactions"] = reactions
        if parent_id is not UNSET:
            field_dict["parent_id"] = parent_id
        if thread is not UNSET:
            field_dict["thread"] = thread
        if quoted is not UNSET:
            field_dict["quoted"] = quoted
        if mentions is not UNSET:
            field_dict["mentions"] = mentions
        if attachments is not UNSET:
            field_dict["attachments"] = attachments

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.attachment import Attachment
        from ..models.message_meta_type_0 import MessageMetaType0
        from ..models.quote import Quote
        from ..models.reactions import Reactions
        from ..models.thread import Thread

        d = dict(src_dict)
        message_id = d.pop("message_id")

        room_id = d.pop("room_id")

        sender_id = d.pop("sender_id")

        seq = d.pop("seq")

        content = d.pop("content")

        def _parse_meta(data: object) -> MessageMetaType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                meta_type_0 = MessageMetaType0.from_dict(data)

                return meta_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MessageMetaType0 | None, data)

        meta = _parse_meta(d.pop("meta"))

        def _parse_client_msg_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        client_msg_id = _parse_client_msg_id(d.pop("client_msg_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_edited_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                edited_at_type_0 = datetime.datetime.fromisoformat(data)

                return edited_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        edited_at = _parse_edited_at(d.pop("edited_at"))

        def _parse_deleted_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deleted_at_type_0 = datetime.datetime.fromisoformat(data)

                return deleted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        deleted_at = _parse_deleted_at(d.pop("deleted_at"))

        _reactions = d.pop("reactions", UNSET)
        reactions: Reactions | Unset
        if isinstance(_reactions, Unset):
            reactions = UNSET
        else:
            reactions = Reactions.from_dict(_reactions)

        parent_id = d.pop("parent_id", UNSET)

        _thread = d.pop("thread", UNSET)
        thread: Thread | Unset
        if isinstance(_thread, Unset):
            thread = UNSET
        else:
            thread = Thread.from_dict(_thread)

        _quoted = d.pop("quoted", UNSET)
        quoted: Quote | Unset
        if isinstance(_quoted, Unset):
            quoted = UNSET
        else:
            quoted = Quote.from_dict(_quoted)

        mentions = cast(list[str], d.pop("mentions", UNSET))

        _attachments = d.pop("attachments", UNSET)
        attachments: list[Attachment] | Unset = UNSET
        if _attachments is not UNSET:
            attachments = []
            for attachments_item_data in _attachments:
                attachments_item = Attachment.from_dict(attachments_item_data)

                attachments.append(attachments_item)

        message = cls(
            message_id=message_id,
            room_id=room_id,
            sender_id=sender_id,
            seq=seq,
            content=content,
            meta=meta,
            client_msg_id=client_msg_id,
            created_at=created_at,
            edited_at=edited_at,
            deleted_at=deleted_at,
            reactions=reactions,
            parent_id=parent_id,
            thread=thread,
            quoted=quoted,
            mentions=mentions,
            attachments=attachments,
        )

        message.additional_properties = d
        return message

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
