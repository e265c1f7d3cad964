from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.day_count import DayCount
    from ..models.month_count import MonthCount


T = TypeVar("T", bound="TenantUsage")


@_attrs_define
class TenantUsage:
    """A tenant's usage over UTC days from to to, both included.

    Attributes:
        tenant_id (str): A tenant id, `tn_` followed by random characters. Example: tn_8f3a2b1c9d0e4f5a6b7c.
        from_ (datetime.date): The first day. Example: 2026-11-01.
        to (datetime.date): The last day. Example: 2026-11-30.
        messages (int): Messages sent in the span (deleted ones included). Example: 18234.
        daily_active_users (list[DayCount]): Each day's distinct active users; days without any are left out.
        monthly_active_users (list[MonthCount]): Each month's distinct active users, counted over the days of the month
            within the span.
        peak_connections (int): The highest of daily_peak_connections; 0 without any. Example: 96.
        daily_peak_connections (list[DayCount]): Each day's peak of WebSocket connections, the sum of every instance's
            own peak of the day; days without any are left out.
        storage_bytes (int): The bytes of the tenant's uploads stored now (not only the span's). Example: 52428800.
        webhook_deliveries (int): Webhook delivery attempts in the span. Example: 0.
    """

    tenant_id: str
    from_: datetime.date
    to: datetime.date
    messages: int
    daily_active_users: list[DayCount]
    monthly_active_users: list[MonthCount]
    peak_connections: int
    daily_peak_connections: list[DayCount]
    storage_bytes: int
    webhook_deliveries: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tenant_id = self.tenant_id

        from_ = self.from_.isoformat()

        to = self.to.isoformat()

        messages = self.messages

        daily_active_users = []
        for daily_active_users_item_data in self.daily_active_users:
            daily_active_users_item = daily_active_users_item_data.to_dict()
            daily_active_users.append(daily_active_users_item)

        monthly_active_users = []
        for monthly_active_users_item_data in self.monthly_active_users:
            monthly_active_users_item = monthly_active_users_item_data.to_dict()
            monthly_active_users.append(monthly_active_users_item)

        peak_connections = self.peak_connections

        daily_peak_connections = []
        for daily_peak_connections_item_data in self.daily_peak_connections:
            daily_peak_connections_item = daily_peak_connections_item_data.to_dict()
            daily_peak_connections.append(daily_peak_connections_item)

        storage_bytes = self.storage_bytes

        webhook_deliveries = self.webhook_deliveries

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "tenant_id": tenant_id,
                "from": from_,
                "to": to,
                "messages": messages,
                "daily_active_users": daily_active_users,
                "monthly_active_users": monthly_active_users,
                "peak_connections": peak_connections,
                "daily_peak_connections": daily_peak_connections,
                "storage_bytes": storage_bytes,
                "webhook_deliveries": webhook_deliveries,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.day_count import DayCount
        from ..models.month_count import MonthCount

        d = dict(src_dict)
        tenant_id = d.pop("tenant_id")

        from_ = datetime.date.fromisoformat(d.pop("from"))

        to = datetime.date.fromisoformat(d.pop("to"))

        messages = d.pop("messages")

        daily_active_users = []
        _daily_active_users = d.pop("daily_active_users")
        for daily_active_users_item_data in _daily_active_users:
            daily_active_users_item = DayCount.from_dict(daily_active_users_item_data)

            daily_active_users.append(daily_active_users_item)

        monthly_active_users = []
        _monthly_active_users = d.pop("monthly_active_users")
        for monthly_active_users_item_data in _monthly_active_users:
            monthly_active_users_item = MonthCount.from_dict(
                monthly_active_users_item_data
            )

            monthly_active_users.append(monthly_active_users_item)

        peak_connections = d.pop("peak_connections")

        daily_peak_connections = []
        _daily_peak_connections = d.pop("daily_peak_connections")
        for daily_peak_connections_item_data in _daily_peak_connections:
            daily_peak_connections_item = DayCount.from_dict(
                daily_peak_connections_item_data
            )

            daily_peak_connections.append(daily_peak_connections_item)

        storage_bytes = d.pop("storage_bytes")

        webhook_deliveries = d.pop("webhook_deliveries")

        tenant_usage = cls(
            tenant_id=tenant_id,
            from_=from_,
            to=to,
            messages=messages,
            daily_active_users=daily_active_users,
            monthly_active_users=monthly_active_users,
            peak_connections=peak_connections,
            daily_peak_connections=daily_peak_connections,
            storage_bytes=storage_bytes,
            webhook_deliveries=webhook_deliveries,
        )

        tenant_usage.additional_properties = d
        return tenant_usage

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
