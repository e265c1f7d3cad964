"""Contains all the data models used in inputs/outputs"""

from .ack_request import AckRequest
from .ack_response import AckResponse
from .ack_result import AckResult
from .add_member_request import AddMemberRequest
from .attachment import Attachment
from .attachment_processed_event import AttachmentProcessedEvent
from .attachment_processed_event_type import AttachmentProcessedEventType
from .before_send_hook import BeforeSendHook
from .before_send_hook_deleted import BeforeSendHookDeleted
from .before_send_hook_deleted_response import BeforeSendHookDeletedResponse
from .before_send_hook_response import BeforeSendHookResponse
from .before_send_on_error import BeforeSendOnError
from .blocklist import Blocklist
from .blocklist_action import BlocklistAction
from .blocklist_match import BlocklistMatch
from .blocklist_response import BlocklistResponse
from .create_report_request import CreateReportRequest
from .create_room_request import CreateRoomRequest
from .create_tenant_request import CreateTenantRequest
from .create_token_request import CreateTokenRequest
from .create_upload_request import CreateUploadRequest
from .create_webhook_request import CreateWebhookRequest
from .day_count import DayCount
from .dead_letters import DeadLetters
from .dead_letters_response import DeadLettersResponse
from .delete_user_messages import DeleteUserMessages
from .error import Error
from .error_code import ErrorCode
from .error_details import ErrorDetails
from .error_response import ErrorResponse
from .error_response_data_type_0 import ErrorResponseDataType0
from .export_membership import ExportMembership
from .export_membership_role import ExportMembershipRole
from .export_membership_room_type import ExportMembershipRoomType
from .export_notification import ExportNotification
from .export_reaction import ExportReaction
from .failed_message import FailedMessage
from .failed_notification import FailedNotification
from .get_async_api_spec_response_200 import GetAsyncApiSpecResponse200
from .get_open_api_spec_response_200 import GetOpenApiSpecResponse200
from .health import Health
from .health_response import HealthResponse
from .health_status import HealthStatus
from .member import Member
from .member_joined_event import MemberJoinedEvent
from .member_joined_event_type import MemberJoinedEventType
from .member_left_event import MemberLeftEvent
from .member_left_event_type import MemberLeftEventType
from .member_list_response import MemberListResponse
from .member_response import MemberResponse
from .member_settings import MemberSettings
from .member_settings_request import MemberSettingsRequest
from .member_settings_response import MemberSettingsResponse
from .message import Message
from .message_event import MessageEvent
from .message_event_type import MessageEventType
from .message_list_response import MessageListResponse
from .message_meta import MessageMeta
from .message_meta_type_0 import MessageMetaType0
from .message_response import MessageResponse
from .metadata import Metadata
from .month_count import MonthCount
from .notification import Notification
from .notification_ack import NotificationAck
from .notification_ack_response import NotificationAckResponse
from .notification_list_response import NotificationListResponse
from .notification_payload import NotificationPayload
from .notify_request import NotifyRequest
from .notify_response import NotifyResponse
from .notify_result import NotifyResult
from .notify_targets import NotifyTargets
from .null_error_type_0 import NullErrorType0
from .pin import Pin
from .pin_event import PinEvent
from .pin_event_type import PinEventType
from .pin_list_response import PinListResponse
from .pin_result import PinResult
from .pin_result_response import PinResultResponse
from .presence import Presence
from .presence_list_response import PresenceListResponse
from .presence_status import PresenceStatus
from .quote import Quote
from .reaction import Reaction
from .reaction_counts import ReactionCounts
from .reaction_event import ReactionEvent
from .reaction_event_type import ReactionEventType
from .reaction_list_response import ReactionListResponse
from .reaction_result import ReactionResult
from .reaction_result_response import ReactionResultResponse
from .reactions import Reactions
from .removed_member import RemovedMember
from .removed_member_response import RemovedMemberResponse
from .replay_webhook_request import ReplayWebhookRequest
from .report import Report
from .report_page import ReportPage
from .report_page_response import ReportPageResponse
from .report_response import ReportResponse
from .report_status import ReportStatus
from .role import Role
from .room import Room
from .room_event_base import RoomEventBase
from .room_event_list_response import RoomEventListResponse
from .room_list_response import RoomListResponse
from .room_response import RoomResponse
from .room_summary import RoomSummary
from .room_type import RoomType
from .room_updated_event import RoomUpdatedEvent
from .room_updated_event_type import RoomUpdatedEventType
from .search_hit import SearchHit
from .search_page import SearchPage
from .search_page_response import SearchPageResponse
from .send_message_request import SendMessageRequest
from .set_before_send_hook_request import SetBeforeSendHookRequest
from .set_blocklist_request import SetBlocklistRequest
from .subscription import Subscription
from .subscription_list_response import SubscriptionListResponse
from .subscription_request import SubscriptionRequest
from .subscription_response import SubscriptionResponse
from .sync_page import SyncPage
from .sync_page_response import SyncPageResponse
from .tenant import Tenant
from .tenant_deletion import TenantDeletion
from .tenant_deletion_response import TenantDeletionResponse
from .tenant_deletion_status import TenantDeletionStatus
from .tenant_list_response import TenantListResponse
from .tenant_response import TenantResponse
from .tenant_usage import TenantUsage
from .tenant_usage_response import TenantUsageResponse
from .tenant_with_key import TenantWithKey
from .tenant_with_key_response import TenantWithKeyResponse
from .thread import Thread
from .thread_updated_event import ThreadUpdatedEvent
from .thread_updated_event_type import ThreadUpdatedEventType
from .token import Token
from .token_response import TokenResponse
from .unread_response import UnreadResponse
from .unread_totals import UnreadTotals
from .unsubscribed import Unsubscribed
from .unsubscribed_response import UnsubscribedResponse
from .update_message_request import UpdateMessageRequest
from .update_report_request import UpdateReportRequest
from .update_report_request_status import UpdateReportRequestStatus
from .update_room_request import UpdateRoomRequest
from .update_webhook_request import UpdateWebhookRequest
from .upload import Upload
from .upload_limits import UploadLimits
from .upload_limits_request import UploadLimitsRequest
from .upload_response import UploadResponse
from .upload_status import UploadStatus
from .upload_ticket import UploadTicket
from .upload_ticket_response import UploadTicketResponse
from .user_deletion import UserDeletion
from .user_deletion_messages import UserDeletionMessages
from .user_deletion_response import UserDeletionResponse
from .user_deletion_status import UserDeletionStatus
from .user_export import UserExport
from .user_export_response import UserExportResponse
from .user_page import UserPage
from .user_page_response import UserPageResponse
from .user_profile import UserProfile
from .user_profile_custom import UserProfileCustom
from .user_profile_request import UserProfileRequest
from .user_profile_request_custom import UserProfileRequestCustom
from .user_response import UserResponse
from .webhook import Webhook
from .webhook_attempt import WebhookAttempt
from .webhook_deleted import WebhookDeleted
from .webhook_deleted_response import WebhookDeletedResponse
from .webhook_delivery import WebhookDelivery
from .webhook_delivery_page import WebhookDeliveryPage
from .webhook_delivery_page_response import WebhookDeliveryPageResponse
from .webhook_delivery_response import WebhookDeliveryResponse
from .webhook_delivery_status import WebhookDeliveryStatus
from .webhook_event_type import WebhookEventType
from .webhook_list import WebhookList
from .webhook_list_response import WebhookListResponse
from .webhook_replay import WebhookReplay
from .webhook_replay_response import WebhookReplayResponse
from .webhook_response import WebhookResponse
from .webhook_with_secret import WebhookWithSecret
from .webhook_with_secret_response import WebhookWithSecretResponse

