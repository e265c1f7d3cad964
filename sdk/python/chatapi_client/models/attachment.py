from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Attachment")


@_attrs_define
class Attachment:
    """A file a message carries, as it was when attached. `url` is a signed
    download link that works without headers (an `<img src>`) for an hour
    from the answer or event that carried it; it is absent from events
    replayed from the room's log (`GET /rooms/{room_id}/events`, `/sync`,
    resumes): read the message again for a fresh one.

        Attributes:
            upload_id (str): An upload id, `up_` followed by random characters. Example: up_01JD8XKQ3V9Z2Y7W5T4R3P2N1M.
            filename (str): The file's name. Example: diagram.png.
            content_type (str): The checked MIME type. Example: image/png.
            size (int): Bytes. Example: 48213.
            width (int | None): An image's width in pixels; null for other files. Example: 1280.
            height (int | None): An image's height in pixels; null for other files. Example: 720.
            thumbnail_width (int | None | Unset): The thumbnail's width in pixels, once made (absent before, and for files
                that are not images or images too large to decode). Example: 320.
            thumbnail_height (int | None | Unset): The thumbnail's height in pixels, once made; the long side is at most 320
                pixels and the aspect is the image's. Example: 180.
            url (str | Unset): Signed, expiring download URL. Example:
                https://chat.example.com/files/tn_8f3a2b1c9d0e4f5a6b7c/up_01JD8XKQ3V9Z2Y7W5T4R3P2N1M?exp=1764014400&sig=Qm9v.
            thumbnail_url (None | str | Unset): Signed URL of the image's thumbnail (at most 320 pixels on the long side)
                once made; null before and for other files.
    """

    upload_id: str
    filename: str
    content_type: str
    size: int
    width: int | None
    height: int | None
    thumbnail_width: int | None | Unset = UNSET
    thumbnail_height: int | None | Unset = UNSET
    url: str | Unset = UNSET
    thumbnail_url: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        upload_id = self.upload_id

        filename = self.filename

        content_type = self.content_type

        size = self.size

        width: int | None
        width = self.width

        height: int | None
        height = self.height

        thumbnail_width: int | None | Unset
        if isinstance(self.thumbnail_width, Unset):
            thumbnail_width = UNSET
        else:
            thumbnail_width = self.thumbnail_width

        thumbnail_height: int | None | Unset
        if isinstance(self.thumbnail_height, Unset):
            thumbnail_height = UNSET
        else:
            thumbnail_height = self.thumbnail_height

        url = self.url

        thumbnail_url: None | str | Unset
        if isinstance(self.thumbnail_url, Unset):
            thumbnail_url = UNSET
        else:
            thumbnail_url = self.thumbnail_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "upload_id": upload_id,
                "filename": filename,
                "content_type": content_type,
                "size": size,
                "width": width,
                "height": height,
            }
        )
        if thumbnail_width is not UNSET:
            field_dict["thumbnail_width"] = thumbnail_width
        if thumbnail_height is not UNSET:
            field_dict["thumbnail_height"] = thumbnail_height
        if url is not UNSET:
            field_dict["url"] = url
        if thumbnail_url is not UNSET:
            field_dict["thumbnail_url"] = thumbnail_url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        upload_id = d.pop("upload_id")

        filename = d.pop("filename")

        content_type = d.pop("content_type")

        size = d.pop("size")

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

        def _parse_thumbnail_width(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        thumbnail_width = _parse_thumbnail_width(d.pop("thumbnail_width", UNSET))

        def _parse_thumbnail_height(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        thumbnail_height = _parse_thumbnail_height(d.pop("thumbnail_height", UNSET))

        url = d.pop("url", UNSET)

        def _parse_thumbnail_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        thumbnail_url = _parse_thumbnail_url(d.pop("thumbnail_url", UNSET))

        attachment = cls(
            upload_id=upload_id,
            filename=filename,
            content_type=content_type,
            size=size,
            width=width,
            height=height,
            thumbnail_width=thumbnail_width,
            thumbnail_height=thumbnail_height,
            url=url,
            thumbnail_url=thumbnail_url,
        )

        attachment.additional_properties = d
        return attachment

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
