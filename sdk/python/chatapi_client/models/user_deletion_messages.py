from enum import StrEnum


class UserDeletionMessages(StrEnum):
    ANONYMIZE = "anonymize"
    DELETE = "delete"
    KEEP = "keep"

    def __str__(self) -> str:
        return str(self.value)
