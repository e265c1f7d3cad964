#!/usr/bin/env node
// Browser check of the live Swagger UI: node tools/browser/swagger-ui.mjs BASE_URL
//
// Opens BASE_URL/docs/ in headless Chromium (Debian's, through playwright-core;
// CHROMIUM overrides the path), waits for Swagger UI to render openapi.yaml,
// and checks that:
//   - the key operations are listed (by operationId and path);
//   - the Authorize dialog offers X-API-Key, X-User-Id and X-Master-Key;
//   - "Try it out" → "Execute" on GET /health gets a live 200 whose body
//     holds "success": true;
//   - the description's link to /docs/realtime/ opens the AsyncAPI reference,
//     which renders the WebSocket events, with no backtick to be seen.
// Prints `swagger-ui: ok (N operations)` and exits 0, or prints what failed
// (with a screenshot path) and exits 1. A Go test starts the server and runs it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const REQUIRED_OPERATIONS = [
  { method: 'get', path: '/health', operationId: 'getHealth' },
  { method: 'post', path: '/rooms', operationId: 'createRoom' },
  { method: 'post', path: '/admin/tenants', operationId: 'createTenant' },
  { method: 'get', path: '/rooms/{room_id}/messages', operationId: 'listMessages' },
];
// Event titles the WebSocket reference must show (one each way, and a reply).
const REALTIME_EVENTS = ['Send message', 'Message sent', 'Sync complete'];
const AUTH_HEADERS = ['X-API-Key', 'X-User-Id', 'X-Master-Key'];
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const TIMEOUT_MS = 30_000;

class CheckError extends Error {}

function fail(message) {
  throw new CheckError(message);
}

// Swagger UI puts zero-width spaces after slashes so long paths wrap.
function cleanPath(s) {
  return (s ?? '').replace(/\u200b/g, '').trim();
}

async function listOperations(page) {
  return page.$$eval('.opblock', (blocks) =>
    blocks.map((b) => {
      const pathEl = b.querySelector('.opblock-summary-path');
      return {
        id: b.id, // operations-<tag>-<operationId>
        method: (b.querySelector('.opblock-summary-method')?.textContent ?? '').trim().toLowerCase(),
        path: pathEl?.getAttribute('data-path') ?? pathEl?.textContent ?? '',
      };
    }),
  );
}

async function checkOperations(page) {
  try {
    await page.waitForSelector('.opblock .opblock-summary-path', { timeout: TIMEOUT_MS });
  } catch {
    const errors = await page
      .locator('.swagger-ui .errors-wrapper')
      .allInnerTexts()
      .catch(() => []);
    fail(
      `Swagger UI rendered no operation within ${TIMEOUT_MS / 1000} s` +
        (errors.length > 0 ? `; it reports: ${errors.join(' ').replace(/\s+/g, ' ').trim()}` : ''),
    );
  }
  const ops = (await listOperations(page)).map((o) => ({ ...o, path: cleanPath(o.path) }));
  for (const want of REQUIRED_OPERATIONS) {
    const found = ops.find(
      (o) => o.method === want.method && o.path === want.path && o.id.endsWith(`-${want.operationId}`),
    );
    if (!found) {
      fail(
        `operation ${want.method.toUpperCase()} ${want.path} (${want.operationId}) is not listed; ` +
          `listed: ${ops.map((o) => `${o.method.toUpperCase()} ${o.path}`).join(', ')}`,
      );
    }
  }
  return ops.length;
}

async function checkAuthorize(page) {
  const button = page.locator('.auth-wrapper button.authorize').first();
  if ((await button.count()) === 0) fail('the Authorize button is missing');
  await button.click();
  const dialog = page.locator('.dialog-ux .modal-ux');
  await dialog.waitFor({ state: 'visible', timeout: TIMEOUT_MS });
  const text = await dialog.innerText();
  const missing = AUTH_HEADERS.filter((h) => !text.includes(h));
  if (missing.length > 0) fail(`the Authorize dialog does not offer ${missing.join(', ')}`);
  await dialog.locator('button.close-modal').first().click();
  await dialog.waitFor({ state: 'hidden', timeout: TIMEOUT_MS });
}

