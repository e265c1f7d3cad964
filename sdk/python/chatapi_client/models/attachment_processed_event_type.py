from enum import StrEnum


class AttachmentProcessedEventType(StrEnum):
    ATTACHMENT_PROCESSED = "attachment.processed"

    def __str__(self) -> str:
        return str(self.value)
