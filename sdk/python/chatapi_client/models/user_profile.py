from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.user_profile_custom import UserProfileCustom


T = TypeVar("T", bound="UserProfile")


@_attrs_define
class UserProfile:
    """A user's profile. A user who never set one has empty fields and `updated_at` null.

    Attributes:
        user_id (str): A user of the tenant, chosen by the tenant's app. Example: alice.
        display_name (str): The name other users see; empty when unset. Example: Alice Liddell.
        avatar_url (str): An https URL of the user's picture; empty when unset. Example:
            https://cdn.example.com/avatars/alice.png.
        custom (UserProfileCustom): The app's own fields. Example: {'title': 'Engineer'}.
        updated_at (datetime.datetime | None): When the profile last changed; null for a user who never set one.
            Example: 2026-11-24T20:15:00Z.
    """

    user_id: str
    display_name: str
    avatar_url: str
    custom: UserProfileCustom
    updated_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        display_name = self.display_name

        avatar_url = self.avatar_url

        custom = self.custom.to_dict()

        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "user_id": user_id,
                "display_name": display_name,
                "avatar_url": avatar_url,
                "custom": custom,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.user_profile_custom import UserProfileCustom

        d = dict(src_dict)
        user_id = d.pop("user_id")

        display_name = d.pop("display_name")

        avatar_url = d.pop("avatar_url")

        custom = UserProfileCustom.from_dict(d.pop("custom"))

        def _parse_updated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        updated_at = _parse_updated_at(d.pop("updated_at"))

        user_profile = cls(
            user_id=user_id,
            display_name=display_name,
            avatar_url=avatar_url,
            custom=custom,
            updated_at=updated_at,
        )

        user_profile.additional_properties = d
        return user_profile

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