__all__ = (
    "AckRequest",
    "AckResponse",
    "AckResult",
    "AddMemberRequest",
    "Attachment",
    "AttachmentProcessedEvent",
    "AttachmentProcessedEventType",
    "BeforeSendHook",
    "BeforeSendHookDeleted",
    "BeforeSendHookDeletedResponse",
    "BeforeSendHookResponse",
    "BeforeSendOnError",
    "Blocklist",
    "BlocklistAction",
    "BlocklistMatch",
    "BlocklistResponse",
    "CreateReportRequest",
    "CreateRoomRequest",
    "CreateTenantRequest",
    "CreateTokenRequest",
    "CreateUploadRequest",
    "CreateWebhookRequest",
    "DayCount",
    "DeadLetters",
    "DeadLettersResponse",
    "DeleteUserMessages",
    "Error",
    "ErrorCode",
    "ErrorDetails",
    "ErrorResponse",
    "ErrorResponseDataType0",
    "ExportMembership",
    "ExportMembershipRole",
    "ExportMembershipRoomType",
    "ExportNotification",
    "ExportReaction",
    "FailedMessage",
    "FailedNotification",
    "GetAsyncApiSpecResponse200",
    "GetOpenApiSpecResponse200",
    "Health",
    "HealthResponse",
    "HealthStatus",
    "Member",
    "MemberJoinedEvent",
    "MemberJoinedEventType",
    "MemberLeftEvent",
    "MemberLeftEventType",
    "MemberListResponse",
    "MemberResponse",
    "MemberSettings",
    "MemberSettingsRequest",
    "MemberSettingsResponse",
    "Message",
    "MessageEvent",
    "MessageEventType",
    "MessageListResponse",
    "MessageMeta",
    "MessageMetaType0",
    "MessageResponse",
    "Metadata",
    "MonthCount",
    "Notification",
    "NotificationAck",
    "NotificationAckResponse",
    "NotificationListResponse",
    "NotificationPayload",
    "NotifyRequest",
    "NotifyResponse",
    "NotifyResult",
    "NotifyTargets",
    "NullErrorType0",
    "Pin",
    "PinEvent",
    "PinEventType",
    "PinListResponse",
    "PinResult",
    "PinResultResponse",
    "Presence",
    "PresenceListResponse",
    "PresenceStatus",
    "Quote",
    "Reaction",
    "ReactionCounts",
    "ReactionEvent",
    "ReactionEventType",
    "ReactionListResponse",
    "ReactionResult",
    "ReactionResultResponse",
    "Reactions",
    "RemovedMember",
    "RemovedMemberResponse",
    "ReplayWebhookRequest",
    "Report",
    "ReportPage",
    "ReportPageResponse",
    "ReportResponse",
    "ReportStatus",
    "Role",
    "Room",
    "RoomEventBase",
    "RoomEventListResponse",
    "RoomListResponse",
    "RoomResponse",
    "RoomSummary",
    "RoomType",
    "RoomUpdatedEvent",
    "RoomUpdatedEventType",
    "SearchHit",
    "SearchPage",
    "SearchPageResponse",
    "SendMessageRequest",
    "SetBeforeSendHookRequest",
    "SetBlocklistRequest",
    "Subscription",
    "SubscriptionListResponse",
    "SubscriptionRequest",
    "SubscriptionResponse",
    "SyncPage",
    "SyncPageResponse",
    "Tenant",
    "TenantDeletion",
    "TenantDeletionResponse",
    "TenantDeletionStatus",
    "TenantListResponse",
    "TenantResponse",
    "TenantUsage",
    "TenantUsageResponse",
    "TenantWithKey",
    "TenantWithKeyResponse",
    "Thread",
    "ThreadUpdatedEvent",
    "ThreadUpdatedEventType",
    "Token",
    "TokenResponse",
    "UnreadResponse",
    "UnreadTotals",
    "Unsubscribed",
    "UnsubscribedResponse",
    "UpdateMessageRequest",
    "UpdateReportRequest",
    "UpdateReportRequestStatus",
    "UpdateRoomRequest",
    "UpdateWebhookRequest",
    "Upload",
    "UploadLimits",
    "UploadLimitsRequest",
    "UploadResponse",
    "UploadStatus",
    "UploadTicket",
    "UploadTicketResponse",
    "UserDeletion",
    "UserDeletionMessages",
    "UserDeletionResponse",
    "UserDeletionStatus",
    "UserExport",
    "UserExportResponse",
    "UserPage",
    "UserPageResponse",
    "UserProfile",
    "UserProfileCustom",
    "UserProfileRequest",
    "UserProfileRequestCustom",
    "UserResponse",
    "Webhook",
    "WebhookAttempt",
    "WebhookDeleted",
    "WebhookDeletedResponse",
    "WebhookDelivery",
    "WebhookDeliveryPage",
    "WebhookDeliveryPageResponse",
    "WebhookDeliveryResponse",
    "WebhookDeliveryStatus",
    "WebhookEventType",
    "WebhookList",
    "WebhookListResponse",
    "WebhookReplay",
    "WebhookReplayResponse",
    "WebhookResponse",
    "WebhookWithSecret",
    "WebhookWithSecretResponse",
)
