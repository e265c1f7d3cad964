from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.user_deletion_messages import UserDeletionMessages
from ..models.user_deletion_status import UserDeletionStatus

T = TypeVar("T", bound="UserDeletion")


@_attrs_define
class UserDeletion:
    """A user deleted, whose data is being erased.

    Attributes:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        messages (UserDeletionMessages): What happens to the user's messages. Example: delete.
        requested_at (datetime.datetime): When the deletion was asked for; the user's tokens issued before it are
            refused. Example: 2026-11-24T20:30:00Z.
        status (UserDeletionStatus): Always erasing; the erasure goes on in the background. Example: erasing.
    """

    user_id: str
    messages: UserDeletionMessages
    requested_at: datetime.datetime
    status: UserDeletionStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        messages = self.messages.value

        requested_at = self.requested_at.isoformat()

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "user_id": user_id,
                "messages": messages,
                "requested_at": requested_at,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        user_id = d.pop("user_id")

        messages = UserDeletionMessages(d.pop("messages"))

        requested_at = datetime.datetime.fromisoformat(d.pop("requested_at"))

        status = UserDeletionStatus(d.pop("status"))

        user_deletion = cls(
            user_id=user_id,
            messages=messages,
            requested_at=requested_at,
            status=status,
        )

        user_deletion.additional_properties = d
        return user_deletion

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
