import createClient, { type Client, type ClientOptions } from "openapi-fetch";
import { Backoff, type BackoffOptions } from "./backoff.js";
import { IDEMPOTENT_OPERATIONS } from "./generated/idempotent.js";
import type { paths } from "./generated/openapi.js";

/** The REST client: openapi-fetch typed by the paths of openapi.yaml. */
export type RestClient = Client<paths>;

/** How a REST client authenticates. */
export type RestAuth =
  /** A server-side app: the tenant key and the acting user. */
  | { apiKey: string; userId: string }
  /**
   * A user token from `POST /tokens` as `Authorization: Bearer`, fetched when
   * needed: what a browser holds. Tenant-level operations refuse it (403).
   */
  | { token: string | (() => string | Promise<string>) }
  /** Admin endpoints: the master key. */
  | { masterKey: string };

export interface RestClientOptions {
  /** The server's origin, e.g. `https://chat.example.com`. */
  baseUrl: string;
  auth?: RestAuth;
  /** More headers sent with every request. */
  headers?: Record<string, string>;
  /** A fetch implementation (default: the global fetch). */
  fetch?: ClientOptions["fetch"];
  /**
   * How often a failed request is tried again (default 2; 0 for never): on a
   * network error or a 502/503/504 when the request is safe to repeat (GET,
   * PUT, DELETE, and the creating POSTs, which carry an `Idempotency-Key`),
   * and on 429 for any request, after its `Retry-After`.
   */
  retries?: number;
  /** The delays between tries (default from 250 ms, at most 5 s). */
  backoff?: BackoffOptions;
}

/** Statuses worth another try: the server or a proxy in front was briefly away. */
const RETRY_STATUSES = new Set([502, 503, 504]);

const idempotentOperations = IDEMPOTENT_OPERATIONS.map((op) => {
  const [method, template] = op.split(" ");
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}/]+\}/g, "[^/]+");
  return { method, path: new RegExp(`^${pattern}$`) };
});

/** A fresh Idempotency-Key: a UUID where the platform has one. */
function newIdempotencyKey(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A fetch that gives every creating POST (the operations of openapi.yaml
 * that take one) an `Idempotency-Key` unless the caller set one, and tries
 * failed requests again under the same key, so that a retry after a lost
 * answer replays the first answer instead of creating twice.
 */
export function retryingFetch(
  base: typeof fetch,
  baseUrl: string,
  retries: number,
  backoff: BackoffOptions = {},
): (input: Request, init?: RequestInit) => Promise<Response> {
  const prefix = new URL(baseUrl, "http://localhost").pathname.replace(/\/+$/, "");
  return async (input, init) => {
    let request = input;
    const path = new URL(request.url).pathname.slice(prefix.length);
    const creating = idempotentOperations.some((op) => op.method === request.method && op.path.test(path));
    if (creating && !request.headers.has("Idempotency-Key")) {
      const headers = new Headers(request.headers);
      headers.set("Idempotency-Key", newIdempotencyKey());
      request = new Request(request, { headers });
    }
    const repeatable = creating || ["GET", "HEAD", "PUT", "DELETE"].includes(request.method);
    const delays = new Backoff({ initialMs: 250, maxMs: 5000, ...backoff });
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= retries;
      let response: Response;
      try {
        response = await base(last ? request : request.clone(), init);
      } catch (err) {
        if (last || !repeatable) throw err;
        await sleep(delays.next());
        continue;
      }
      if (last) return response;
      if (response.status === 429) {
        const after = Number(response.headers.get("Retry-After"));
        await response.body?.cancel();
        await sleep(Math.max(Number.isFinite(after) ? after * 1000 : 0, delays.next()));
        continue;
      }
      if (repeatable && RETRY_STATUSES.has(response.status)) {
        await response.body?.cancel();
        await sleep(delays.next());
        continue;
      }
      return response;
    }
  };
}

/**
 * A typed REST client. Every call answers `{data, error, response}`, where
 * `data` is the response envelope `{success, data, error}`:
 *
 * ```ts
 * const rest = createRestClient({ baseUrl, auth: { apiKey, userId: "alice" } });
 * const { data } = await rest.POST("/rooms", { body: { type: "group", members: ["bob"] } });
 * ```
 *
 * Creating POSTs carry an `Idempotency-Key` (a fresh one per call unless
 * given in `params.header`), and failed requests are tried again under it
 * (`retries`).
 */
export function createRestClient(opts: RestClientOptions): RestClient {
  const headers: Record<string, string> = { ...opts.headers };
  const auth = opts.auth;
  if (auth && "apiKey" in auth) {
    headers["X-API-Key"] = auth.apiKey;
    headers["X-User-Id"] = auth.userId;
  } else if (auth && "masterKey" in auth) {
    headers["X-Master-Key"] = auth.masterKey;
  }
  const baseUrl = opts.baseUrl.replace(/\/+$/, "");
  const fetchImpl = opts.fetch ?? ((input: Request, init?: RequestInit) => globalThis.fetch(input, init));
  const client = createClient<paths>({
    baseUrl,
    headers,
    fetch: retryingFetch(fetchImpl as typeof fetch, baseUrl, opts.retries ?? 2, opts.backoff),
  });
  if (auth && "token" in auth) {
    const token = auth.token;
    client.use({
      async onRequest({ request }) {
        request.headers.set("Authorization", `Bearer ${typeof token === "string" ? token : await token()}`);
        return request;
      },
    });
  }
  return client;
}
