from enum import StrEnum


class WebhookEventType(StrEnum):
    ATTACHMENT_PROCESSED = "attachment.processed"
    BAN_ADDED = "ban.added"
    BAN_REMOVED = "ban.removed"
    MEMBER_JOINED = "member.joined"
    MEMBER_LEFT = "member.left"
    MESSAGE = "message"
    MESSAGE_DELETED = "message.deleted"
    MESSAGE_UPDATED = "message.updated"
    MUTE_ADDED = "mute.added"
    MUTE_REMOVED = "mute.removed"
    NOTIFICATION = "notification"
    PIN_ADDED = "pin.added"
    PIN_REMOVED = "pin.removed"
    REACTION_ADDED = "reaction.added"
    REACTION_REMOVED = "reaction.removed"
    ROOM_UPDATED = "room.updated"
    THREAD_UPDATED = "thread.updated"
    VALUE_0 = "*"
    WEBHOOK_DISABLED = "webhook.disabled"

    def __str__(self) -> str:
        return str(self.value)
