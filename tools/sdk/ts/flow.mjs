// End-to-end check of the TypeScript SDK (openapi-fetch on the types that
// generate.sh writes from openapi.yaml, plus ws for GET /ws) against a live
// ChatAPI server.
//
//   BASE_URL=http://127.0.0.1:8080 MASTER_KEY=mk_... node flow.mjs
//
// Prints "ts-sdk: ok" and exits 0 on success; prints the reason and exits 1
// otherwise. Every request and every wait is bounded by 10 seconds.
//
// Type checking: the JSDoc below types the clients with the generated
// `paths`; see typecheck.sh.

import createClient from "openapi-fetch";
import WebSocket from "ws";

/** @typedef {import("chatapi-schema").paths} paths */

const TIMEOUT_MS = 10_000;
const BASE_URL = (process.env.BASE_URL || "").replace(/\/+$/, "");
const MASTER_KEY = process.env.MASTER_KEY || "";

class FlowError extends Error {}

function fail(msg) {
  throw new FlowError(msg);
}

function assert(cond, msg) {
  if (!cond) fail(msg);
}

/** fetch with a per-request time limit. */
function boundedFetch(/** @type {Request} */ req) {
  return fetch(req, { signal: AbortSignal.timeout(TIMEOUT_MS) });
}

/**
 * A client with fixed auth headers.
 * @param {Record<string, string>} headers
 * @returns {import("openapi-fetch").Client<paths>}
 */
function client(headers) {
  return createClient({ baseUrl: BASE_URL, headers, fetch: boundedFetch });
}

/**
 * Unwraps an openapi-fetch result: checks the HTTP status and the envelope
 * and returns `data.data`.
 * @template T
 * @param {string} what
 * @param {number} status the expected HTTP status
 * @param {Promise<{data?: {success: boolean, data: T, error: unknown}, error?: unknown, response: Response}>} p
 * @returns {Promise<T>}
 */
async function ok(what, status, p) {
  let res;
  try {
    res = await p;
  } catch (e) {
    fail(`${what}: request failed: ${e?.message ?? e}`);
  }
  const { data, error, response } = res;
  if (response.status !== status || !data) {
    fail(`${what}: HTTP ${response.status} (want ${status}): ${JSON.stringify(error ?? data)}`);
  }
  if (data.success !== true || data.error !== null) {
    fail(`${what}: envelope not successful: ${JSON.stringify(data)}`);
  }
  return data.data;
}

/** Resolves with the first WebSocket event matching `pred`, failing on `error` events, bounded. */
function nextEvent(ws, what, pred) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new FlowError(`ws: no ${what} within ${TIMEOUT_MS / 1000} s`));
    }, TIMEOUT_MS);
    const onMessage = (raw) => {
      let ev;
      try {
        ev = JSON.parse(raw.toString());
      } catch {
        cleanup();
        reject(new FlowError(`ws: not JSON: ${raw}`));
        return;
      }
      if (ev.type === "error") {
        cleanup();
        reject(new FlowError(`ws: error event while waiting for ${what}: ${JSON.stringify(ev)}`));
        return;
      }
      if (pred(ev)) {
        cleanup();
        resolve(ev);
      }
    };
    const onClose = (code, reason) => {
      cleanup();
      reject(new FlowError(`ws: closed (${code} ${reason}) while waiting for ${what}`));
    };
    const onError = (err) => {
      cleanup();
      reject(new FlowError(`ws: ${err.message} while waiting for ${what}`));
    };
    function cleanup() {
      clearTimeout(timer);
      ws.off("message", onMessage);
      ws.off("close", onClose);
      ws.off("error", onError);
    }
    ws.on("message", onMessage);
    ws.on("close", onClose);
    ws.on("error", onError);
  });
}

