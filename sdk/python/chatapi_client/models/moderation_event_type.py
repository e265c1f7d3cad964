from enum import StrEnum


class ModerationEventType(StrEnum):
    BAN_ADDED = "ban.added"
    BAN_REMOVED = "ban.removed"
    MUTE_ADDED = "mute.added"
    MUTE_REMOVED = "mute.removed"

    def __str__(self) -> str:
        return str(self.value)
