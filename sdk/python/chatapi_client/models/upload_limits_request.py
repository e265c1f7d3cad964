from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="UploadLimitsRequest")


@_attrs_define
class UploadLimitsRequest:
    """The tenant's limits on uploads; a limit left out takes the service's
    default (25 MB a file, 1 GB in all, images, PDF, plain text and common
    audio and video types). `POST /uploads` refuses a file over
    `max_file_bytes` or of a type outside `allowed_types` with 400
    `VALIDATION_ERROR` (`field` `size` or `content_type`), and one that
    would take the tenant's uploads over `quota_bytes` with 409 `CONFLICT`
    (`field` `size`).

        Attributes:
            max_file_bytes (int | Unset): The largest file accepted, in bytes (at most 5 GiB). Example: 10485760.
            quota_bytes (int | Unset): The bytes all of the tenant's uploads may take together, completed or not. Example:
                5368709120.
            allowed_types (list[str] | Unset): The MIME types accepted (lower case, without parameters). Example:
                ['image/png', 'image/jpeg', 'application/pdf'].
    """

    max_file_bytes: int | Unset = UNSET
    quota_bytes: int | Unset = UNSET
    allowed_types: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        max_file_bytes = self.max_file_bytes

        quota_bytes = self.quota_bytes

        allowed_types: list[str] | Unset = UNSET
        if not isinstance(self.allowed_types, Unset):
            allowed_types = self.allowed_types

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if max_file_bytes is not UNSET:
            field_dict["max_file_bytes"] = max_file_bytes
        if quota_bytes is not UNSET:
            field_dict["quota_bytes"] = quota_bytes
        if allowed_types is not UNSET:
            field_dict["allowed_types"] = allowed_types

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        max_file_bytes = d.pop("max_file_bytes", UNSET)

        quota_bytes = d.pop("quota_bytes", UNSET)

        allowed_types = cast(list[str], d.pop("allowed_types", UNSET))

        upload_limits_request = cls(
            max_file_bytes=max_file_bytes,
            quota_bytes=quota_bytes,
            allowed_types=allowed_types,
        )

        return upload_limits_request
