import type { components } from "./generated/openapi.js";
import { ChatApiError } from "./realtime.js";
import type { RestClient } from "./rest.js";

/** An upload as its uploader sees it (`GET /uploads/{upload_id}`). */
export type Upload = components["schemas"]["Upload"];

/** The bytes of a file: a browser's `File` or `Blob`, or bytes in memory. */
export type FileData = Blob | ArrayBuffer | Uint8Array;

export interface UploadFileOptions {
  /** The room whose messages may carry the file. */
  roomId: string;
  /** The file's name as readers see it (default: the `File`'s own name). */
  filename?: string;
  /** Its MIME type (default: the `Blob`'s own type). */
  contentType?: string;
  /** A fetch for the `PUT` of the bytes (default: the global fetch). */
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

/** The refusal in an answer's error envelope, as a {@link ChatApiError}. */
function refusal(step: string, error: unknown, status: number): ChatApiError {
  const e = (error as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
  return new ChatApiError(e?.code ?? "HTTP_ERROR", `${step}: ${e?.message ?? `status ${status}`}`, e?.field);
}

async function bytesOf(data: FileData): Promise<Uint8Array> {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(await data.arrayBuffer());
}

function hex(digest: ArrayBuffer): string {
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Uploads a file for a room's messages in the three steps of `POST /uploads`:
 * declares it (name, type, size, SHA-256), `PUT`s the bytes to the signed
 * `upload_url` (no headers: the URL is the permission) and completes it.
 * Resolves to the ready upload, whose `upload_id` goes into a message's
 * `attachments` and whose `url` downloads it; rejects with a
 * {@link ChatApiError} carrying the server's code and field.
 *
 * ```ts
 * const up = await uploadFile(rest, input.files[0], { roomId });
 * await rest.POST("/rooms/{room_id}/messages", {
 *   params: { path: { room_id: roomId } },
 *   body: { content: up.filename, attachments: [up.upload_id] },
 * });
 * ```
 *
 * The declaring POST carries an `Idempotency-Key` and is retried under it
 * like every creating POST of the REST client.
 */
export async function uploadFile(rest: RestClient, data: FileData, opts: UploadFileOptions): Promise<Upload> {
  const bytes = await bytesOf(data);
  const named = data as { name?: unknown; type?: unknown };
  const filename = opts.filename ?? (typeof named.name === "string" && named.name !== "" ? named.name : undefined);
  const contentType = opts.contentType ?? (typeof named.type === "string" && named.type !== "" ? named.type : undefined);
  if (!filename) throw new ChatApiError("VALIDATION_ERROR", "uploadFile: a filename is needed", "filename");
  if (!contentType) throw new ChatApiError("VALIDATION_ERROR", "uploadFile: a content type is needed", "content_type");
  const sha256 = hex(await globalThis.crypto.subtle.digest("SHA-256", bytes));

  const created = await rest.POST("/uploads", {
    body: { room_id: opts.roomId, filename, content_type: contentType, size: bytes.byteLength, sha256 },
    signal: opts.signal,
  });
  if (!created.data) throw refusal("create the upload", created.error, created.response.status);
  const ticket = created.data.data;

  const put = await (opts.fetch ?? globalThis.fetch)(ticket.upload_url, { method: "PUT", body: bytes, signal: opts.signal });
  if (!put.ok) {
    let body: unknown;
    try {
      body = await put.json();
    } catch {
      // S3-compatible storage answers XML; the status says enough.
    }
    throw refusal("put the bytes", body, put.status);
  }

  const done = await rest.POST("/uploads/{upload_id}/complete", {
    params: { path: { upload_id: ticket.upload_id } },
    signal: opts.signal,
  });
  if (!done.data) throw refusal("complete the upload", done.error, done.response.status);
  return done.data.data;
}
