from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="CreateUploadRequest")


@_attrs_define
class CreateUploadRequest:
    """A file about to be uploaded.

    Attributes:
        room_id (str): A room id, `room_` followed by random characters. Example: room_5a6b7c8f3a2b1c9d0e4f.
        filename (str): The file's name as shown to readers; no slashes or control characters. Example: diagram.png.
        content_type (str): The MIME type (lower case, no parameters); must be in the tenant's allow-list, and the
            content must match it. Example: image/png.
        size (int): The file's size in bytes; at most the tenant's limit (default 25 MB). Example: 48213.
        sha256 (str): The SHA-256 of the file's bytes, lower-case hex. Example:
            9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.
    """

    room_id: str
    filename: str
    content_type: str
    size: int
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        room_id = self.room_id

        filename = self.filename

        content_type = self.content_type

        size = self.size

        sha256 = self.sha256

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "room_id": room_id,
                "filename": filename,
                "content_type": content_type,
                "size": size,
                "sha256": sha256,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        room_id = d.pop("room_id")

        filename = d.pop("filename")

        content_type = d.pop("content_type")

        size = d.pop("size")

        sha256 = d.pop("sha256")

        create_upload_request = cls(
            room_id=room_id,
            filename=filename,
            content_type=content_type,
            size=size,
            sha256=sha256,
        )

        return create_upload_request
