from enum import StrEnum


class ReactionEventType(StrEnum):
    REACTION_ADDED = "reaction.added"
    REACTION_REMOVED = "reaction.removed"

    def __str__(self) -> str:
        return str(self.value)
