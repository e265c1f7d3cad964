#!/usr/bin/env node
// Fixes what @asyncapi/html-template gets wrong for a reader of our page:
// node postprocess.mjs FILE (rewritten in place).
//
// The template styles descriptions with Tailwind's typography plugin, whose
// `.prose code::before/::after { content: "`" }` frames every inline code
// span with literal backticks (`GET /ws` shows as `GET /ws`, backticks and
// all). Rules after the template's own styles remove them. The page is
// hydrated from the spec by React, which keeps <head> as it is.
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: postprocess.mjs FILE');
  process.exit(2);
}
// A light background, instead, keeps neighbouring spans apart.
const CODE_SPAN_STYLE =
  '<style id="chatapi-code-spans">' +
  '.aui-root .prose code::before,.aui-root .prose code::after{content:none}' +
  '.aui-root .prose :not(pre)>code{background:#f1f5f9;border-radius:.25rem;padding:.1em .3em}' +
  '</style>';

const html = readFileSync(file, 'utf8');
// The document's own </head> closes a line; the bundled scripts hold the
// string too, inside longer lines.
const head = html.search(/^\s*<\/head>/m);
if (head < 0) {
  console.error(`postprocess: no </head> line in ${file}`);
  process.exit(1);
}
writeFileSync(file, html.slice(0, head) + '\n' + CODE_SPAN_STYLE + html.slice(head));
