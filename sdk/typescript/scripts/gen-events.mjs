// Writes the WebSocket event types of the SDK from asyncapi.yaml (and the
// openapi.yaml schemas it references) with json-schema-to-typescript.
//
//   node scripts/gen-events.mjs ASYNCAPI_YAML OUT_TS
//
// Every message of asyncapi.yaml becomes an interface named after it
// (`message.sent` -> MessageSentEvent); the direction comes from the
// document's operations (`send`: server -> client, `receive`: client ->
// server). Two maps, ServerEvents and ClientEvents, key each interface by its
// `type`, so the realtime client's `on(type, handler)` is typed without a
// hand-written copy of any event shape.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { compile } from "json-schema-to-typescript";
import YAML from "yaml";

const [asyncapiPath, outPath] = process.argv.slice(2);
if (!asyncapiPath || !outPath) {
  console.error("usage: gen-events.mjs ASYNCAPI_YAML OUT_TS");
  process.exit(2);
}

const asyncapi = YAML.parse(await readFile(asyncapiPath, "utf8"));
const openapi = YAML.parse(await readFile(path.join(path.dirname(asyncapiPath), "openapi.yaml"), "utf8"));

const OPENAPI_REF = "./openapi.yaml#/components/schemas/";
const OWN_REF = "#/components/schemas/";
const MESSAGE_REF = "#/components/messages/";

function pascal(name) {
  return name
    .split(/[._-]/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");
}

// Each message's type name (`message.sent` -> MessageSentEvent), by its key.
const eventType = new Map(Object.entries(asyncapi.components.messages).map(([key, msg]) => [key, pascal(msg.name) + "Event"]));

// OpenAPI 3.0's `nullable` is not JSON Schema: make it a type union, and
// point every $ref at the definitions of the one schema compiled here.
function convert(node) {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "example" || k === "examples" || k === "discriminator") continue;
    if (k === "$ref") {
      if (v.startsWith(OPENAPI_REF)) out.$ref = "#/definitions/" + v.slice(OPENAPI_REF.length);
      else if (v.startsWith(OWN_REF)) out.$ref = "#/definitions/" + v.slice(OWN_REF.length);
      else if (v.startsWith(MESSAGE_REF) && /^[^/]+\/payload(\/|$)/.test(v.slice(MESSAGE_REF.length))) {
        // Another message's payload: that message's event type.
        const [key, , ...rest] = v.slice(MESSAGE_REF.length).split("/");
        if (!eventType.has(key)) throw new Error(`gen-events: $ref to an unknown message ${v}`);
        out.$ref = ["#/definitions/" + eventType.get(key), ...rest].join("/");
      }
      else throw new Error(`gen-events: unexpected $ref ${v}`);
      continue;
    }
    out[k] = convert(v);
  }
  if (node.nullable === true) {
    delete out.nullable;
    if (typeof out.type === "string") out.type = [out.type, "null"];
    else if (out.enum) out.enum = [...out.enum, null];
    else return { anyOf: [out, { type: "null" }] };
  }
  return out;
}

// The openapi.yaml schemas asyncapi.yaml reaches, directly or through others.
const reached = new Set();
function reach(node) {
  if (Array.isArray(node)) return node.forEach(reach);
  if (node === null || typeof node !== "object") return;
  for (const [k, v] of Object.entries(node)) {
    if (k === "$ref" && v.startsWith(OPENAPI_REF)) reachName(v.slice(OPENAPI_REF.length).split("/")[0]);
    else if (k === "$ref" && v.startsWith("#/components/schemas/") && node !== asyncapi) reachName(v.slice(OWN_REF.length).split("/")[0]);
    else reach(v);
  }
}
function reachName(name) {
  if (reached.has(name) || !openapi.components.schemas[name]) return;
  reached.add(name);
  reach(openapi.components.schemas[name]);
}
reach(asyncapi.components);

const definitions = {};
for (const name of [...reached].sort()) {
  definitions[name] = { ...convert(openapi.components.schemas[name]), title: name };
}
for (const [name, schema] of Object.entries(asyncapi.components.schemas ?? {})) {
  if (definitions[name]) throw new Error(`gen-events: ${name} is defined by both contracts`);
  definitions[name] = { ...convert(schema), title: name };
}

// Which messages the server sends and which it receives.
const direction = new Map(); // message key -> "server" | "client"
for (const op of Object.values(asyncapi.operations)) {
  for (const m of op.messages) {
    const key = m.$ref.split("/").pop();
    direction.set(key, op.action === "send" ? "server" : "client");
  }
}

const server = [];
const client = [];
for (const [key, msg] of Object.entries(asyncapi.components.messages)) {
  const dir = direction.get(key);
  if (!dir) throw new Error(`gen-events: message ${key} is in no operation`);
  const typeName = eventType.get(key);
  if (definitions[typeName]) throw new Error(`gen-events: ${typeName} collides with a schema`);
  definitions[typeName] = { ...convert(msg.payload), title: typeName, description: msg.summary };
  (dir === "server" ? server : client).push({ wire: msg.name, typeName });
}

const root = {
  title: "ChatAPIEvents",
  description: "Every event of asyncapi.yaml.",
  type: "object",
  additionalProperties: false,
  properties: Object.fromEntries([...server, ...client].map((e) => [e.wire, { $ref: `#/definitions/${e.typeName}` }])),
  definitions,
};

let ts = await compile(root, "ChatAPIEvents", {
  bannerComment: "",
  additionalProperties: false, // server events may gain fields; clients ignore them
  unreachableDefinitions: false,
  strictIndexSignatures: true,
  format: false,
  cwd: path.dirname(asyncapiPath),
  $refOptions: { resolve: { external: false } },
});

const map = (name, list, doc) =>
  `/** ${doc} */\nexport interface ${name} {\n` +
  list.map((e) => `  ${JSON.stringify(e.wire)}: ${e.typeName};\n`).join("") +
  "}\n";

ts =
  `// Code generated by scripts/gen-events.mjs from asyncapi.yaml (${asyncapi.info.version}). DO NOT EDIT.\n\n` +
  ts +
  "\n" +
  map("ServerEvents", server, "Events the server sends, keyed by `type`.") +
  "\n" +
  map("ClientEvents", client, "Events a client sends, keyed by `type`.") +
  "\n/** Any event the server sends. */\nexport type ServerEvent = ServerEvents[keyof ServerEvents];\n" +
  "/** Any event a client sends. */\nexport type ClientEvent = ClientEvents[keyof ClientEvents];\n";

await writeFile(outPath, ts);
console.log(`events: ${server.length} server and ${client.length} client event types in ${outPath}`);
