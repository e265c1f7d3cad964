from enum import StrEnum


class MemberJoinedEventType(StrEnum):
    MEMBER_JOINED = "member.joined"

    def __str__(self) -> str:
        return str(self.value)
