-- 0006_last_delivered: the delivered cursor of a member, beside the read
-- cursor last_ack. A client confirms what it received (WebSocket
-- `delivered`) apart from what its user read (`ack`); live redelivery and
-- delivery receipts key on this one. Reading implies receipt: the
-- effective delivered cursor is max(last_delivered, last_ack), so rows
-- from before this migration start at 0 and lose nothing. Kept
-- semantically identical in both dialects.

ALTER TABLE room_members ADD COLUMN last_delivered BIGINT NOT NULL DEFAULT 0;
