from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.export_membership import ExportMembership
    from ..models.export_notification import ExportNotification
    from ..models.export_reaction import ExportReaction
    from ..models.message import Message
    from ..models.subscription import Subscription
    from ..models.upload import Upload
    from ..models.user_profile import UserProfile


T = TypeVar("T", bound="UserExport")


@_attrs_define
class UserExport:
    """Everything stored about a user.

    Attributes:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        exported_at (datetime.datetime): When the export began. Example: 2026-11-24T20:30:00Z.
        profile (UserProfile): A user's profile. A user who never set one has empty fields and `updated_at` null.
        memberships (list[ExportMembership]): The rooms they are a member of.
        messages (list[Message]): Every message they sent, room by room in seq order; deleted ones empty.
        reactions (list[ExportReaction]): Their reactions.
        notifications (list[ExportNotification]): The notifications they were sent, still kept.
        subscriptions (list[Subscription]): Their topic subscriptions.
        uploads (list[Upload]): The files they uploaded, with signed download links.
    """

    user_id: str
    exported_at: datetime.datetime
    profile: UserProfile
    memberships: list[ExportMembership]
    messages: list[Message]
    reactions: list[ExportReaction]
    notifications: list[ExportNotification]
    subscriptions: list[Subscription]
    uploads: list[Upload]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        exported_at = self.exported_at.isoformat()

        profile = self.profile.to_dict()

        memberships = []
        for memberships_item_data in self.memberships:
            memberships_item = memberships_item_data.to_dict()
            memberships.append(memberships_item)

        messages = []
        for messages_item_data in self.messages:
            messages_item = messages_item_data.to_dict()
            messages.append(messages_item)

        reactions = []
        for reactions_item_data in self.reactions:
            reactions_item = reactions_item_data.to_dict()
            reactions.append(reactions_item)

        notifications = []
        for notifications_item_data in self.notifications:
            notifications_item = notifications_item_data.to_dict()
            notifications.append(notifications_item)

        subscriptions = []
        for subscriptions_item_data in self.subscriptions:
            subscriptions_item = subscriptions_item_data.to_dict()
            subscriptions.append(subscriptions_item)

        uploads = []
        for uploads_item_data in self.uploads:
            uploads_item = uploads_item_data.to_dict()
            uploads.append(uploads_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "user_id": user_id,
                "exported_at": exported_at,
                "profile": profile,
                "memberships": memberships,
                "messages": messages,
                "reactions": reactions,
                "notifications": notifications,
                "subscriptions": subscriptions,
                "uploads": uploads,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.export_membership import ExportMembership
        from ..models.export_notification import ExportNotification
        from ..models.export_reaction import ExportReaction
        from ..models.message import Message
        from ..models.subscription import Subscription
        from ..models.upload import Upload
        from ..models.user_profile import UserProfile

        d = dict(src_dict)
        user_id = d.pop("user_id")

        exported_at = datetime.datetime.fromisoformat(d.pop("exported_at"))

        profile = UserProfile.from_dict(d.pop("profile"))

        memberships = []
        _memberships = d.pop("memberships")
        for memberships_item_data in _memberships:
            memberships_item = ExportMembership.from_dict(memberships_item_data)

            memberships.append(memberships_item)

        messages = []
        _messages = d.pop("messages")
        for messages_item_data in _messages:
            messages_item = Message.from_dict(messages_item_data)

            messages.append(messages_item)

        reactions = []
        _reactions = d.pop("reactions")
        for reactions_item_data in _reactions:
            reactions_item = ExportReaction.from_dict(reactions_item_data)

            reactions.append(reactions_item)

        notifications = []
        _notifications = d.pop("notifications")
        for notifications_item_data in _notifications:
            notifications_item = ExportNotification.from_dict(notifications_item_data)

            notifications.append(notifications_item)

        subscriptions = []
        _subscriptions = d.pop("subscriptions")
        for subscriptions_item_data in _subscriptions:
            subscriptions_item = Subscription.from_dict(subscriptions_item_data)

            subscriptions.append(subscriptions_item)

        uploads = []
        _uploads = d.pop("uploads")
        for uploads_item_data in _uploads:
            uploads_item = Upload.from_dict(uploads_item_data)

            uploads.append(uploads_item)

        user_export = cls(
            user_id=user_id,
            exported_at=exported_at,
            profile=profile,
            memberships=memberships,
            messages=messages,
            reactions=reactions,
            notifications=notifications,
            subscriptions=subscriptions,
            uploads=uploads,
        )

        user_export.additional_properties = d
        return user_export

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
