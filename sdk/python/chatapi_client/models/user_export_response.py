from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.null_error_type_0 import NullErrorType0
    from ..models.user_export import UserExport


T = TypeVar("T", bound="UserExportResponse")


@_attrs_define
class UserExportResponse:
    """Envelope of UserExport.

    Attributes:
        success (bool): True when the request succeeded.
        data (UserExport): Everything stored about a user.
        error (None | NullErrorType0): Always null on success.
    """

    success: bool
    data: UserExport
    error: None | NullErrorType0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.null_error_type_0 import NullErrorType0

        success = self.success

        data = self.data.to_dict()

        error: dict[str, Any] | None
        if isinstance(self.error, NullErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
                "data": data,
                "error": error,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.null_error_type_0 import NullErrorType0
        from ..models.user_export import UserExport

        d = dict(src_dict)
        success = d.pop("success")

        data = UserExport.from_dict(d.pop("data"))

        def _parse_error(data: object) -> None | NullErrorType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_null_error_type_0 = NullErrorType0.from_dict(data)

                return componentsschemas_null_error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | NullErrorType0, data)

        error = _parse_error(d.pop("error"))

        user_export_response = cls(
            success=success,
            data=data,
            error=error,
        )

        user_export_response.additional_properties = d
        return user_export_response

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
