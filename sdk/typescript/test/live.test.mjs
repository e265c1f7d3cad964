// The realtime client against the live chatapi binary (CHATAPI_BIN), which
// these tests start, stop and restart themselves on one SQLite file and one
// loopback port: three clients send and receive in one room while the
// server is restarted with SIGTERM (one run) and kill -9 (another); every
// client must then hold every message exactly once and in order, every send
// stored once, and after SIGTERM no client may reconnect before
// reconnect_after_ms; uploadFile puts a PNG that a message then carries.
// Skipped without CHATAPI_BIN (e2e/sdk_typescript_test.go sets it).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { crc32, deflateSync } from "node:zlib";
import { ChatApiError, RealtimeClient, createRestClient, uploadFile } from "../dist/node.js";

const BIN = process.env.CHATAPI_BIN;
const skip = BIN ? false : "CHATAPI_BIN is not set: run through e2e/sdk_test.go, or set it to a chatapi binary";
const MASTER_KEY = "mk_sdk_ts_test_master_key_0123456789abcdef";
const RECONNECT_AFTER_MS = 1500;
const CLIENTS = ["ann", "ben", "cat"];
const PER_CLIENT = 40;
const DOWN_MS = 2000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Every server started here dies with this process, whatever ends it.
const children = new Set();
process.on("exit", () => children.forEach((c) => c.kill("SIGKILL")));

/**
 * The test's cleanups, run last-registered first, each whatever the others
 * did; the first failure is reported after all ran.
 */
function cleanups(t) {
  const fns = [];
  t.after(async () => {
    let failure;
    for (const fn of fns.reverse()) {
      try {
        await fn();
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure) throw failure;
  });
  return (fn) => fns.push(fn);
}

async function until(what, cond, ms) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

function within(what, p, ms) {
  let timer;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms))),
  ]);
}

function freeAddr() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(`127.0.0.1:${port}`));
    });
  });
}

