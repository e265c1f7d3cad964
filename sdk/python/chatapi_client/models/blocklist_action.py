from enum import StrEnum


class BlocklistAction(StrEnum):
    BLOCK = "block"
    FLAG = "flag"
    MASK = "mask"

    def __str__(self) -> str:
        return str(self.value)
