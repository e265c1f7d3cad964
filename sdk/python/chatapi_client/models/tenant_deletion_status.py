from enum import StrEnum


class TenantDeletionStatus(StrEnum):
    PURGING = "purging"

    def __str__(self) -> str:
        return str(self.value)
