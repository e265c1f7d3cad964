from enum import StrEnum


class PinEventType(StrEnum):
    PIN_ADDED = "pin.added"
    PIN_REMOVED = "pin.removed"

    def __str__(self) -> str:
        return str(self.value)
