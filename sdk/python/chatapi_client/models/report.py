from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.report_status import ReportStatus

T = TypeVar("T", bound="Report")


@_attrs_define
class Report:
    """A report of a message or a user.

    Attributes:
        report_id (str): A report's id. Example: rep_5a6b7c8f3a2b1c9d0e4f.
        reporter_id (None | str): Who reported; null for the system (a message the blocklist flagged). Example: bob.
        target_user_id (str): The reported user (a reported message's sender). Example: mallory.
        room_id (None | str): The reported message's room; null for a report of a user. Example:
            room_5a6b7c8f3a2b1c9d0e4f.
        message_id (None | str): The reported message; null for a report of a user. Example:
            msg_0ABCdefG5a6b7c8f3a2b1c9d0e4f.
        reason (str): Why (`blocklist` for the system's flags). Example: spam.
        note (None | str): The reporter's note; for a flag, the matched words. Example: Posts the same link in every
            room..
        status (ReportStatus): Where a report stands. Example: open.
        created_at (datetime.datetime): When it was opened. Example: 2026-11-24T20:00:00Z.
        resolved_at (datetime.datetime | None): When it was resolved or dismissed; null while open.
        resolved_by (None | str): Who resolved or dismissed it; null while open.
    """

    report_id: str
    reporter_id: None | str
    target_user_id: str
    room_id: None | str
    message_id: None | str
    reason: str
    note: None | str
    status: ReportStatus
    created_at: datetime.datetime
    resolved_at: datetime.datetime | None
    resolved_by: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        report_id = self.report_id

        reporter_id: None | str
        reporter_id = self.reporter_id

        target_user_id = self.target_user_id

        room_id: None | str
        room_id = self.room_id

        message_id: None | str
        message_id = self.message_id

        reason = self.reason

        note: None | str
        note = self.note

        status = self.status.value

        created_at = self.created_at.isoformat()

        resolved_at: None | str
        if isinstance(self.resolved_at, datetime.datetime):
            resolved_at = self.resolved_at.isoformat()
        else:
            resolved_at = self.resolved_at

        resolved_by: None | str
        resolved_by = self.resolved_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "report_id": report_id,
                "reporter_id": reporter_id,
                "target_user_id": target_user_id,
                "room_id": room_id,
                "message_id": message_id,
                "reason": reason,
                "note": note,
                "status": status,
                "created_at": created_at,
                "resolved_at": resolved_at,
                "resolved_by": resolved_by,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        report_id = d.pop("report_id")

        def _parse_reporter_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reporter_id = _parse_reporter_id(d.pop("reporter_id"))

        target_user_id = d.pop("target_user_id")

        def _parse_room_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        room_id = _parse_room_id(d.pop("room_id"))

        def _parse_message_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        message_id = _parse_message_id(d.pop("message_id"))

        reason = d.pop("reason")

        def _parse_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        note = _parse_note(d.pop("note"))

        status = ReportStatus(d.pop("status"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_resolved_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_at_type_0 = datetime.datetime.fromisoformat(data)

                return resolved_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        resolved_at = _parse_resolved_at(d.pop("resolved_at"))

        def _parse_resolved_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        resolved_by = _parse_resolved_by(d.pop("resolved_by"))

        report = cls(
            report_id=report_id,
            reporter_id=reporter_id,
            target_user_id=target_user_id,
            room_id=room_id,
            message_id=message_id,
            reason=reason,
            note=note,
            status=status,
            created_at=created_at,
            resolved_at=resolved_at,
            resolved_by=resolved_by,
        )

        report.additional_properties = d
        return report

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
