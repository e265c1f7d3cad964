from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.tenant_deletion_status import TenantDeletionStatus

T = TypeVar("T", bound="TenantDeletion")


@_attrs_define
class TenantDeletion:
    """A tenant deleted, whose data is being purged.

    Attributes:
        tenant_id (str): A tenant id, `tn_` followed by random characters. Example: tn_8f3a2b1c9d0e4f5a6b7c.
        status (TenantDeletionStatus): Always purging; once the purge is done the tenant is unknown (404). Example:
            purging.
    """

    tenant_id: str
    status: TenantDeletionStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tenant_id = self.tenant_id

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "tenant_id": tenant_id,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        tenant_id = d.pop("tenant_id")

        status = TenantDeletionStatus(d.pop("status"))

        tenant_deletion = cls(
            tenant_id=tenant_id,
            status=status,
        )

        tenant_deletion.additional_properties = d
        return tenant_deletion

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
