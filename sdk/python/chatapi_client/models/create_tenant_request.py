from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateTenantRequest")


@_attrs_define
class CreateTenantRequest:
    """A new tenant.

    Attributes:
        name (str): The tenant's display name; no control characters. Example: Acme Corp.
        rate_limit_rps (int | Unset): Requests per second allowed to the tenant (burst the same). Default: 100. Example:
            100.
    """

    name: str
    rate_limit_rps: int | Unset = 100

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        rate_limit_rps = self.rate_limit_rps

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if rate_limit_rps is not UNSET:
            field_dict["rate_limit_rps"] = rate_limit_rps

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        rate_limit_rps = d.pop("rate_limit_rps", UNSET)

        create_tenant_request = cls(
            name=name,
            rate_limit_rps=rate_limit_rps,
        )

        return create_tenant_request
