from enum import StrEnum


class UserDeletionStatus(StrEnum):
    ERASING = "erasing"

    def __str__(self) -> str:
        return str(self.value)
