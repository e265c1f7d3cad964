#!/usr/bin/env node
// Checks the generated HTML reference of asyncapi.yaml as a reader sees it:
// node check.mjs FILE. Exits 1, naming each problem, when
// - its visible text (outside <script>, <style> and <pre>, where code and
//   examples may hold any character) has a backtick: Markdown the template
//   showed raw, e.g. a code span in a title or summary, which it renders as
//   plain text;
// - its styles still frame inline code with backticks (Tailwind
//   typography's `content: "`"`) without postprocess.mjs's rule removing them.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: check.mjs FILE');
  process.exit(2);
}
const html = readFileSync(file, 'utf8');
const problems = [];

const text = html
  .replace(/<(script|style|pre)\b[^>]*>[\s\S]*?<\/\1>/gi, ' ')
  .replace(/<[^>]*>/g, ' ')
  .replace(/&#96;|&#x60;|&grave;/gi, '`');
// A code span shown raw (`x`) is one problem, a lone backtick another.
for (const m of text.matchAll(/`[^`<>]{0,80}`|`/g)) {
  const end = m.index + m[0].length;
  const around = text.slice(Math.max(0, m.index - 40), end + 40).replace(/\s+/g, ' ').trim();
  problems.push(`a backtick in the visible text: …${around}…`);
}

if (/content:\s*"`"/.test(html) && !html.includes('<style id="chatapi-code-spans">')) {
  problems.push('the styles put backticks around inline code and nothing removes them (see postprocess.mjs)');
}

if (problems.length > 0) {
  console.error(`${file}:`);
  for (const p of [...new Set(problems)]) console.error(`  ${p}`);
  process.exit(1);
}
console.error(`asyncapi-docs: ${file}: no stray backtick`);
