// Unit tests of the realtime client's rules, over a fake WebSocket: backoff,
// duplicates, close codes, server.shutdown, sends retried under their
// client_msg_id, the offline queue's bound, batched delivered.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Backoff, RealtimeClient, createRestClient, emptyPositions, observe, shutdownDelay } from "../dist/index.js";

test("backoff grows exponentially with jitter, is capped and resets", () => {
  let r = 0;
  const b = new Backoff({ initialMs: 100, maxMs: 1000, random: () => r });
  const low = [0, 1, 2, 3, 4, 5].map(() => b.next());
  assert.deepEqual(low, [50, 100, 200, 400, 500, 500]);
  b.reset();
  r = 0.999999;
  const high = [0, 1, 2, 3, 4, 5].map(() => Math.round(b.next()));
  assert.deepEqual(high, [100, 200, 400, 800, 1000, 1000]);
  const random = new Backoff({ initialMs: 100, maxMs: 1000 });
  for (let i = 0; i < 200; i++) {
    const d = random.next();
    const bound = Math.min(1000, 100 * 2 ** i);
    assert.ok(d >= bound / 2 && d <= bound, `attempt ${i}: ${d} outside [${bound / 2}, ${bound}]`);
  }
});

test("the delay after server.shutdown is never below reconnect_after_ms", () => {
  assert.equal(shutdownDelay(2000, () => 0), 2000);
  assert.equal(shutdownDelay(2000, () => 0.999999) <= 3000, true);
  assert.equal(shutdownDelay(0, () => 0.5), 125);
  for (let i = 0; i < 100; i++) assert.ok(shutdownDelay(1500) >= 1500);
});

test("positions drop repeated and older room events, and keep the rest", () => {
  const p = emptyPositions();
  const m = (seq, event_seq) => ({ type: "message", room_id: "r", seq, event_seq });
  assert.equal(observe(p, m(1, 1)), true);
  assert.equal(observe(p, m(1, 1)), false, "the same message again");
  assert.equal(observe(p, { type: "message.updated", room_id: "r", seq: 1, event_seq: 2 }), true, "an edit of an old message is new");
  assert.equal(observe(p, { type: "member.joined", room_id: "r", user_id: "x", event_seq: 2 }), false);
  assert.equal(observe(p, m(2, 3)), true);
  assert.equal(observe(p, m(2)), false, "a message without event_seq is placed by seq");
  assert.equal(observe(p, m(3)), true);
  assert.equal(observe(p, m(3, 4)), false);
  assert.equal(observe(p, m(1, 1)), false);
  assert.equal(observe(p, { ...m(1, 1), room_id: "other" }), true, "rooms are apart");
  assert.equal(observe(p, { type: "typing", room_id: "r", user_id: "x", action: "start" }), true, "ephemeral events are never dropped");
  assert.equal(observe(p, { type: "typing", room_id: "r", user_id: "x", action: "start" }), true);
});

// ---- a fake server behind a fake WebSocket ----

