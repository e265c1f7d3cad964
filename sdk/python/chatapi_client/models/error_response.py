from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.error import Error
    from ..models.error_response_data_type_0 import ErrorResponseDataType0


T = TypeVar("T", bound="ErrorResponse")


@_attrs_define
class ErrorResponse:
    """The envelope of every refusal.

    Attributes:
        success (bool): Always false. Example: False.
        data (ErrorResponseDataType0 | None): Always null.
        error (Error): What went wrong.
    """

    success: bool
    data: ErrorResponseDataType0 | None
    error: Error
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.error_response_data_type_0 import ErrorResponseDataType0

        success = self.success

        data: dict[str, Any] | None
        if isinstance(self.data, ErrorResponseDataType0):
            data = self.data.to_dict()
        else:
            data = self.data

        error = self.error.to_dict()

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
        from ..models.error import Error
        from ..models.error_response_data_type_0 import ErrorResponseDataType0

        d = dict(src_dict)
        success = d.pop("success")

        def _parse_data(data: object) -> ErrorResponseDataType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_type_0 = ErrorResponseDataType0.from_dict(data)

                return data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ErrorResponseDataType0 | None, data)

        data = _parse_data(d.pop("data"))

        error = Error.from_dict(d.pop("error"))

        error_response = cls(
            success=success,
            data=data,
            error=error,
        )

        error_response.additional_properties = d
        return error_response

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
