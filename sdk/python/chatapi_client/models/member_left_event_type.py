from enum import StrEnum


class MemberLeftEventType(StrEnum):
    MEMBER_LEFT = "member.left"

    def __str__(self) -> str:
        return str(self.value)
