#!/usr/bin/env node
// Browser test of the demo app: node tools/browser/demo.mjs BASE_URL SHOT_DIR
//
// Against a live server started with DEMO=true, two browser contexts of
// headless Chromium (Debian's, through playwright-core; CHROMIUM overrides
// the path) join the demo as alice and bob, and:
//   - alice types: bob sees "alice is typing…", then her message, live,
//     once; alice's ticks go from sent to read;
//   - bob reacts with 👍 and replies in the thread of alice's message:
//     alice sees the reaction counted and the reply under it, "1 reply";
//   - a message in another room that mentions bob shows on his room list
//     as 1 unread and 1 mention;
//   - bob's context goes offline (context.setOffline) while alice sends
//     three messages and edits one; they do not reach bob meanwhile; back
//     online, bob's app reconnects (resuming from its cursor) and shows
//     every one exactly once, in order, with the edit;
//   - alice attaches a PNG (the file input, by its label) to a message: bob
//     sees the image load from its signed URL (naturalWidth > 0), then its
//     thumbnail once the server made it (attachment.processed);
//   - bob pins alice's first message: alice sees it in the room's pinned
//     list and marked in the messages;
//   - bob searches for a phrase of a message in another room: the hit shows
//     the matched words in <mark>, and a click opens that room with the
//     message in view and focused.
// Screenshots of both windows go to SHOT_DIR (demo-*.png). Prints
// `demo: ok (…)` and exits 0, or what failed (with a screenshot) and exits 1.
// A Go test (e2e/demo_test.go) starts the server and runs it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
// Generous: the machine running make test may be busy with other suites.
const TIMEOUT_MS = 30_000;
const VIEWPORT = { width: 900, height: 560 };

class CheckError extends Error {}

function fail(message) {
  throw new CheckError(message);
}

async function join_(browser, base, user, people) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  const errors = [];
  page.on('pageerror', (err) => errors.push(`${user}: ${err.message}`));
  people.push({ user, context, page, errors });
  const resp = await page.goto(new URL('demo/', base).toString(), { waitUntil: 'load' });
  if (!resp || !resp.ok()) fail(`GET /demo/ answered ${resp ? resp.status() : 'nothing'}`);
  if (user === 'alice') {
    // One click.
    await page.getByRole('button', { name: 'Join as alice' }).click();
  } else {
    // By its label, as a person (or a screen reader) finds it.
    await page.getByLabel('Your name').fill(user);
    await page.getByRole('button', { name: 'Enter the demo' }).press('Enter');
  }
  await waitOnline(page, user);
  await page.getByRole('heading', { name: '# general' }).waitFor();
  return { user, context, page, errors };
}

async function waitOnline(page, user) {
  try {
    await page.waitForFunction(() => document.body.dataset.connection === 'synced');
  } catch {
    fail(`${user}: not online within ${TIMEOUT_MS / 1000} s; status: ${await page.locator('#connection').innerText()}`);
  }
}

// The texts of the messages on the page, in order.
async function shown(page) {
  return page.locator('#messages li.msg .content').allInnerTexts();
}

async function waitFor(what, page, fn, arg) {
  try {
    await page.waitForFunction(fn, arg);
  } catch {
    fail(`${what}: not within ${TIMEOUT_MS / 1000} s; messages shown: ${JSON.stringify(await shown(page))}`);
  }
}

async function shot(dir, who, name) {
  const path = join(dir, `demo-${name}-${who.user}.png`);
  await who.page.screenshot({ path });
  return path;
}

