/**
 * Tests of `scripts/check_purity.ts` and `scripts/check_deps.ts`: each case
 * builds a small tree in a temporary directory, runs the checker on it and
 * looks at the exit code and the printed violations. Both checkers must
 * also pass on the real repository.
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { checkPurity } from "../scripts/check_purity.ts";
import { checkDeps } from "../scripts/check_deps.ts";
import { formatViolations } from "../scripts/_source_scan.ts";

const repoRoot = new URL("..", import.meta.url).pathname;
const scriptsDir = join(repoRoot, "scripts");

type Tree = Record<string, string>;

async function withTree<T>(tree: Tree, body: (root: string) => Promise<T>): Promise<T> {
  const root = await Deno.makeTempDir({ prefix: "etcd_ts_check_" });
  try {
    for (const [path, text] of Object.entries(tree)) {
      await Deno.mkdir(join(root, dirname(path)), { recursive: true });
      await Deno.writeTextFile(join(root, path), text);
    }
    return await body(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

interface ScriptResult {
  readonly code: number;
  readonly lines: string[];
}

async function runScript(script: string, root?: string): Promise<ScriptResult> {
  const args = ["run", "-A", join(scriptsDir, script), ...(root === undefined ? [] : [root])];
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  return { code: output.code, lines: text.split("\n").filter((line) => line !== "") };
}

async function purityLines(tree: Tree): Promise<string[]> {
  return await withTree(tree, async (root) => {
    return formatViolations((await checkPurity(root)).violations);
  });
}

async function depsLines(tree: Tree): Promise<string[]> {
  return await withTree(tree, async (root) => {
    return formatViolations((await checkDeps(root)).violations);
  });
}

const CLEAN_RAFT = `import { assert } from "../util/assert.ts";

/** Comment: Math.random() and Date.now() and await are only words here. */
export function step(term: number): number {
  // setTimeout(() => console.log("no"), 1); Deno.exit(1);
  const note = "await Math.random() Deno.readFile console.log";
  const template = \`new Date() \${term} async\`;
  assert(note.length > 0 && template.length > 0);
  const ratio = term / 2 / 1;
  return /await|Deno\\./.test(note) ? ratio : term;
}
`;

const CLEAN_UTIL_ASSERT = `export function assert(condition: unknown): asserts condition {
  if (!condition) throw new Error("assertion failed");
}
`;

// ---------------------------------------------------------------- purity

Deno.test("check_purity passes a clean pure-zone tree", async () => {
  await withTree(
    { "src/raft/raft.ts": CLEAN_RAFT, "src/util/assert.ts": CLEAN_UTIL_ASSERT },
    async (root) => {
      const result = await runScript("check_purity.ts", root);
      assert.equal(result.code, 0, result.lines.join("\n"));
      assert.equal(result.lines.length, 1);
      assert.match(result.lines[0]!, /^check_purity: ok, 2 files/);
    },
  );
});

Deno.test("check_purity ignores Math.random() inside a comment", async () => {
  assert.deepEqual(
    await purityLines({
      "src/mvcc/kv.ts": "// Math.random()\n/* Math.random() */\nexport const x = 1;\n",
    }),
    [],
  );
});

Deno.test("check_purity fails on await in src/raft", async () => {
  await withTree({
    "src/raft/raft.ts": CLEAN_RAFT,
    "src/raft/bad.ts":
      "export function f(p: Promise<number>) {\n  return p;\n}\nawait f(Promise.resolve(1));\n",
  }, async (root) => {
    const result = await runScript("check_purity.ts", root);
    assert.equal(result.code, 1);
    assert.equal(result.lines[0], 'src/raft/bad.ts:4: forbidden "await"');
    assert.equal(result.lines.length, 2); // the violation and a summary
  });
});

Deno.test("check_purity reports each forbidden use with its line", async () => {
  const cases: [string, string][] = [
    ["const x = Deno.args;", "Deno."],
    ["const x = Date.now();", "Date.now"],
    ["const x = new Date();", "new Date"],
    ["const x = performance.now();", "performance.now"],
    ["const x = Math.random();", "Math.random"],
    ["const x = crypto.randomUUID();", "crypto.randomUUID"],
    ["const x = new Uint8Array(4); crypto.getRandomValues(x);", "crypto.getRandomValues"],
    ["setTimeout(() => {}, 1);", "setTimeout"],
    ["const x = setInterval(() => {}, 1);", "setInterval"],
    ["queueMicrotask(() => {});", "queueMicrotask"],
    ['console.log("hi");', "console."],
    ["export async function f() {}", "async"],
    ["export const f = async () => 1;", "async"],
    ["const x = await Promise.resolve(1);", "await"],
    ["globalThis.setTimeout(() => {}, 1);", "setTimeout"],
    ["const x = [...Deno.args];", "Deno."],
    ["const x = `${Date.now()}`;", "Date.now"],
  ];
  for (const [code, label] of cases) {
    for (const dir of ["raft", "mvcc", "lease", "auth", "proto", "util"]) {
      const lines = await purityLines({ [`src/${dir}/m.ts`]: `// header\n${code}\n` });
      assert.deepEqual(lines, [`src/${dir}/m.ts:2: forbidden "${label}"`], `${dir}: ${code}`);
    }
  }
});

Deno.test("check_purity allows property names and keys that look like forbidden names", async () => {
  const code = [
    "const timer = { setTimeout: 1, async: true };",
    "export function f(o: { await: number; setInterval?: number }) {",
    "  return o.await + timer.setTimeout + (o.setInterval ?? 0);",
    "}",
    "export class C {",
    "  #console = 1;",
    "  get() { return this.#console; }",
    "}",
  ].join("\n");
  assert.deepEqual(await purityLines({ "src/auth/a.ts": code }), []);
});

Deno.test("check_purity skips real_* files, *_test.ts files and impure modules", async () => {
  const impure =
    "export async function f() { await Promise.resolve(); console.log(Date.now()); }\n";
  assert.deepEqual(
    await purityLines({
      "src/util/real_clock.ts": impure,
      "src/raft/raft_test.ts": impure,
      "src/server/raft_node.ts": impure,
      "src/api/router.ts": impure,
      "tests/sim/main.ts": impure,
      "scripts/x.ts": impure,
    }),
    [],
  );
});

// ---------------------------------------------------------------- deps

Deno.test("check_deps passes a tree that follows the table", async () => {
  await withTree({
    "main.ts": 'import { run } from "./src/cli/mod.ts";\nrun();\n',
    "src/util/assert.ts": CLEAN_UTIL_ASSERT,
    "src/util/mod.ts": 'export * from "./assert.ts";\n',
    "src/raft/raft.ts": CLEAN_RAFT,
    "src/raft/raft_test.ts": 'import assert from "node:assert/strict";\nimport "./raft.ts";\n',
    "src/proto/rpc.ts":
      'import type { assert } from "../util/mod.ts";\nexport type A = typeof assert;\n',
    "src/mvcc/kv.ts": 'import "../util/mod.ts";\nimport type { A } from "../proto/rpc.ts";\n',
    "src/storage/wal.ts": 'import { step } from "../raft/raft.ts";\nexport { step };\n',
    "src/server/apply.ts": 'import "../mvcc/kv.ts";\nimport { Packr } from "msgpackr";\n' +
      'import { open } from "node:fs/promises";\nexport { Packr, open };\n',
    "src/client/client.ts": 'export * from "../proto/rpc.ts";\n',
    "src/cli/mod.ts": 'import "../client/client.ts";\nexport function run() {}\n',
  }, async (root) => {
    const result = await runScript("check_deps.ts", root);
    assert.equal(result.code, 0, result.lines.join("\n"));
    assert.equal(result.lines.length, 1);
    assert.match(result.lines[0]!, /^check_deps: ok, 11 files/);
  });
});

Deno.test("check_deps fails when raft imports mvcc", async () => {
  await withTree({
    "src/mvcc/kv.ts": "export const kv = 1;\n",
    "src/raft/raft.ts": '// raft\nimport { kv } from "../mvcc/kv.ts";\nexport const r = kv;\n',
  }, async (root) => {
    const result = await runScript("check_deps.ts", root);
    assert.equal(result.code, 1);
    assert.equal(
      result.lines[0],
      'src/raft/raft.ts:2: src/raft may not import src/mvcc ("../mvcc/kv.ts")',
    );
  });
});

Deno.test("check_deps fails when util imports raft", async () => {
  assert.deepEqual(
    await depsLines({
      "src/raft/types.ts": "export type Term = number;\n",
      "src/util/bytes.ts": 'import type { Term } from "../raft/types.ts";\nexport type T = Term;\n',
    }),
    ['src/util/bytes.ts:1: src/util may not import src/raft ("../raft/types.ts")'],
  );
});

Deno.test("check_deps fails on a two-file import cycle", async () => {
  await withTree({
    "src/raft/a.ts": 'import { b } from "./b.ts";\nexport const a = () => b;\n',
    "src/raft/b.ts": '// b\nimport { a } from "./a.ts";\nexport const b = () => a;\n',
  }, async (root) => {
    const result = await runScript("check_deps.ts", root);
    assert.equal(result.code, 1);
    assert.equal(
      result.lines[0],
      "src/raft/a.ts:1: import cycle: src/raft/a.ts -> src/raft/b.ts -> src/raft/a.ts",
    );
  });
});

Deno.test("check_deps reports a longer cycle and a self-import", async () => {
  assert.deepEqual(
    await depsLines({
      "src/mvcc/a.ts": 'export * from "./b.ts";\n',
      "src/mvcc/b.ts": 'export * from "./c.ts";\n',
      "src/mvcc/c.ts": 'import "./a.ts";\n',
      "src/lease/self.ts": 'import "./self.ts";\n',
    }),
    [
      "src/lease/self.ts:1: import cycle: src/lease/self.ts -> src/lease/self.ts",
      "src/mvcc/a.ts:1: import cycle: src/mvcc/a.ts -> src/mvcc/b.ts -> src/mvcc/c.ts -> src/mvcc/a.ts",
    ],
  );
});

Deno.test("check_deps enforces the package rules of the pure zone", async () => {
  assert.deepEqual(
    await depsLines({
      "src/raft/codec.ts": 'import { Packr } from "msgpackr";\nexport { Packr };\n',
      "src/raft/fc.ts": 'import fc from "npm:fast-check@4.10.2";\nexport { fc };\n',
      "src/util/fs.ts": 'import { readFile } from "node:fs/promises";\nexport { readFile };\n',
      "src/mvcc/kv.ts": 'import { Packr } from "msgpackr";\nexport { Packr };\n',
      "src/util/real_clock.ts":
        'import { setTimeout } from "node:timers";\nexport { setTimeout };\n',
    }),
    [
      'src/raft/codec.ts:1: src/raft may not import packages ("msgpackr")',
      'src/raft/fc.ts:1: src/raft may not import packages ("npm:fast-check@4.10.2")',
      'src/util/fs.ts:1: pure module src/util may not import "node:fs/promises"',
    ],
  );
});

Deno.test("check_deps fails when src imports tests or another module's private file", async () => {
  assert.deepEqual(
    await depsLines({
      "tests/sim/net.ts": "export const net = 1;\n",
      "src/server/node.ts": 'import { net } from "../../tests/sim/net.ts";\nexport { net };\n',
      "src/util/_private.ts": "export const p = 1;\n",
      "src/util/ok.ts": 'import { p } from "./_private.ts";\nexport { p };\n',
      "src/raft/bad.ts": 'import { p } from "../util/_private.ts";\nexport { p };\n',
      "src/raft/missing.ts": 'import "./nowhere.ts";\n',
      "src/stray.ts": "export const s = 1;\n",
    }),
    [
      'src/raft/bad.ts:1: "src/util/_private.ts" is private to src/util',
      'src/raft/missing.ts:1: cannot resolve "./nowhere.ts"',
      'src/server/node.ts:1: src/ never imports tests/ ("../../tests/sim/net.ts")',
      "src/stray.ts:1: files in src/ must live in a module folder (src/<module>/)",
    ],
  );
});

Deno.test("check_deps ignores import-like text in comments and strings", async () => {
  assert.deepEqual(
    await depsLines({
      "src/util/a.ts": [
        '// import { x } from "../raft/raft.ts";',
        "const s = 'import \"../raft/raft.ts\"';",
        'export const t = `export * from "../raft/raft.ts"` + s;',
        "export const m = import.meta.url;",
      ].join("\n"),
    }),
    [],
  );
});

// ---------------------------------------------------------------- the real repo

Deno.test("check_purity passes on the repository", async () => {
  const result = await runScript("check_purity.ts");
  assert.equal(result.code, 0, result.lines.join("\n"));
});

Deno.test("check_deps passes on the repository", async () => {
  const result = await runScript("check_deps.ts");
  assert.equal(result.code, 0, result.lines.join("\n"));
});
