from enum import StrEnum


class MessageEventType(StrEnum):
    MESSAGE = "message"
    MESSAGE_DELETED = "message.deleted"
    MESSAGE_UPDATED = "message.updated"

    def __str__(self) -> str:
        return str(self.value)
