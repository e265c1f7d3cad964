from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UploadTicket")


@_attrs_define
class UploadTicket:
    """Where to put an upload's bytes.

    Attributes:
        upload_id (str): An upload id, `up_` followed by random characters. Example: up_01JD8XKQ3V9Z2Y7W5T4R3P2N1M.
        upload_url (str): PUT exactly the declared size of bytes here, before expires_at; no headers needed. Example: ht
            tps://chat.example.com/files/tn_8f3a2b1c9d0e4f5a6b7c/up_01JD8XKQ3V9Z2Y7W5T4R3P2N1M?exp=1764014400&size=48213&sig
            =3kq0Q2d9.
        expires_at (datetime.datetime): When upload_url stops being accepted. Example: 2026-11-24T21:00:00Z.
    """

    upload_id: str
    upload_url: str
    expires_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        upload_id = self.upload_id

        upload_url = self.upload_url

        expires_at = self.expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "upload_id": upload_id,
                "upload_url": upload_url,
                "expires_at": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        upload_id = d.pop("upload_id")

        upload_url = d.pop("upload_url")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        upload_ticket = cls(
            upload_id=upload_id,
            upload_url=upload_url,
            expires_at=expires_at,
        )

        upload_ticket.additional_properties = d
        return upload_ticket

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
