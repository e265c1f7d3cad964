import createClient, { type Client, type ClientOptions } from "openapi-fetch";
import type { paths } from "./generated/openapi.js";

/** The REST client: openapi-fetch typed by the paths of openapi.yaml. */
export type RestClient = Client<paths>;

/** How a REST client authenticates. */
export type RestAuth =
  /** A server-side app: the tenant key and the acting user. */
  | { apiKey: string; userId: string }
  /** A user token from `POST /tokens` as `Authorization: Bearer`, fetched when needed. */
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
}

/**
 * A typed REST client. Every call answers `{data, error, response}`, where
 * `data` is the response envelope `{success, data, error}`:
 *
 * ```ts
 * const rest = createRestClient({ baseUrl, auth: { apiKey, userId: "alice" } });
 * const { data } = await rest.POST("/rooms", { body: { type: "group", members: ["bob"] } });
 * ```
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
  const client = createClient<paths>({ baseUrl: opts.baseUrl.replace(/\/+$/, ""), headers, fetch: opts.fetch });
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
