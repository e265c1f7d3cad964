from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.health_status import HealthStatus

T = TypeVar("T", bound="Health")


@_attrs_define
class Health:
    """The service's health.

    Example:
        {'status': 'ok', 'uptime': 3600, 'db_writable': True, 'version': '1.0.0', 'connections': 12}

    Attributes:
        status (HealthStatus): `degraded` when the database cannot be written.
        uptime (int): Seconds since the process started.
        db_writable (bool): Whether a write to the database just succeeded.
        version (str): The server's version.
        connections (int): Open WebSocket connections on this instance.
    """

    status: HealthStatus
    uptime: int
    db_writable: bool
    version: str
    connections: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status.value

        uptime = self.uptime

        db_writable = self.db_writable

        version = self.version

        connections = self.connections

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "uptime": uptime,
                "db_writable": db_writable,
                "version": version,
                "connections": connections,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        status = HealthStatus(d.pop("status"))

        uptime = d.pop("uptime")

        db_writable = d.pop("db_writable")

        version = d.pop("version")

        connections = d.pop("connections")

        health = cls(
            status=status,
            uptime=uptime,
            db_writable=db_writable,
            version=version,
            connections=connections,
        )

        health.additional_properties = d
        return health

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