async function main() {
  assert(BASE_URL, "BASE_URL is not set");
  assert(MASTER_KEY, "MASTER_KEY is not set");

  // Tenant, with the master key.
  const admin = client({ "X-Master-Key": MASTER_KEY });
  const tenant = await ok(
    "POST /admin/tenants",
    201,
    admin.POST("/admin/tenants", { body: { name: `ts-sdk-${Date.now()}` } }),
  );
  assert(tenant.api_key, "POST /admin/tenants: no api_key");

  const alice = client({ "X-API-Key": tenant.api_key, "X-User-Id": "alice" });
  const bob = client({ "X-API-Key": tenant.api_key, "X-User-Id": "bob" });

  // A group room of alice and bob.
  const room = await ok(
    "POST /rooms",
    201,
    alice.POST("/rooms", { body: { type: "group", name: "SDK check", members: ["bob"] } }),
  );
  assert(room.type === "group", `POST /rooms: type ${room.type}`);
  assert(room.member_count === 2, `POST /rooms: member_count ${room.member_count}, want 2`);
  const roomPath = { params: { path: { room_id: room.room_id } } };

  // Three messages, then list them.
  for (let i = 1; i <= 3; i++) {
    const m = await ok(
      `POST /rooms/{room_id}/messages #${i}`,
      201,
      alice.POST("/rooms/{room_id}/messages", { ...roomPath, body: { content: `hello ${i}` } }),
    );
    assert(m.seq === i, `message ${i}: seq ${m.seq}`);
  }
  const msgs = await ok(
    "GET /rooms/{room_id}/messages",
    200,
    alice.GET("/rooms/{room_id}/messages", { params: { path: { room_id: room.room_id }, query: { limit: 50 } } }),
  );
  assert(msgs.length === 3, `GET messages: ${msgs.length} messages, want 3`);
  assert(
    msgs.map((m) => m.seq).join(",") === "1,2,3",
    `GET messages: seqs ${msgs.map((m) => m.seq).join(",")}, want 1,2,3`,
  );

  // Bob acks seq 3; his unread count is then 0.
  const ack = await ok("POST /acks", 200, bob.POST("/acks", { body: { room_id: room.room_id, seq: 3 } }));
  assert(ack.last_ack === 3, `POST /acks: last_ack ${ack.last_ack}`);
  const rooms = await ok("GET /rooms", 200, bob.GET("/rooms"));
  const mine = rooms.find((r) => r.room_id === room.room_id);
  assert(mine, "GET /rooms as bob: room missing");
  assert(mine.unread_count === 0, `GET /rooms as bob: unread_count ${mine.unread_count}, want 0`);

  // Profiles: alice sets hers, bob finds her in the directory.
  await ok(
    "PUT /users/{user_id}",
    200,
    alice.PUT("/users/{user_id}", { params: { path: { user_id: "alice" } }, body: { display_name: "Alice Liddell", custom: { title: "Engineer" } } }),
  );
  const dir = await ok("GET /users?q", 200, bob.GET("/users", { params: { query: { q: "alice l" } } }));
  assert(
    dir.users.length === 1 && dir.users[0].user_id === "alice" && dir.users[0].custom.title === "Engineer" && dir.has_more === false,
    `GET /users?q: ${JSON.stringify(dir)}`,
  );

  // Bob archives the room: it leaves his list and shows with archived=true.
  await ok(
    "PATCH /rooms/{room_id}/members/{user_id}",
    200,
    bob.PATCH("/rooms/{room_id}/members/{user_id}", { params: { path: { room_id: room.room_id, user_id: "me" } }, body: { archived: true } }),
  );
  const archived = await ok("GET /rooms?archived=true", 200, bob.GET("/rooms", { params: { query: { archived: true } } }));
  assert(archived.length === 1 && archived[0].archived === true, `GET /rooms?archived=true: ${JSON.stringify(archived)}`);
  await ok(
    "PATCH /rooms/{room_id}/members/{user_id} (restore)",
    200,
    bob.PATCH("/rooms/{room_id}/members/{user_id}", { params: { path: { room_id: room.room_id, user_id: "me" } }, body: { archived: false } }),
  );

  // A notification to bob.
  const ntf = await ok(
    "POST /notify",
    202,
    alice.POST("/notify", { body: { topic: "sdk.check", payload: { hello: "bob" }, targets: { user_ids: ["bob"] } } }),
  );
  assert(ntf.recipients === 1, `POST /notify: recipients ${ntf.recipients}, want 1`);

  // WebSocket: bob with a token.
  const tok = await ok("POST /tokens", 201, bob.POST("/tokens", { body: { ttl_seconds: 300 } }));
  const wsURL = new URL("/ws", BASE_URL.replace(/^http/, "ws"));
  wsURL.searchParams.set("token", tok.token);
  const ws = new WebSocket(wsURL, { handshakeTimeout: TIMEOUT_MS });
  try {
    // Listen from the start so no event is missed between open and sync.complete.
    const synced = nextEvent(ws, "sync.complete", (ev) => ev.type === "sync.complete");
    await synced;

    const received = nextEvent(ws, "message event", (ev) => ev.type === "message" && ev.room_id === room.room_id);
    const sent = await ok(
      "POST /rooms/{room_id}/messages (live)",
      201,
      alice.POST("/rooms/{room_id}/messages", { ...roomPath, body: { content: "live" } }),
    );
    const ev = await received;
    assert(ev.seq === sent.seq && ev.seq === 4, `ws message: seq ${ev.seq}, want 4`);
    assert(ev.message_id === sent.message_id, "ws message: message_id differs from the REST answer");
    assert(ev.content === "live" && ev.sender_id === "alice", `ws message: ${JSON.stringify(ev)}`);

    const acked = nextEvent(
      ws,
      "ack.received for bob",
      (e) => e.type === "ack.received" && e.room_id === room.room_id && e.user_id === "bob" && e.seq === ev.seq,
    );
    ws.send(JSON.stringify({ type: "ack", room_id: ev.room_id, seq: ev.seq }));
    await acked;
  } finally {
    ws.terminate();
  }

  // The WebSocket ack moved bob's cursor.
  const after = await ok("GET /rooms (after ws ack)", 200, bob.GET("/rooms"));
  const r2 = after.find((r) => r.room_id === room.room_id);
  assert(r2 && r2.unread_count === 0, `GET /rooms after ws ack: unread_count ${r2?.unread_count}, want 0`);
}

try {
  await main();
  console.log("ts-sdk: ok");
  process.exit(0);
} catch (e) {
  console.error(`ts-sdk: FAIL: ${e instanceof FlowError ? e.message : e?.stack ?? e}`);
  process.exit(1);
}