// A width × height RGB PNG of a colour gradient, made here so the test
// needs no file of its own.
function png(width, height) {
  const chunk = (type, data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3);
    for (let x = 0; x < width; x++) {
      const i = row + 1 + x * 3;
      rows[i] = Math.round((255 * x) / width);
      rows[i + 1] = Math.round((255 * y) / height);
      rows[i + 2] = 200;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function run(base, dir) {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  const people = [];
  try {
    const alice = await join_(browser, base, 'alice', people);
    const bob = await join_(browser, base, 'bob', people);

    // Presence: alice sees bob online.
    await waitFor('alice sees bob online', alice.page, () =>
      document.querySelector('#members [data-user="bob"]')?.dataset.presence === 'online');

    // Typing first, then the message, live.
    const input = alice.page.getByLabel('Message', { exact: true });
    await input.pressSequentially('Hi bob, this is alice', { delay: 20 });
    await waitFor('bob sees alice typing', bob.page, () =>
      document.getElementById('typing').textContent.includes('alice is typing'));
    const typingShot = await shot(dir, bob, 'typing');
    await input.press('Enter');
    await waitFor('bob receives the message', bob.page, () =>
      [...document.querySelectorAll('#messages .content')].some((e) => e.textContent === 'Hi bob, this is alice'));
    await waitFor('the typing line clears', bob.page, () => document.getElementById('typing').textContent === '');
    // bob has the room open: alice's tick turns to read.
    await waitFor('alice sees her message read', alice.page, () =>
      document.querySelector('#messages li.own .ticks')?.dataset.state === 'read');

    // A reaction: bob's 👍 on alice's message shows on her side.
    const first = (page) => page.locator('#messages > li', { has: page.locator(':scope > .content', { hasText: 'Hi bob, this is alice' }) });
    await first(bob.page).locator(':scope > .actions').getByRole('button', { name: 'React with 👍' }).click();
    await waitFor('alice sees bob\'s reaction', alice.page, () => {
      const b = document.querySelector('#messages > li > .reactions button[data-reaction="👍"]');
      return b?.dataset.count === '1' && b.getAttribute('aria-pressed') === 'false';
    });
    await waitFor('bob sees his reaction pressed', bob.page, () =>
      document.querySelector('#messages > li > .reactions button[data-reaction="👍"]')?.getAttribute('aria-pressed') === 'true');

    // A thread reply: bob answers in the thread of alice's message.
    await bob.page.getByRole('button', { name: 'Reply in thread to alice: Hi bob, this is alice' }).click();
    const bobInput = bob.page.getByLabel('Message', { exact: true });
    await bobInput.fill('Hi alice, in the thread');
    await bobInput.press('Enter');
    await waitFor('alice sees the reply in the thread', alice.page, () => {
      const parent = [...document.querySelectorAll('#messages > li')].find((li) =>
        li.querySelector(':scope > .content')?.textContent === 'Hi bob, this is alice');
      return parent?.querySelector('.thread .replies-count')?.textContent === '1 reply' &&
        parent.querySelector('.thread li .content')?.textContent === 'Hi alice, in the thread';
    });

    await waitFor('bob sees alice read his reply', bob.page, () =>
      document.querySelector('#messages li.own .ticks')?.dataset.state === 'read');

    // Unread counts and mentions: a message in #random while bob is in #general.
    await alice.page.getByRole('button', { name: /^random/ }).click();
    await alice.page.getByRole('heading', { name: '# random' }).waitFor();
    await input.fill('@bob over here in random');
    await input.press('Enter');
    await waitFor('bob sees 1 unread and 1 mention in random', bob.page, () =>
      document.querySelector('#rooms button[aria-label="random, 1 unread, 1 mention"]') !== null);
    const unreadShot = await shot(dir, bob, 'unread');
    await alice.page.getByRole('button', { name: /^general/ }).click();
    await alice.page.getByRole('heading', { name: '# general' }).waitFor();
    await shot(dir, alice, 'chat');
    await shot(dir, bob, 'chat');

    // Offline: what is sent and edited meanwhile arrives once, afterwards.
    const opens = () => bob.page.evaluate(() => Number(document.body.dataset.opens));
    const opensBefore = await opens();
    await bob.context.setOffline(true);
    await waitFor('bob is shown offline', bob.page, () =>
      document.getElementById('connection').textContent.startsWith('Offline'));
    const offline = ['While you were away (1)', 'While you were away (2)', 'While you were away (3)'];
    for (const text of offline) {
      await input.fill(text);
      await input.press('Enter');
    }
    await waitFor('alice sees her three sends stored', alice.page, () =>
      document.querySelectorAll('#messages li.own .ticks[data-state="sent"]').length >= 3);
    const target = alice.page.locator('#messages li.own', { hasText: 'While you were away (2)' });
    await target.getByRole('button', { name: /^Edit message/ }).click();
    const edit = alice.page.getByLabel('Edit message', { exact: true });
    await edit.fill('While you were away (2, edited)');
    await edit.press('Enter');
    await waitFor('alice sees her edit', alice.page, () =>
      [...document.querySelectorAll('#messages .content')].some((e) => e.textContent === 'While you were away (2, edited)'));
    await bob.page.waitForTimeout(1000);
    const during = await shown(bob.page);
    if (during.some((t) => t.startsWith('While you were away'))) {
      fail(`bob, offline, was shown ${JSON.stringify(during)}: the context was not offline`);
    }
    const offlineShot = await shot(dir, bob, 'offline');
    await bob.context.setOffline(false);
    await waitFor('bob is shown online again', bob.page, () =>
      document.getElementById('connection').textContent === 'Online');
    const want = ['Hi bob, this is alice', 'Hi alice, in the thread', 'While you were away (1)', 'While you were away (2, edited)', 'While you were away (3)'];
    await waitFor('bob catches up', bob.page, (w) => {
      const got = [...document.querySelectorAll('#messages .content')].map((e) => e.textContent);
      return got.length === w.length && got.every((t, i) => t === w[i]);
    }, want);
    // The catch-up came over a new connection, resumed from the cursor
    // (the app reconnects on the browser's online event).
    if ((await opens()) <= opensBefore) fail(`bob did not reconnect after going online (${opensBefore} connections before, ${await opens()} after)`);
    await waitFor('the edit is marked', bob.page, () =>
      [...document.querySelectorAll('#messages li')].find((li) => li.textContent.includes('(2, edited)'))?.querySelector('.edited') !== null);
    await waitFor('alice sees bob read it all', alice.page, () =>
      [...document.querySelectorAll('#messages li.own .ticks')].every((t) => t.dataset.state === 'read'));
    const backShots = [await shot(dir, bob, 'back'), await shot(dir, alice, 'back')];

    // An image: alice attaches a PNG; bob sees it load from its signed URL.
    // The answer to alice's send is held until both have the thumbnail,
    // and handed over as it is when the thumbnail is made after the send
    // (without it): a slow answer, older than the thumbnail's event, must
    // not take the thumbnail back.
    let release, answered;
    const released = new Promise((resolve) => { release = resolve; });
    const answerSent = new Promise((resolve) => { answered = resolve; });
    const sends = (url) => url.pathname.endsWith('/messages');
    await alice.page.route(sends, async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      const response = await route.fetch();
      const json = await response.json();
      for (const a of json.data?.attachments ?? []) {
        delete a.thumbnail_url;
        delete a.thumbnail_width;
        delete a.thumbnail_height;
      }
      await released;
      await route.fulfill({ response, json });
      answered();
    });
    await alice.page.getByLabel('Attach an image').setInputFiles({ name: 'gradient.png', mimeType: 'image/png', buffer: png(160, 96) });
    await input.fill('A picture of the launch pad');
    await input.press('Enter');
    const imageLoaded = () => {
      const li = [...document.querySelectorAll('#messages > li')].find((l) =>
        l.querySelector(':scope > .content')?.textContent === 'A picture of the launch pad');
      const img = li?.querySelector('.attachments img');
      return img !== null && img !== undefined && img.alt === 'gradient.png' && img.complete && img.naturalWidth > 0;
    };
    await waitFor('alice sees her image', alice.page, imageLoaded);
    await waitFor('bob sees alice\'s image load', bob.page, imageLoaded);
    // The server makes the thumbnail afterwards (attachment.processed):
    // both windows switch to it, and it loads too.
    const thumbnailLoaded = () => {
      const img = document.querySelector('#messages .attachments img');
      return img?.dataset.variant === 'thumbnail' && img.complete && img.naturalWidth > 0;
    };
    await waitFor('bob sees the thumbnail', bob.page, thumbnailLoaded);
    await waitFor('alice sees the thumbnail', alice.page, thumbnailLoaded);
    release();
    await answerSent;
    await alice.page.unroute(sends);
    // The app takes the answer in, then must still show the thumbnail.
    await alice.page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
    if (!(await alice.page.evaluate(thumbnailLoaded))) fail('alice\'s send\'s late answer took the thumbnail back');
    const imageSize = await bob.page.evaluate(() => {
      const img = document.querySelector('#messages .attachments img');
      return `${img.naturalWidth}×${img.naturalHeight}`;
    });

    // A pin: bob pins alice's first message; alice sees it pinned.
    await bob.page.getByRole('button', { name: 'Pin alice\'s message: Hi bob, this is alice' }).click();
    await waitFor('alice sees the pin', alice.page, () =>
      !document.getElementById('pins').hidden &&
      [...document.querySelectorAll('#pin-list .content')].some((e) => e.textContent === 'Hi bob, this is alice') &&
      [...document.querySelectorAll('#messages > li')].find((li) =>
        li.querySelector(':scope > .content')?.textContent === 'Hi bob, this is alice')?.querySelector(':scope > .pinned') != null);
    await waitFor('bob sees Unpin', bob.page, () =>
      document.querySelector('#messages > li button[data-action="unpin"]') !== null);
    const featuresShot = await shot(dir, alice, 'features');

    // Search: bob finds alice's message of #random from #general.
    await bob.page.getByLabel('Search messages').fill('"over here"');
    await bob.page.getByLabel('Search messages').press('Enter');
    const hit = bob.page.locator('#hits button.hit').first();
    await hit.waitFor();
    const marks = await hit.locator('mark').allInnerTexts();
    if (marks.join(' ') !== 'over here') fail(`the hit highlights ${JSON.stringify(marks)}, want ["over","here"]`);
    const searchShot = await shot(dir, bob, 'search');
    await hit.click();
    await bob.page.getByRole('heading', { name: '# random' }).waitFor();
    await waitFor('bob sees the found message focused', bob.page, () =>
      document.activeElement?.matches('#messages li.found') &&
      document.activeElement.querySelector(':scope > .content')?.textContent === '@bob over here in random');

    const errors = people.flatMap((p) => p.errors);
    if (errors.length > 0) fail(`page errors: ${errors.join(' | ')}`);
    const shots = [typingShot, unreadShot, offlineShot, ...backShots, featuresShot, searchShot];
    console.log(`demo: ok (typing, live message, read ticks, reaction, thread reply, unread count and mention, offline catch-up of ${offline.length} messages and an edit, an image of ${imageSize} px and its thumbnail seen by bob, a pin, a search hit opened; screenshots ${shots.join(', ')})`);
    return 0;
  } catch (err) {
    console.error(`demo: FAIL: ${err instanceof CheckError ? err.message : err.stack || err}`);
    for (const p of people) {
      if (p.errors.length > 0) console.error(`demo: page errors: ${p.errors.join(' | ')}`);
      try {
        console.error(`demo: screenshot: ${await shot(dir, p, 'failure')}`);
      } catch (shotErr) {
        console.error(`demo: no screenshot of ${p.user}: ${shotErr.message}`);
      }
    }
    return 1;
  } finally {
    await browser.close();
  }
}

const [base, dir] = process.argv.slice(2);
if (!base || !dir) {
  console.error('usage: node demo.mjs BASE_URL SHOT_DIR');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
run(base.endsWith('/') ? base : `${base}/`, dir).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`demo: FAIL: ${err.stack || err}`);
    process.exit(1);
  },
);
