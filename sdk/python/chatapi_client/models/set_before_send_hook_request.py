from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.before_send_on_error import BeforeSendOnError
from ..types import UNSET, Unset

T = TypeVar("T", bound="SetBeforeSendHookRequest")


@_attrs_define
class SetBeforeSendHookRequest:
    """The before-send hook to set.

    Attributes:
        url (str): Where sends and edits are POSTed; http or https. Example: https://moderation.example.com/chat/before-
            send.
        timeout_ms (int | Unset): How long an answer is waited for, at most 3,000 ms; 1,000 when absent. Default: 1000.
            Example: 1000.
        on_error (BeforeSendOnError | Unset): What a send gets when the hook fails or times out: `allow` stores it,
            `reject` refuses it (400). Example: allow.
    """

    url: str
    timeout_ms: int | Unset = 1000
    on_error: BeforeSendOnError | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        timeout_ms = self.timeout_ms

        on_error: str | Unset = UNSET
        if not isinstance(self.on_error, Unset):
            on_error = self.on_error.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "url": url,
            }
        )
        if timeout_ms is not UNSET:
            field_dict["timeout_ms"] = timeout_ms
        if on_error is not UNSET:
            field_dict["on_error"] = on_error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        url = d.pop("url")

        timeout_ms = d.pop("timeout_ms", UNSET)

        _on_error = d.pop("on_error", UNSET)
        on_error: BeforeSendOnError | Unset
        if isinstance(_on_error, Unset):
            on_error = UNSET
        else:
            on_error = BeforeSendOnError(_on_error)

        set_before_send_hook_request = cls(
            url=url,
            timeout_ms=timeout_ms,
            on_error=on_error,
        )

        return set_before_send_hook_request
