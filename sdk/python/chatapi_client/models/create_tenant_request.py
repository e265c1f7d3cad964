from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.upload_limits_request import UploadLimitsRequest


T = TypeVar("T", bound="CreateTenantRequest")


@_attrs_define
class CreateTenantRequest:
    """A new tenant.

    Attributes:
        name (str): The tenant's display name; no control characters. Example: Acme Corp.
        rate_limit_rps (int | Unset): Requests per second allowed to the tenant (burst the same). Default: 100. Example:
            100.
        upload_limits (UploadLimitsRequest | Unset): The tenant's limits on uploads; a limit left out takes the
            service's
            default (25 MB a file, 1 GB in all, images, PDF, plain text and common
            audio and video types). `POST /uploads` refuses a file over
            `max_file_bytes` or of a type outside `allowed_types` with 400
            `VALIDATION_ERROR` (`field` `size` or `content_type`), and one that
            would take the tenant's uploads over `quota_bytes` with 409 `CONFLICT`
            (`field` `size`).
    """

    name: str
    rate_limit_rps: int | Unset = 100
    upload_limits: UploadLimitsRequest | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        rate_limit_rps = self.rate_limit_rps

        upload_limits: dict[str, Any] | Unset = UNSET
        if not isinstance(self.upload_limits, Unset):
            upload_limits = self.upload_limits.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if rate_limit_rps is not UNSET:
            field_dict["rate_limit_rps"] = rate_limit_rps
        if upload_limits is not UNSET:
            field_dict["upload_limits"] = upload_limits

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.upload_limits_request import UploadLimitsRequest

        d = dict(src_dict)
        name = d.pop("name")

        rate_limit_rps = d.pop("rate_limit_rps", UNSET)

        _upload_limits = d.pop("upload_limits", UNSET)
        upload_limits: UploadLimitsRequest | Unset
        if isinstance(_upload_limits, Unset):
            upload_limits = UNSET
        else:
            upload_limits = UploadLimitsRequest.from_dict(_upload_limits)

        create_tenant_request = cls(
            name=name,
            rate_limit_rps=rate_limit_rps,
            upload_limits=upload_limits,
        )

        return create_tenant_request
