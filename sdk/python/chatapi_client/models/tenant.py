from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.upload_limits import UploadLimits


T = TypeVar("T", bound="Tenant")


@_attrs_define
class Tenant:
    """A tenant, without its key.

    Attributes:
        tenant_id (str): A tenant id, `tn_` followed by random characters. Example: tn_8f3a2b1c9d0e4f5a6b7c.
        name (str): The tenant's display name. Example: Acme Corp.
        rate_limit_rps (int): Requests per second allowed. Example: 100.
        upload_limits (UploadLimits): A tenant's limits on uploads, the defaults included.
        created_at (datetime.datetime): When the tenant was created. Example: 2026-11-24T20:00:00Z.
    """

    tenant_id: str
    name: str
    rate_limit_rps: int
    upload_limits: UploadLimits
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tenant_id = self.tenant_id

        name = self.name

        rate_limit_rps = self.rate_limit_rps

        upload_limits = self.upload_limits.to_dict()

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "tenant_id": tenant_id,
                "name": name,
                "rate_limit_rps": rate_limit_rps,
                "upload_limits": upload_limits,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.upload_limits import UploadLimits

        d = dict(src_dict)
        tenant_id = d.pop("tenant_id")

        name = d.pop("name")

        rate_limit_rps = d.pop("rate_limit_rps")

        upload_limits = UploadLimits.from_dict(d.pop("upload_limits"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        tenant = cls(
            tenant_id=tenant_id,
            name=name,
            rate_limit_rps=rate_limit_rps,
            upload_limits=upload_limits,
            created_at=created_at,
        )

        tenant.additional_properties = d
        return tenant

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