/** One chatapi process on addr and db, healthy when returned. */
async function startServer(defer, dir, addr, db, env = {}) {
  const log = path.join(dir, `chatapi-${Date.now()}.log`);
  const fd = openSync(log, "w");
  const child = spawn(BIN, [], {
    env: {
      ...process.env,
      CHATAPI_ADDR: addr,
      MASTER_API_KEY: MASTER_KEY,
      DATABASE_URL: db,
      SHUTDOWN_DRAIN_TIMEOUT: "5s",
      SHUTDOWN_RECONNECT_AFTER: `${RECONNECT_AFTER_MS}ms`,
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", fd, fd],
  });
  children.add(child);
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  let gone = false;
  exited.then(() => {
    gone = true;
    children.delete(child);
  });
  defer(async () => {
    if (!gone) {
      child.kill("SIGKILL");
      await exited;
    }
    // A binary built with -race reports races in its log.
    const text = readFileSync(log, "utf8");
    assert.ok(!text.includes("WARNING: DATA RACE"), `the server reported a data race:\n${text.slice(-8000)}`);
  });
  const server = { child, exited, log, tail: () => readFileSync(log, "utf8").slice(-4000) };
  try {
    await until(`chatapi healthy on ${addr}`, async () => {
      if (gone) throw new Error(`chatapi exited before it was healthy:\n${server.tail()}`);
      try {
        return (await fetch(`http://${addr}/health`, { signal: AbortSignal.timeout(2000) })).status === 200;
      } catch {
        return false;
      }
    }, 60_000);
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
  return server;
}

/** The envelope's data of an openapi-fetch result, or a failure naming what. */
async function ok(what, call) {
  const { data, error, response } = await call;
  if (!data?.success) throw new Error(`${what}: HTTP ${response.status}: ${JSON.stringify(error ?? data)}`);
  return data.data;
}

/** A tenant with a room of the three clients' users. */
async function world(base) {
  const admin = createRestClient({ baseUrl: base, auth: { masterKey: MASTER_KEY } });
  const tenant = await ok("create tenant", admin.POST("/admin/tenants", { body: { name: "sdk-ts", rate_limit_rps: 10000 } }));
  const rest = (userId) => createRestClient({ baseUrl: base, auth: { apiKey: tenant.api_key, userId } });
  const room = await ok("create room", rest(CLIENTS[0]).POST("/rooms", { body: { type: "group", members: CLIENTS.slice(1) } }));
  return { rest, room: room.room_id };
}

/** A realtime client of user that records what it sees. */
function client(base, rest, user, ttlSeconds = () => 3600) {
  const rec = { user, got: [], statuses: [], shutdowns: [], tokenCalls: [], rt: null };
  rec.rt = new RealtimeClient({
    baseUrl: base,
    auth: {
      token: async ({ refresh }) => {
        rec.tokenCalls.push(refresh);
        return ok("create token", rest(user).POST("/tokens", { body: { ttl_seconds: ttlSeconds() } }));
      },
    },
    backoff: { initialMs: 200, maxMs: 2000 },
  });
  rec.rt.on("message", (m) => rec.got.push(m));
  rec.rt.on("server.shutdown", (e) => rec.shutdowns.push({ at: Date.now(), ms: e.reconnect_after_ms }));
  rec.rt.onStatus((s) => rec.statuses.push({ ...s, at: Date.now() }));
  return rec;
}

/** Every message of the room over REST, in seq order. */
async function stored(rest, room) {
  const all = [];
  for (;;) {
    const page = await ok("list messages", rest(CLIENTS[0]).GET("/rooms/{room_id}/messages", {
      params: { path: { room_id: room }, query: { after_seq: all.at(-1)?.seq ?? 0, limit: 100 } },
    }));
    all.push(...page);
    if (page.length < 100) return all;
  }
}

for (const signal of ["SIGTERM", "SIGKILL"]) {
  test(`3 clients send and receive while the server restarts (${signal})`, { skip, timeout: 300_000 }, async (t) => {
    const defer = cleanups(t);
    const dir = mkdtempSync(path.join(tmpdir(), "chatapi-sdk-ts-"));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    const addr = await freeAddr();
    const db = path.join(dir, "chat.db");
    const base = `http://${addr}`;
    let server = await startServer(defer, dir, addr, db);
    const { rest, room } = await world(base);

    const clients = CLIENTS.map((u) => client(base, rest, u));
    defer(() => clients.forEach((c) => c.rt.close()));
    await within("the first sync", Promise.all(clients.map((c) => c.rt.connect())), 30_000);

    // Each client sends PER_CLIENT messages, one every 100 ms, without
    // waiting for the answers: the ones sent while the server is down wait
    // in the offline queue.
    const sends = [];
    const sending = Promise.all(
      clients.map(async (c) => {
        for (let i = 0; i < PER_CLIENT; i++) {
          const content = `${c.user} #${i}`;
          sends.push({ content, sent: c.rt.sendMessage(room, content) });
          await sleep(100);
        }
      }),
    );

    await until("a third of the sends", () => sends.length >= PER_CLIENT, 30_000);
    const stopAt = Date.now();
    server.child.kill(signal);
    const exit = await within("the server's exit", server.exited, 30_000);
    if (signal === "SIGTERM") assert.deepEqual(exit, { code: 0, signal: null }, "a SIGTERM'd server exits 0");
    // Down for a while: sends pile up offline and reconnects fail meanwhile.
    await sleep(DOWN_MS);
    server = await startServer(defer, dir, addr, db);
    t.diagnostic(`server down for ${Date.now() - stopAt} ms (${signal}), ${sends.length} sends by then`);
    await sending;

    const confirmed = await within("every message.sent", Promise.all(sends.map((s) => s.sent)), 90_000);
    const total = CLIENTS.length * PER_CLIENT;
    await until("every client to hold every message", () => clients.every((c) => c.got.length >= total), 90_000);
    await sleep(1000); // a late duplicate would show now

    // Every send stored once: no send lost, none duplicated.
    const all = await stored(rest, room);
    assert.equal(all.length, total, "messages stored");
    assert.deepEqual(all.map((m) => m.seq), Array.from({ length: total }, (_, i) => i + 1), "seqs are gapless");
    assert.deepEqual(all.map((m) => m.content).sort(), sends.map((s) => s.content).sort(), "each send stored exactly once");
    const byId = new Map(all.map((m) => [m.message_id, m]));
    confirmed.forEach((ev, i) => {
      assert.equal(byId.get(ev.message_id)?.content, sends[i].content, `message.sent of ${sends[i].content}`);
    });
    // Each sender's messages are stored in the order it sent them.
    for (const u of CLIENTS) {
      const mine = all.filter((m) => m.sender_id === u).map((m) => m.content);
      assert.deepEqual(mine, Array.from({ length: PER_CLIENT }, (_, i) => `${u} #${i}`), `${u}'s messages in order`);
    }

    // Every client holds every message exactly once, in the room's order.
    for (const c of clients) {
      assert.deepEqual(c.got.map((m) => m.message_id), all.map((m) => m.message_id), `${c.user} received every message once, in order`);
      const synced = c.statuses.filter((s) => s.status === "synced");
      assert.ok(synced.length >= 2 && synced.at(-1).cursor !== synced[0].cursor, `${c.user} resumed and synced again`);
      const waits = c.statuses.filter((s) => s.status === "waiting");
      assert.ok(waits.length >= 1, `${c.user} saw the connection end`);
      t.diagnostic(`${c.user}: ${c.statuses.filter((s) => s.status === "connecting").length} connects, waits ${waits.map((w) => `${Math.round(w.delayMs)}ms(${w.code})`).join(" ")}`);
    }

    if (signal === "SIGTERM") {
      for (const c of clients) {
        assert.equal(c.shutdowns.length, 1, `${c.user} got server.shutdown`);
        const { at, ms } = c.shutdowns[0];
        assert.equal(ms, RECONNECT_AFTER_MS, "reconnect_after_ms is SHUTDOWN_RECONNECT_AFTER");
        const next = c.statuses.find((s) => s.status === "connecting" && s.at > at);
        assert.ok(next, `${c.user} reconnected`);
        assert.ok(next.at - at >= ms, `${c.user} reconnected ${next.at - at} ms after server.shutdown, before reconnect_after_ms (${ms})`);
      }
    } else {
      for (const c of clients) assert.equal(c.shutdowns.length, 0, "kill -9 sends no server.shutdown");
    }
  });
}

test("an expired token closes the connection with 1008; the client gets a new one and resumes", { skip, timeout: 120_000 }, async (t) => {
  const defer = cleanups(t);
  const dir = mkdtempSync(path.join(tmpdir(), "chatapi-sdk-ts-"));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  const addr = await freeAddr();
  const base = `http://${addr}`;
  await startServer(defer, dir, addr, path.join(dir, "chat.db"), { WS_CREDENTIAL_CHECK_INTERVAL: "250ms" });
  const { rest, room } = await world(base);
  let ttl = 2;
  const ben = client(base, rest, "ben", () => ttl);
  defer(() => ben.rt.close());
  await within("the first sync", ben.rt.connect(), 30_000);
  ttl = 3600;
  await until("the close for the expired token", () => ben.statuses.some((s) => s.status === "waiting" && s.code === 1008), 30_000);
  await until("a resumed connection", () => ben.statuses.filter((s) => s.status === "synced").length >= 2, 30_000);
  assert.deepEqual(ben.tokenCalls, [false, true], "the token provider is asked again, to refresh");
  const sent = await ok("send over REST", rest("ann").POST("/rooms/{room_id}/messages", { params: { path: { room_id: room } }, body: { content: "after the refresh" } }));
  await until("the message", () => ben.got.some((m) => m.message_id === sent.message_id), 30_000);
});

/** A 1 × 1 grey PNG. */
function tinyPNG() {
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body) >>> 0, 8 + data.length);
    return out;
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]); // 1×1, 8-bit greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.from([0, 0x80]))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

