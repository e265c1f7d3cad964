from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateReportRequest")


@_attrs_define
class CreateReportRequest:
    """A report of one message (`message_id`) or of one user (`user_id`), not both.

    Attributes:
        reason (str): Why, in a word or a short phrase (spam, harassment …); no control characters. Example: spam.
        message_id (str | Unset): A message id, `msg_` followed by random characters. Example: msg_2b7c9d0e4f5a6b7c8f3a.
        user_id (str | Unset): A user of the tenant, chosen by the tenant's app. Example: alice.
        note (str | Unset): More detail from the reporter. Example: Posts the same link in every room..
    """

    reason: str
    message_id: str | Unset = UNSET
    user_id: str | Unset = UNSET
    note: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason

        message_id = self.message_id

        user_id = self.user_id

        note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reason": reason,
            }
        )
        if message_id is not UNSET:
            field_dict["message_id"] = message_id
        if user_id is not UNSET:
            field_dict["user_id"] = user_id
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        reason = d.pop("reason")

        message_id = d.pop("message_id", UNSET)

        user_id = d.pop("user_id", UNSET)

        note = d.pop("note", UNSET)

        create_report_request = cls(
            reason=reason,
            message_id=message_id,
            user_id=user_id,
            note=note,
        )

        return create_report_request