class FakeSocket {
  static all = [];
  static refuse = 0; // how many next connects fail before open
  static refuseStatus = undefined;
  constructor(url) {
    this.url = new URL(url);
    this.readyState = 0;
    this.sent = [];
    this.onopen = this.onmessage = this.onclose = this.onerror = null;
    FakeSocket.all.push(this);
    setTimeout(() => {
      if (FakeSocket.refuse > 0) {
        FakeSocket.refuse--;
        this.readyState = 3;
        const status = FakeSocket.refuseStatus;
        this.onerror?.(status ? { message: `Unexpected server response: ${status}` } : {});
        this.onclose?.({ code: 1006, reason: "" });
        return;
      }
      this.readyState = 1;
      this.onopen?.({});
    }, 1);
  }
  send(data) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000, reason = "") {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  /** The server's side. */
  push(ev) {
    this.onmessage?.({ data: JSON.stringify(ev) });
  }
  serverClose(code, reason = "") {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  sentOf(type) {
    return this.sent.filter((e) => e.type === type);
  }
}

function fakeClient(opts = {}) {
  FakeSocket.all = [];
  FakeSocket.refuse = 0;
  FakeSocket.refuseStatus = undefined;
  const statuses = [];
  const tokens = [];
  let n = 0;
  const rt = new RealtimeClient({
    baseUrl: "http://chat.test",
    auth: {
      token: ({ refresh }) => {
        tokens.push(refresh);
        return `tok${++n}`;
      },
    },
    WebSocket: FakeSocket,
    backoff: { initialMs: 20, maxMs: 40 },
    deliveredIntervalMs: 10,
    heartbeatMs: 0,
    ...opts,
  });
  rt.onStatus((s) => statuses.push({ ...s, at: Date.now() }));
  return { rt, statuses, tokens };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, cond, ms = 3000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

const latest = () => FakeSocket.all.at(-1);

async function connected(rt, cursor = "c1") {
  const done = rt.connect();
  await until("open", () => latest()?.readyState === 1);
  latest().push({ type: "sync.complete", rooms: [], cursor });
  await done;
  return latest();
}

test("a presence.batch arrives as its presence.update events, in order", async () => {
  const { rt } = fakeClient();
  const ws = await connected(rt);
  const got = [];
  rt.on("presence.update", (p) => got.push(p));
  rt.on("presence.batch", () => got.push("the batch itself")); // never called
  const update = (user_id, status) => ({ type: "presence.update", user_id, status, last_seen: "2026-11-24T20:30:00Z" });
  ws.push({ type: "presence.batch", updates: [update("bob", "online"), update("carol", "online"), update("bob", "offline")] });
  ws.push(update("dan", "online"));
  assert.deepEqual(got.map((p) => `${p.user_id} ${p.status}`), ["bob online", "carol online", "bob offline", "dan online"]);
  assert.ok(got.every((p) => p.type === "presence.update"));
  rt.close();
});

test("a send is retried under the same client_msg_id across reconnects, and resolves once", async () => {
  const { rt } = fakeClient();
  const ws1 = await connected(rt);
  const sent = rt.sendMessage("room_a", "hello");
  await until("the send", () => ws1.sentOf("send_message").length === 1);
  const first = ws1.sentOf("send_message")[0];
  assert.equal(first.room_id, "room_a");
  assert.ok(first.client_msg_id);
  ws1.serverClose(1011);
  await until("the reconnect", () => FakeSocket.all.length === 2 && latest().readyState === 1);
  const ws2 = latest();
  assert.equal(ws2.url.searchParams.get("cursor"), "c1", "resumes from the last sync.complete");
  await until("the resend", () => ws2.sentOf("send_message").length === 1);
  const again = ws2.sentOf("send_message")[0];
  assert.equal(again.client_msg_id, first.client_msg_id);
  ws2.push({ type: "message.sent", request_id: again.request_id, room_id: "room_a", message_id: "msg_1", seq: 1, created_at: "x" });
  const ev = await sent;
  assert.equal(ev.message_id, "msg_1");
  assert.equal(rt.queuedSends, 0);
  rt.close();
});

test("a reply, a quote and mentions go out with the send, and again with its retry", async () => {
  const { rt } = fakeClient();
  const ws1 = await connected(rt);
  void rt.sendMessage("room_a", "@bob yes", { parentId: "msg_p", quotedId: "msg_q", mentions: ["bob"] }).catch(() => {});
  void rt.sendMessage("room_a", "plain").catch(() => {});
  await until("the sends", () => ws1.sentOf("send_message").length === 2);
  const [reply, plain] = ws1.sentOf("send_message");
  assert.equal(reply.parent_id, "msg_p");
  assert.equal(reply.quoted_id, "msg_q");
  assert.deepEqual(reply.mentions, ["bob"]);
  assert.ok(!("parent_id" in plain) && !("quoted_id" in plain) && !("mentions" in plain), "a plain send carries none of them");
  ws1.serverClose(1011);
  await until("the resend", () => FakeSocket.all.length === 2 && latest().readyState === 1 && latest().sentOf("send_message").length === 2);
  const again = latest().sentOf("send_message")[0];
  assert.equal(again.parent_id, "msg_p");
  assert.deepEqual(again.mentions, ["bob"]);
  rt.close();
});

test("sends wait offline in a bounded queue and go out on connect, in order", async () => {
  const { rt } = fakeClient({ maxQueuedSends: 3 });
  const ps = ["a", "b", "c"].map((c) => rt.sendMessage("room_a", c));
  await assert.rejects(rt.sendMessage("room_a", "d"), { code: "QUEUE_FULL" });
  const ws = await connected(rt);
  await until("the sends", () => ws.sentOf("send_message").length === 3);
  assert.deepEqual(ws.sentOf("send_message").map((e) => e.content), ["a", "b", "c"]);
  ws.sentOf("send_message").forEach((e, i) =>
    ws.push({ type: "message.sent", request_id: e.request_id, room_id: "room_a", message_id: `m${i}`, seq: i + 1, created_at: "x" }),
  );
  assert.deepEqual((await Promise.all(ps)).map((e) => e.seq), [1, 2, 3]);
  rt.close();
});

test("a refused send rejects with the server's code; a rate-limited one is retried", async () => {
  const { rt } = fakeClient();
  const ws = await connected(rt);
  const bad = rt.sendMessage("room_x", "hi");
  const limited = rt.sendMessage("room_a", "hi");
  await until("two sends", () => ws.sentOf("send_message").length === 2);
  const [s1, s2] = ws.sentOf("send_message");
  ws.push({ type: "error", code: "NOT_FOUND", message: "no such room", request_id: s1.request_id });
  await assert.rejects(bad, { code: "NOT_FOUND" });
  ws.push({ type: "error", code: "RATE_LIMIT_EXCEEDED", message: "slow down", request_id: s2.request_id });
  await until("the retry", () => ws.sentOf("send_message").length === 3, 5000);
  const s3 = ws.sentOf("send_message")[2];
  assert.equal(s3.client_msg_id, s2.client_msg_id);
  ws.push({ type: "message.sent", request_id: s3.request_id, room_id: "room_a", message_id: "m", seq: 1, created_at: "x" });
  assert.equal((await limited).message_id, "m");
  rt.close();
});

test("repeated room events reach handlers once; delivered is batched per room", async () => {
  const { rt } = fakeClient();
  const got = [];
  const off = rt.on("message", (m) => got.push(`${m.room_id}/${m.seq}`));
  const ws = await connected(rt);
  const msg = (room, seq) => ({ type: "message", room_id: room, seq, event_seq: seq, message_id: `${room}${seq}`, sender_id: "u", content: "x", meta: null, client_msg_id: null, created_at: "x", edited_at: null, deleted_at: null });
  for (const [r, s] of [["a", 1], ["a", 2], ["a", 1], ["b", 1], ["a", 2], ["a", 3], ["b", 1]]) ws.push(msg(r, s));
  assert.deepEqual(got, ["a/1", "a/2", "b/1", "a/3"]);
  await until("delivered", () => ws.sentOf("delivered").length === 2);
  assert.deepEqual(ws.sentOf("delivered").map((e) => `${e.room_id}/${e.seq}`).sort(), ["a/3", "b/1"]);
  off();
  ws.push(msg("a", 4));
  assert.equal(got.length, 4, "no handler after unsubscribe");
  rt.read("a", 4);
  assert.deepEqual(ws.sentOf("ack"), [{ type: "ack", room_id: "a", seq: 4 }]);
  rt.close();
});

test("after server.shutdown the client waits reconnect_after_ms before reconnecting", async () => {
  const { rt, statuses } = fakeClient();
  const ws = await connected(rt);
  const at = Date.now();
  ws.push({ type: "server.shutdown", reconnect_after_ms: 300 });
  ws.serverClose(1001, "going away");
  await until("the reconnect", () => FakeSocket.all.length === 2, 5000);
  const connecting = statuses.filter((s) => s.status === "connecting").at(-1);
  assert.ok(connecting.at - at >= 300, `reconnected after ${connecting.at - at} ms`);
  rt.close();
});

test("reconnect() replaces the connection at once and resumes, but not during a server.shutdown wait", async () => {
  const { rt, statuses } = fakeClient({ backoff: { initialMs: 10_000, maxMs: 10_000 } });
  const ws1 = await connected(rt, "c7");
  rt.reconnect();
  assert.equal(ws1.readyState, 3, "the old connection is closed");
  await until("the new connection", () => FakeSocket.all.length === 2 && latest().readyState === 1);
  assert.equal(latest().url.searchParams.get("cursor"), "c7");
  // A lost connection waits out its backoff (10 s here); reconnect() does not.
  latest().serverClose(1006);
  await until("the wait", () => statuses.at(-1).status === "waiting");
  rt.reconnect();
  await until("the connection after the wait was cut short", () => FakeSocket.all.length === 3, 1000);
  await until("open", () => latest().readyState === 1);
  latest().push({ type: "server.shutdown", reconnect_after_ms: 300 });
  latest().serverClose(1001);
  const at = Date.now();
  rt.reconnect();
  await sleep(50);
  assert.equal(FakeSocket.all.length, 3, "no connect inside reconnect_after_ms");
  await until("the reconnect after the shutdown wait", () => FakeSocket.all.length === 4, 5000);
  assert.ok(Date.now() - at >= 250, "waited for reconnect_after_ms");
  rt.close();
});

test("close 1008 and a refused handshake (401) ask the token provider again", async () => {
  const { rt, tokens } = fakeClient();
  const ws1 = await connected(rt);
  assert.equal(ws1.url.searchParams.get("token"), "tok1");
  ws1.serverClose(1008, "token expired");
  await until("the reconnect", () => FakeSocket.all.length === 2 && latest().readyState === 1);
  assert.equal(latest().url.searchParams.get("token"), "tok2");
  assert.deepEqual(tokens, [false, true]);
  FakeSocket.refuse = 1;
  FakeSocket.refuseStatus = 401;
  latest().serverClose(1011);
  await until("two more connects", () => FakeSocket.all.length === 4 && latest().readyState === 1);
  assert.equal(FakeSocket.all[2].url.searchParams.get("token"), "tok2", "a 1011 keeps the token");
  assert.equal(latest().url.searchParams.get("token"), "tok3", "a 401 refreshes it");
  rt.close();
});

test("a cursor the server refuses (400) is dropped for a plain connect", async () => {
  const { rt } = fakeClient();
  const ws1 = await connected(rt, "bad");
  FakeSocket.refuse = 1;
  FakeSocket.refuseStatus = 400;
  ws1.serverClose(1011);
  await until("a connect without cursor", () => FakeSocket.all.length === 3 && latest().readyState === 1);
  assert.equal(FakeSocket.all[1].url.searchParams.get("cursor"), "bad");
  assert.equal(latest().url.searchParams.get("cursor"), null);
  rt.close();
});

test("typing starts are throttled and a stop follows only a start", async () => {
  const { rt } = fakeClient();
  const ws = await connected(rt);
  rt.typing("a", false);
  for (let i = 0; i < 10; i++) rt.typing("a", true);
  rt.typing("a", false);
  rt.typing("a", false);
  await until("the frames", () => ws.sent.length >= 2);
  assert.deepEqual(ws.sent.filter((e) => e.type.startsWith("typing")), [
    { type: "typing.start", room_id: "a" },
    { type: "typing.stop", room_id: "a" },
  ]);
  rt.close();
});

test("close stops reconnecting and rejects what waits", async () => {
  const { rt, statuses } = fakeClient();
  await connected(rt);
  const p = rt.sendMessage("room_a", "never");
  rt.close();
  await assert.rejects(p, { code: "CLIENT_CLOSED" });
  await sleep(100);
  assert.equal(FakeSocket.all.length, 1);
  assert.equal(statuses.at(-1).status, "closed");
  const { rt: never } = fakeClient();
  FakeSocket.refuse = 100;
  const connecting = never.connect();
  never.close();
  await assert.rejects(connecting, { code: "CLIENT_CLOSED" });
});

// ---- the REST client's retries, over a fake fetch ----

/** A fetch that answers from `statuses` in turn and records each request. */
function fakeFetch(statuses) {
  const seen = [];
  const fn = async (request) => {
    seen.push({ method: request.method, path: new URL(request.url).pathname, headers: request.headers, body: await request.text() });
    const status = statuses.shift() ?? 200;
    if (status === "network") throw new TypeError("fetch failed");
    return new Response(JSON.stringify({ success: status < 400, data: { n: seen.length }, error: null }), {
      status,
      headers: { "Content-Type": "application/json", ...(status === 429 ? { "Retry-After": "0" } : {}) },
    });
  };
  return { fn, seen };
}

const fast = { initialMs: 1, maxMs: 2 };

test("a creating POST carries an Idempotency-Key and is retried under the same one", async () => {
  const f = fakeFetch(["network", 503, 201]);
  const rest = createRestClient({ baseUrl: "http://chat.test/api", auth: { token: "v2.tok" }, fetch: f.fn, backoff: fast });
  const { response } = await rest.POST("/rooms/{room_id}/members", { params: { path: { room_id: "room_1" } }, body: { user_id: "bob" } });
  assert.equal(response.status, 201);
  assert.equal(f.seen.length, 3);
  const keys = f.seen.map((r) => r.headers.get("Idempotency-Key"));
  assert.ok(keys[0] && keys.every((k) => k === keys[0]), `keys ${keys}`);
  assert.ok(f.seen.every((r) => r.body === '{"user_id":"bob"}' && r.headers.get("Authorization") === "Bearer v2.tok"));

  const again = fakeFetch([201]);
  const rest2 = createRestClient({ baseUrl: "http://chat.test", auth: { apiKey: "sk_x", userId: "alice" }, fetch: again.fn });
  await rest2.POST("/rooms", { body: { type: "group" } });
  await rest2.POST("/rooms", { body: { type: "group" } });
  assert.notEqual(again.seen[0].headers.get("Idempotency-Key"), again.seen[1].headers.get("Idempotency-Key"), "a fresh key per call");
});

test("a key given by the caller is kept; requests unsafe to repeat are not retried on 5xx", async () => {
  const f = fakeFetch([503, 201]);
  const rest = createRestClient({ baseUrl: "http://chat.test", auth: { apiKey: "sk_x", userId: "alice" }, fetch: f.fn, backoff: fast });
  await rest.POST("/rooms", { params: { header: { "Idempotency-Key": "mine-1" } }, body: { type: "group" } });
  assert.deepEqual(f.seen.map((r) => r.headers.get("Idempotency-Key")), ["mine-1", "mine-1"]);

  const ack = fakeFetch([503, 200]);
  const rest2 = createRestClient({ baseUrl: "http://chat.test", auth: { apiKey: "sk_x", userId: "alice" }, fetch: ack.fn, backoff: fast });
  const { response } = await rest2.POST("/acks", { body: { room_id: "room_1", seq: 1 } });
  assert.equal(response.status, 503);
  assert.equal(ack.seen.length, 1, "a POST without a key is not repeated after a 5xx");
  assert.equal(ack.seen[0].headers.get("Idempotency-Key"), null, "only creating POSTs get a key");

  const limited = fakeFetch([429, 200]);
  const rest3 = createRestClient({ baseUrl: "http://chat.test", auth: { apiKey: "sk_x", userId: "alice" }, fetch: limited.fn, backoff: fast });
  const r3 = await rest3.POST("/acks", { body: { room_id: "room_1", seq: 1 } });
  assert.equal(r3.response.status, 200, "429 is retried for any request: nothing was done");

  const never = fakeFetch(["network"]);
  const rest4 = createRestClient({ baseUrl: "http://chat.test", fetch: never.fn, retries: 0 });
  await assert.rejects(rest4.GET("/rooms"));
  assert.equal(never.seen.length, 1);
});
