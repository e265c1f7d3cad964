from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.upload_status import UploadStatus

T = TypeVar("T", bound="Upload")


@_attrs_define
class Upload:
    """An upload as its uploader sees it.

    Attributes:
        upload_id (str): An upload id, `up_` followed by random characters. Example: up_01JD8XKQ3V9Z2Y7W5T4R3P2N1M.
        room_id (str): A room id, `room_` followed by random characters. Example: room_5a6b7c8f3a2b1c9d0e4f.
        filename (str): The declared file name. Example: diagram.png.
        content_type (str): The declared (and, once ready, checked) MIME type. Example: image/png.
        size (int): Bytes. Example: 48213.
        sha256 (str): The declared SHA-256, hex. Example:
            9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.
        status (UploadStatus): pending until completed, then ready to attach. Example: ready.
        width (int | None): An image's width in pixels; null for other files and before completion. Example: 1280.
        height (int | None): An image's height in pixels; null for other files and before completion. Example: 720.
        url (None | str): Signed download URL (expires after an hour; works without headers); null while pending.
            Example:
            https://chat.example.com/files/tn_8f3a2b1c9d0e4f5a6b7c/up_01JD8XKQ3V9Z2Y7W5T4R3P2N1M?exp=1764014400&sig=Qm9v.
        thumbnail_url (None | str): Signed URL of the thumbnail (at most 320 pixels on the long side) once made; null
            before and for files that are not images.
        message_id (None | str): The message it is attached to, or null.
        created_at (datetime.datetime): When the upload was started. Example: 2026-11-24T20:00:00Z.
    """

    upload_id: str
    room_id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    status: UploadStatus
    width: int | None
    height: int | None
    url: None | str
    thumbnail_url: None | str
    message_id: None | str
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        upload_id = self.upload_id

        room_id = self.room_id

        filename = self.filename

        content_type = self.content_type

        size = self.size

        sha256 = self.sha256

        status = self.status.value

        width: int | None
        width = self.width

        height: int | None
        height = self.height

        url: None | str
        url = self.url

        thumbnail_url: None | str
        thumbnail_url = self.thumbnail_url

        message_id: None | str
        message_id = self.message_id

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "upload_id": upload_id,
                "room_id": room_id,
                "filename": filename,
                "content_type": content_type,
                "size": size,
                "sha256": sha256,
                "status": status,
                "width": width,
                "height": height,
                "url": url,
                "thumbnail_url": thumbnail_url,
                "message_id": message_id,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        upload_id = d.pop("upload_id")

        room_id = d.pop("room_id")

        filename = d.pop("filename")

        content_type = d.pop("content_type")

        size = d.pop("size")

        sha256 = d.pop("sha256")

        status = UploadStatus(d.pop("status"))

        def _parse_width(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        width = _parse_width(d.pop("width"))

        def _parse_height(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        height = _parse_height(d.pop("height"))

        def _parse_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        url = _parse_url(d.pop("url"))

        def _parse_thumbnail_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        thumbnail_url = _parse_thumbnail_url(d.pop("thumbnail_url"))

        def _parse_message_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        message_id = _parse_message_id(d.pop("message_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        upload = cls(
            upload_id=upload_id,
            room_id=room_id,
            filename=filename,
            content_type=content_type,
            size=size,
            sha256=sha256,
            status=status,
            width=width,
            height=height,
            url=url,
            thumbnail_url=thumbnail_url,
            message_id=message_id,
            created_at=created_at,
        )

        upload.additional_properties = d
        return upload

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
