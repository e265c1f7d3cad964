// ChatAPI's TypeScript/JavaScript SDK: the REST client generated from
// openapi.yaml, the event types generated from asyncapi.yaml, and the
// realtime client.
export { createRestClient, retryingFetch, type RestClient, type RestClientOptions, type RestAuth } from "./rest.js";
export {
  RealtimeClient,
  ChatApiError,
  type RealtimeOptions,
  type RealtimeAuth,
  type TokenProvider,
  type TokenResult,
  type ConnectionStatus,
  type SendOptions,
  type WebSocketLike,
  type WebSocketConstructor,
  type HandledEvent,
} from "./realtime.js";
export { uploadFile, type Upload, type FileData, type UploadFileOptions } from "./uploads.js";
export { Backoff, shutdownDelay, type BackoffOptions } from "./backoff.js";
export { MemoryCursorStore, WebStorageCursorStore, type CursorStore, type ResumeState, type KeyValueStorage } from "./cursor-store.js";
export { observe, emptyPositions, type RoomPositions } from "./positions.js";
export type * from "./generated/events.js";
export type { paths, components, operations } from "./generated/openapi.js";
/** The version of the contracts this SDK was generated from. */
export { VERSION } from "./generated/version.js";
