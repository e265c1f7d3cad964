package server

// idempotentReplayedHeader marks an answer replayed for an Idempotency-Key.
const idempotentReplayedHeader = "Idempotent-Replayed"
