from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.before_send_on_error import BeforeSendOnError

T = TypeVar("T", bound="BeforeSendHook")


@_attrs_define
class BeforeSendHook:
    """The tenant's before-send hook.

    Attributes:
        url (str): Where sends and edits are POSTed. Example: https://moderation.example.com/chat/before-send.
        timeout_ms (int): How long an answer is waited for. Example: 1000.
        on_error (BeforeSendOnError): What a send gets when the hook fails or times out: `allow` stores it, `reject`
            refuses it (400). Example: allow.
        secret (None | str): The signing secret (`whsec_…`), in the answer that creates the hook only; null otherwise.
            Example: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw.
        updated_at (datetime.datetime): When it was last set. Example: 2026-11-24T20:00:00Z.
    """

    url: str
    timeout_ms: int
    on_error: BeforeSendOnError
    secret: None | str
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        timeout_ms = self.timeout_ms

        on_error = self.on_error.value

        secret: None | str
        secret = self.secret

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "url": url,
                "timeout_ms": timeout_ms,
                "on_error": on_error,
                "secret": secret,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        url = d.pop("url")

        timeout_ms = d.pop("timeout_ms")

        on_error = BeforeSendOnError(d.pop("on_error"))

        def _parse_secret(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        secret = _parse_secret(d.pop("secret"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        before_send_hook = cls(
            url=url,
            timeout_ms=timeout_ms,
            on_error=on_error,
            secret=secret,
            updated_at=updated_at,
        )

        before_send_hook.additional_properties = d
        return before_send_hook

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