async function checkTryHealth(page) {
  const op = page.locator('.opblock.opblock-get').filter({
    has: page.locator('.opblock-summary-path[data-path="/health"]'),
  });
  if ((await op.count()) !== 1) fail('GET /health is not listed exactly once');
  await op.locator('.opblock-summary').first().click();

  const tryOut = op.locator('button.try-out__btn');
  await tryOut.waitFor({ state: 'visible', timeout: TIMEOUT_MS });
  await tryOut.click();
  const execute = op.locator('button.execute');
  await execute.waitFor({ state: 'visible', timeout: TIMEOUT_MS });
  await execute.click();

  const row = op.locator('.live-responses-table tbody tr.response').first();
  await row.waitFor({ state: 'visible', timeout: TIMEOUT_MS });
  // The cell holds the code, plus "Undocumented" for codes the spec lacks.
  const status = (await row.locator('.response-col_status').innerText()).trim().split(/\s+/)[0];
  if (status !== '200') fail(`GET /health via "Try it out" answered ${status}, want 200`);
  const body = await row.locator('.response-col_description').innerText();
  if (!/"success":\s*true/.test(body)) fail(`GET /health body lacks "success": true: ${body.slice(0, 300)}`);
}

// The description links the WebSocket reference; following the link shows
// the page the AsyncAPI generator made, rendered with its events.
async function checkRealtimeDocs(page, pageErrors) {
  const link = page.locator('.info a[href="/docs/realtime/"]').first();
  if ((await link.count()) !== 1) fail('the description has no link to /docs/realtime/');
  // Swagger UI opens description links in a new tab; follow it in this one.
  const target = new URL(await link.getAttribute('href'), page.url()).toString();
  const resp = await page.goto(target, { waitUntil: 'load', timeout: TIMEOUT_MS });
  if (!resp || !resp.ok()) fail(`GET ${target} answered ${resp ? resp.status() : 'nothing'}`);
  // The page renders itself from the embedded document after load.
  await page.waitForFunction(
    (titles) => {
      const lines = new Set(document.body.innerText.split('\n').map((l) => l.trim()));
      return titles.every((t) => lines.has(t));
    },
    REALTIME_EVENTS,
    { timeout: TIMEOUT_MS },
  );
  if (pageErrors.length > 0) fail(`the realtime reference raised: ${pageErrors.join(' | ')}`);
  // Code reads as code: no backtick in the text (Markdown shown raw) nor
  // drawn by the styles around inline code (see tools/asyncapi-docs).
  const shown = await page.evaluate(() => {
    const drawn = [...document.querySelectorAll('code')].filter((c) =>
      ['::before', '::after'].some((p) => getComputedStyle(c, p).content.includes('`')),
    );
    const text = document.body.innerText;
    const i = text.indexOf('`');
    return { drawn: drawn.length, raw: i < 0 ? '' : text.slice(Math.max(0, i - 40), i + 40) };
  });
  if (shown.drawn > 0) fail(`the realtime reference draws backticks around ${shown.drawn} code spans`);
  if (shown.raw) fail(`the realtime reference shows a backtick: …${shown.raw}…`);
}

async function main() {
  const base = process.argv[2];
  if (!base) {
    console.error('usage: node swagger-ui.mjs BASE_URL');
    return 2;
  }
  const url = new URL('docs/', base.endsWith('/') ? base : `${base}/`).toString();
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  const pageErrors = [];
  let page;
  try {
    page = await browser.newPage();
    page.setDefaultTimeout(TIMEOUT_MS);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    const resp = await page.goto(url, { waitUntil: 'load', timeout: TIMEOUT_MS });
    if (!resp || !resp.ok()) fail(`GET ${url} answered ${resp ? resp.status() : 'nothing'}`);

    const count = await checkOperations(page);
    await checkAuthorize(page);
    await checkTryHealth(page);
    await checkRealtimeDocs(page, pageErrors);
    console.log(`swagger-ui: ok (${count} operations, realtime reference linked)`);
    return 0;
  } catch (err) {
    console.error(`swagger-ui: FAIL at ${url}: ${err instanceof CheckError ? err.message : err.stack || err}`);
    if (pageErrors.length > 0) console.error(`swagger-ui: page errors: ${pageErrors.join(' | ')}`);
    if (page) {
      try {
        const shot = join(mkdtempSync(join(tmpdir(), 'swagger-ui-')), 'failure.png');
        await page.screenshot({ path: shot, fullPage: true });
        console.error(`swagger-ui: screenshot: ${shot}`);
      } catch (shotErr) {
        console.error(`swagger-ui: no screenshot: ${shotErr.message}`);
      }
    }
    return 1;
  } finally {
    await browser.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`swagger-ui: FAIL: ${err.stack || err}`);
    process.exit(1);
  },
);
