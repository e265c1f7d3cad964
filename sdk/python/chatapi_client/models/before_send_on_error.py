from enum import StrEnum


class BeforeSendOnError(StrEnum):
    ALLOW = "allow"
    REJECT = "reject"

    def __str__(self) -> str:
        return str(self.value)
