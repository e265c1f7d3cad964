from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.update_report_request_status import UpdateReportRequestStatus

T = TypeVar("T", bound="UpdateReportRequest")


@_attrs_define
class UpdateReportRequest:
    """How a report is closed.

    Attributes:
        status (UpdateReportRequestStatus): `resolved`: acted upon; `dismissed`: nothing to do. Example: resolved.
    """

    status: UpdateReportRequestStatus

    def to_dict(self) -> dict[str, Any]:
        status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        status = UpdateReportRequestStatus(d.pop("status"))

        update_report_request = cls(
            status=status,
        )

        return update_report_request
