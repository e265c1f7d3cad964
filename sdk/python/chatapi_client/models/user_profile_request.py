from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.user_profile_request_custom import UserProfileRequestCustom


T = TypeVar("T", bound="UserProfileRequest")


@_attrs_define
class UserProfileRequest:
    """A user's profile fields. PUT replaces the profile (absent fields become empty); PATCH changes the fields present.

    Attributes:
        display_name (str | Unset): The name other users see, at most 100 characters, no control characters; the empty
            string clears it. Example: Alice Liddell.
        avatar_url (str | Unset): An https URL of the user's picture (ASCII, percent-encoded); the empty string clears
            it. Example: https://cdn.example.com/avatars/alice.png.
        custom (UserProfileRequestCustom | Unset): Free-form JSON object, at most 5 KB encoded; `{}` clears it. Example:
            {'title': 'Engineer'}.
    """

    display_name: str | Unset = UNSET
    avatar_url: str | Unset = UNSET
    custom: UserProfileRequestCustom | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        display_name = self.display_name

        avatar_url = self.avatar_url

        custom: dict[str, Any] | Unset = UNSET
        if not isinstance(self.custom, Unset):
            custom = self.custom.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if avatar_url is not UNSET:
            field_dict["avatar_url"] = avatar_url
        if custom is not UNSET:
            field_dict["custom"] = custom

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.user_profile_request_custom import UserProfileRequestCustom

        d = dict(src_dict)
        display_name = d.pop("display_name", UNSET)

        avatar_url = d.pop("avatar_url", UNSET)

        _custom = d.pop("custom", UNSET)
        custom: UserProfileRequestCustom | Unset
        if isinstance(_custom, Unset):
            custom = UNSET
        else:
            custom = UserProfileRequestCustom.from_dict(_custom)

        user_profile_request = cls(
            display_name=display_name,
            avatar_url=avatar_url,
            custom=custom,
        )

        return user_profile_request
