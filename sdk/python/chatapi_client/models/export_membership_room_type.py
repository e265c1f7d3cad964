from enum import StrEnum


class ExportMembershipRoomType(StrEnum):
    CHANNEL = "channel"
    DM = "dm"
    GROUP = "group"

    def __str__(self) -> str:
        return str(self.value)
