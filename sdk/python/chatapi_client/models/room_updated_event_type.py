from enum import StrEnum


class RoomUpdatedEventType(StrEnum):
    ROOM_UPDATED = "room.updated"

    def __str__(self) -> str:
        return str(self.value)
