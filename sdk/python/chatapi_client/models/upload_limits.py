from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UploadLimits")


@_attrs_define
class UploadLimits:
    """A tenant's limits on uploads, the defaults included.

    Attributes:
        max_file_bytes (int): The largest file accepted, in bytes. Example: 26214400.
        quota_bytes (int): The bytes all of the tenant's uploads may take together. Example: 1073741824.
        allowed_types (list[str]): The MIME types accepted. Example: ['image/png', 'image/jpeg', 'image/gif',
            'image/webp', 'application/pdf', 'text/plain'].
    """

    max_file_bytes: int
    quota_bytes: int
    allowed_types: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        max_file_bytes = self.max_file_bytes

        quota_bytes = self.quota_bytes

        allowed_types = self.allowed_types

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "max_file_bytes": max_file_bytes,
                "quota_bytes": quota_bytes,
                "allowed_types": allowed_types,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        max_file_bytes = d.pop("max_file_bytes")

        quota_bytes = d.pop("quota_bytes")

        allowed_types = cast(list[str], d.pop("allowed_types"))

        upload_limits = cls(
            max_file_bytes=max_file_bytes,
            quota_bytes=quota_bytes,
            allowed_types=allowed_types,
        )

        upload_limits.additional_properties = d
        return upload_limits

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
