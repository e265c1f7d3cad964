// Type-checks the TypeScript examples of README.md (the ```ts blocks)
// against the built SDK in dist/, so the README cannot drift from the API.
//   node scripts/check-readme.mjs   (after tsc)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const here = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const readme = readFileSync(path.join(here, "README.md"), "utf8");
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const complete = blocks.filter((b) => b.includes("import {"));
if (complete.length < 2) throw new Error("check-readme: README.md has fewer than two complete ts examples");
const dir = mkdtempSync(path.join(tmpdir(), "chatapi-readme-"));
try {
  const files = complete.map((code, i) => {
    const f = path.join(dir, `example${i}.ts`);
    writeFileSync(f, code);
    return f;
  });
  writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "ES2022",
        moduleResolution: "Bundler",
        lib: ["ES2022", "DOM"],
        types: ["node"],
        typeRoots: [path.join(here, "node_modules/@types")],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        baseUrl: here,
        paths: { "@chatapi/sdk": [path.join(here, "dist/index.d.ts")], "openapi-fetch": [path.join(here, "node_modules/openapi-fetch")] },
      },
      files,
    }),
  );
  execFileSync(path.join(here, "node_modules/.bin/tsc"), ["-p", path.join(dir, "tsconfig.json")], { stdio: "inherit" });
  const ui = complete[0].trimEnd().split("\n").length;
  console.log(`readme: ${complete.length} examples type-check; the chat UI is ${ui} lines`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