test("uploadFile puts a PNG; a message carries it, live, with a URL that serves it", { skip, timeout: 120_000 }, async (t) => {
  const defer = cleanups(t);
  const dir = mkdtempSync(path.join(tmpdir(), "chatapi-sdk-ts-"));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  const addr = await freeAddr();
  const base = `http://${addr}`;
  await startServer(defer, dir, addr, path.join(dir, "chat.db"), { PUBLIC_URL: base, STORAGE_URL: `file://${path.join(dir, "files")}` });
  const { rest, room } = await world(base);
  const ben = client(base, rest, "ben");
  defer(() => ben.rt.close());
  await within("the first sync", ben.rt.connect(), 30_000);
  // As a browser would: a user token, no tenant key.
  const token = await ok("create token", rest("ann").POST("/tokens", { body: { ttl_seconds: 600 } }));
  const ann = createRestClient({ baseUrl: base, auth: { token: token.token } });

  const png = tinyPNG();
  const up = await uploadFile(ann, new Blob([png], { type: "image/png" }), { roomId: room, filename: "dot.png" });
  assert.match(up.upload_id, /^up_/);
  assert.equal(up.status, "ready");
  assert.deepEqual([up.filename, up.content_type, up.size, up.width, up.height], ["dot.png", "image/png", png.length, 1, 1]);
  const sent = await ok("send with the attachment", ann.POST("/rooms/{room_id}/messages", {
    params: { path: { room_id: room } },
    body: { content: "a dot", attachments: [up.upload_id] },
  }));
  await until("the message over the WebSocket", () => ben.got.some((m) => m.message_id === sent.message_id), 30_000);
  const live = ben.got.find((m) => m.message_id === sent.message_id);
  assert.equal(live.attachments?.[0]?.upload_id, up.upload_id, "the live message carries the upload");
  // The signed URLs work without headers, as in an <img src>.
  for (const url of [up.url, live.attachments[0].url]) {
    const r = await fetch(url);
    assert.equal(r.status, 200, `GET ${url}`);
    assert.deepEqual(Buffer.from(await r.arrayBuffer()), png, "the bytes put are the bytes served");
  }

  // Refusals reject with the server's code and field.
  for (const tc of [
    { name: "not a PNG", data: new TextEncoder().encode("not an image"), opts: { filename: "x.png", contentType: "image/png" }, code: "VALIDATION_ERROR", field: "content_type" },
    { name: "a type outside the allow-list", data: png, opts: { filename: "x.exe", contentType: "application/x-msdownload" }, code: "VALIDATION_ERROR", field: "content_type" },
    { name: "another room", data: png, opts: { filename: "x.png", contentType: "image/png", roomId: "room_00000000000000000000" }, code: "NOT_FOUND" },
  ]) {
    await assert.rejects(uploadFile(ann, tc.data, { roomId: room, ...tc.opts }), (err) => {
      assert.ok(err instanceof ChatApiError, `${tc.name}: ${err}`);
      assert.equal(err.code, tc.code, `${tc.name}: ${err.message}`);
      if (tc.field) assert.equal(err.field, tc.field, `${tc.name}: ${err.message}`);
      return true;
    });
  }
});
