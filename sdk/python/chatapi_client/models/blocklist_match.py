from enum import StrEnum


class BlocklistMatch(StrEnum):
    SUBSTRING = "substring"
    WORD = "word"

    def __str__(self) -> str:
        return str(self.value)
