// Post-process the collection openapi2postmanv2 made from openapi.yaml:
//  - collection variables baseUrl, apiKey, userId, masterKey (and the ids the
//    run replaces: roomId, messageId, tenantId, notificationId, memberUserId);
//  - every request sends the headers its operation's security asks for
//    (X-API-Key + X-User-Id, X-Master-Key, or nothing), and no converter auth;
//  - every request gets a test: the status is one the operation documents in
//    openapi.yaml, and it is below 500.
// Usage: node postprocess.mjs OPENAPI_YAML IN_JSON OUT_JSON
import { readFileSync, writeFileSync } from 'node:fs';
import yaml from 'js-yaml';

const [specPath, inPath, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: node postprocess.mjs OPENAPI_YAML IN_JSON OUT_JSON');
  process.exit(2);
}
const spec = yaml.load(readFileSync(specPath, 'utf8'));
const col = JSON.parse(readFileSync(inPath, 'utf8'));

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
// Path parameters that get a collection variable, so a run can put real ids in.
const PATH_VARS = {
  room_id: 'roomId',
  message_id: 'messageId',
  tenant_id: 'tenantId',
  notification_id: 'notificationId',
  user_id: 'memberUserId',
};

// "METHOD /a/:b" -> operation facts.
const ops = new Map();
for (const [path, item] of Object.entries(spec.paths)) {
  for (const m of METHODS) {
    const op = item[m];
    if (!op) continue;
    const key = `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`;
    const security = op.security ?? spec.security ?? [];
    // Headers from the first alternative of the security requirement.
    const schemes = Object.keys(security[0] ?? {});
    const headers = schemes.map((s) => {
      const sch = spec.components.securitySchemes[s];
      if (sch.type !== 'apiKey' || sch.in !== 'header') throw new Error(`unsupported scheme ${s}`);
      return sch.name;
    });
    const codes = Object.keys(op.responses).filter((c) => /^\d{3}$/.test(c)).map(Number).sort();
    if (Object.keys(op.responses).some((c) => !/^\d{3}$/.test(c))) {
      throw new Error(`${key}: ranged/default responses are not handled`);
    }
    ops.set(key, { operationId: op.operationId, headers, codes, seen: false });
  }
}

const HEADER_VALUE = {
  'X-API-Key': '{{apiKey}}',
  'X-User-Id': '{{userId}}',
  'X-Master-Key': '{{masterKey}}',
};

function visit(items) {
  for (const it of items) {
    if (it.item) { visit(it.item); continue; }
    const req = it.request;
    const key = `${req.method} /${req.url.path.join('/')}`;
    const op = ops.get(key);
    if (!op) throw new Error(`no operation in the spec for request ${key}`);
    op.seen = true;
    // Auth as explicit headers; no converter auth (it puts {{apiKey}} into X-Master-Key).
    req.auth = { type: 'noauth' };
    const auth = new Set(Object.keys(HEADER_VALUE).map((h) => h.toLowerCase()));
    req.header = (req.header ?? []).filter((h) => !auth.has(h.key.toLowerCase()));
    for (const h of op.headers) {
      if (!HEADER_VALUE[h]) throw new Error(`${key}: no variable for header ${h}`);
      req.header.push({ key: h, value: HEADER_VALUE[h] });
    }
    // A fresh Idempotency-Key per send (Postman's {{$guid}}), not the
    // contract's example: one key shared by every creating request would
    // make all but the first a 409 (another request under the key).
    for (const h of req.header) {
      if (h.key.toLowerCase() === 'idempotency-key') h.value = '{{$guid}}';
    }
    for (const v of req.url.variable ?? []) {
      const name = PATH_VARS[v.key];
      if (name) v.value = `{{${name}}}`;
    }
    it.event = (it.event ?? []).filter((e) => e.listen !== 'test');
    it.event.push({
      listen: 'test',
      script: {
        type: 'text/javascript',
        exec: [
          `// ${op.operationId}: statuses documented in openapi.yaml`,
          `const documented = ${JSON.stringify(op.codes)};`,
          `pm.test('${op.operationId}: status ' + pm.response.code + ' is documented and < 500', function () {`,
          '  pm.expect(documented, \'documented statuses\').to.include(pm.response.code);',
          '  pm.expect(pm.response.code).to.be.below(500);',
          '});',
        ],
      },
    });
  }
}
visit(col.item);

const missing = [...ops.entries()].filter(([, o]) => !o.seen).map(([k]) => k);
if (missing.length) throw new Error(`operations without a request: ${missing.join(', ')}`);

col.auth = { type: 'noauth' };
const example = (ref) => ref.split('/').reduce((o, k) => (k === '#' ? spec : o[k]), null).example;
const vars = {
  baseUrl: 'http://localhost:8080',
  apiKey: 'sk_replace_me',
  userId: 'alice',
  masterKey: 'mk_replace_me',
  roomId: example('#/components/parameters/RoomIdPath'),
  messageId: example('#/components/parameters/MessageIdPath'),
  tenantId: example('#/components/parameters/TenantIdPath'),
  notificationId: example('#/components/parameters/NotificationIdPath'),
  memberUserId: example('#/components/parameters/UserIdPath'),
};
col.variable = Object.entries(vars).map(([key, value]) => ({ key, value, type: 'string' }));
writeFileSync(outPath, JSON.stringify(col, null, 2) + '\n');
console.error(`postprocess: ${ops.size} operations, collection written`);
