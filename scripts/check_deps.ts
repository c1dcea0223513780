/**
 * Holds the code to the import direction table of ARCHITECTURE.md ("Who may
 * import whom") and finds import cycles between files.
 *
 * Reads every `import … from`, `import "…"`, `export … from` and
 * `import("…")` specifier in `src/**` and `main.ts`:
 * - a relative specifier resolves to a file, whose module is its folder
 *   under `src/` (`src/<module>/…`); the importing module must be allowed
 *   to import that module by {@linkcode ALLOWED_IMPORTS};
 * - `src/` never imports `tests/` (nor anything else outside `src/`);
 * - files starting with `_` are private to their module;
 * - the pure modules may not import `node:` modules, and `src/raft` may not
 *   import packages at all (`npm:`, `jsr:`, bare import-map names, URLs);
 *   test files (`*_test.ts`) and real implementations (`real_*`) are exempt
 *   from these two package rules;
 * - there are no import cycles between files (type-only imports included).
 *
 * Usage: `deno run -A scripts/check_deps.ts [root]` (root defaults to the
 * repository). Prints `file:line: message` per violation and exits 1, or
 * prints a one-line summary and exits 0.
 *
 * @module
 */

import { dirname, join, resolve } from "node:path";
import {
  listSourceFiles,
  relativePath,
  runChecker,
  type Token,
  tokenize,
  type Violation,
} from "./_source_scan.ts";

/** The modules each module may import, besides itself ("main.ts" is the entry point). */
export const ALLOWED_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  util: [],
  raft: ["util"],
  proto: ["util"],
  mvcc: ["util", "proto"],
  lease: ["util", "proto"],
  auth: ["util", "proto"],
  watch: ["util", "proto"],
  storage: ["util", "raft"],
  server: ["util", "raft", "proto", "mvcc", "lease", "auth", "watch", "storage"],
  api: ["util", "proto", "server"],
  client: ["util", "proto"],
  cli: ["util", "proto", "client"],
  "main.ts": ["cli", "server", "api"],
};

/** Modules that must stay synchronous and free of I/O. */
export const PURE_MODULES: ReadonlySet<string> = new Set([
  "raft",
  "mvcc",
  "lease",
  "auth",
  "watch",
  "proto",
  "util",
]);

/** Modules that may not import any package, not even from npm. */
export const NO_PACKAGE_MODULES: ReadonlySet<string> = new Set(["raft"]);

/** One import specifier found in a file. */
export interface ImportRef {
  readonly specifier: string;
  readonly line: number;
}

function isIdent(token: Token | undefined, value?: string): boolean {
  return token?.kind === "ident" && (value === undefined || token.value === value);
}

function isPunct(token: Token | undefined, value: string): boolean {
  return token?.kind === "punct" && token.value === value;
}

/**
 * The specifier of the `import`/`export` statement starting at `tokens[i]`,
 * if the statement has one (`import … from "x"`, `import "x"`,
 * `import("x")`, `export … from "x"`).
 */
function specifierAt(tokens: readonly Token[], i: number): Token | undefined {
  const keyword = tokens[i]!;
  const previous = tokens[i - 1];
  if (isPunct(previous, ".") || isPunct(previous, "?.")) return undefined;
  const next = tokens[i + 1];
  if (keyword.value === "import") {
    if (next?.kind === "string") return next;
    if (isPunct(next, "(")) return tokens[i + 2]?.kind === "string" ? tokens[i + 2] : undefined;
    if (isPunct(next, ".")) return undefined; // import.meta
  } else if (!(isPunct(next, "{") || isPunct(next, "*") || isIdent(next, "type"))) {
    return undefined; // export const/function/class/default …
  }
  for (let j = i + 1; j < tokens.length; j++) {
    const token = tokens[j]!;
    if (isPunct(token, ";") || isPunct(token, "=") || isPunct(token, "(")) return undefined;
    if (isIdent(token, "from") && tokens[j + 1]?.kind === "string") return tokens[j + 1];
    if (token.kind === "ident" && (token.value === "import" || token.value === "export")) {
      return undefined;
    }
  }
  return undefined;
}

/** Every import specifier in `source`. */
export function findImports(source: string): ImportRef[] {
  const tokens = tokenize(source);
  const refs: ImportRef[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== "ident" || (token.value !== "import" && token.value !== "export")) continue;
    const specifier = specifierAt(tokens, i);
    if (specifier !== undefined) refs.push({ specifier: specifier.value, line: token.line });
  }
  return refs;
}

/**
 * The module a root-relative path belongs to: "main.ts", the folder under
 * `src/`, "" for a file directly in `src/`, or undefined outside `src/`.
 */
export function moduleOf(path: string): string | undefined {
  if (path === "main.ts") return "main.ts";
  if (!path.startsWith("src/")) return undefined;
  const rest = path.slice(4);
  const slash = rest.indexOf("/");
  return slash < 0 ? "" : rest.slice(0, slash);
}

function isRelative(specifier: string): boolean {
  return specifier.startsWith("./") || specifier.startsWith("../") || specifier.startsWith("/") ||
    specifier.startsWith("file:");
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

interface FileImports {
  readonly file: string;
  readonly module: string;
  readonly refs: readonly ImportRef[];
}

interface Edge {
  readonly to: string;
  readonly line: number;
}

function unknownModule(module: string): string {
  return module === ""
    ? "files in src/ must live in a module folder (src/<module>/)"
    : `unknown module src/${module}: add it to ARCHITECTURE.md and scripts/check_deps.ts`;
}

/** Checks one package (non-relative) specifier against the package rules. */
function checkPackage(from: FileImports, ref: ImportRef): string | undefined {
  const name = baseName(from.file);
  if (name.endsWith("_test.ts") || name.startsWith("real_")) return undefined;
  if (NO_PACKAGE_MODULES.has(from.module)) {
    return `src/${from.module} may not import packages ("${ref.specifier}")`;
  }
  if (PURE_MODULES.has(from.module) && ref.specifier.startsWith("node:")) {
    return `pure module src/${from.module} may not import "${ref.specifier}"`;
  }
  return undefined;
}

/** Checks one relative import whose target is `target` (root-relative). */
function checkRelative(from: FileImports, ref: ImportRef, target: string): string | undefined {
  const targetModule = moduleOf(target);
  if (target.startsWith("tests/")) return `src/ never imports tests/ ("${ref.specifier}")`;
  if (targetModule === undefined || targetModule === "main.ts") {
    return `imports "${ref.specifier}" from outside src/`;
  }
  if (!(targetModule in ALLOWED_IMPORTS)) return unknownModule(targetModule);
  if (targetModule === from.module) return undefined;
  if (baseName(target).startsWith("_")) {
    return `"${target}" is private to src/${targetModule}`;
  }
  const allowed = ALLOWED_IMPORTS[from.module] ?? [];
  if (!allowed.includes(targetModule)) {
    const who = from.module === "main.ts" ? "main.ts" : `src/${from.module}`;
    return `${who} may not import src/${targetModule} ("${ref.specifier}")`;
  }
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Result of {@linkcode checkDeps}. */
export interface DepsReport {
  readonly filesScanned: number;
  readonly importsScanned: number;
  readonly violations: Violation[];
}

async function readFileImports(root: string): Promise<FileImports[]> {
  const paths = await listSourceFiles(join(root, "src"));
  if (await exists(join(root, "main.ts"))) paths.push(join(root, "main.ts"));
  const files: FileImports[] = [];
  for (const path of paths) {
    const file = relativePath(root, path);
    const refs = findImports(await Deno.readTextFile(path));
    files.push({ file, module: moduleOf(file) ?? "", refs });
  }
  return files;
}

function resolveTarget(root: string, from: string, specifier: string): string {
  const path = specifier.startsWith("file:")
    ? new URL(specifier).pathname
    : specifier.startsWith("/")
    ? specifier
    : resolve(root, dirname(from), specifier);
  return relativePath(root, path);
}

/** Checks the import rules and cycles for the tree at `root`. */
export async function checkDeps(root: string): Promise<DepsReport> {
  const files = await readFileImports(root);
  const violations: Violation[] = [];
  const graph = new Map<string, Edge[]>();
  let importsScanned = 0;
  for (const from of files) {
    const edges: Edge[] = [];
    graph.set(from.file, edges);
    const known = from.module in ALLOWED_IMPORTS;
    if (!known) violations.push({ file: from.file, line: 1, message: unknownModule(from.module) });
    for (const ref of from.refs) {
      importsScanned++;
      let message: string | undefined;
      if (isRelative(ref.specifier)) {
        const target = resolveTarget(root, from.file, ref.specifier);
        if (await exists(join(root, target))) {
          edges.push({ to: target, line: ref.line });
          if (known) message = checkRelative(from, ref, target);
        } else {
          message = `cannot resolve "${ref.specifier}"`;
        }
      } else if (known) {
        message = checkPackage(from, ref);
      }
      if (message !== undefined) violations.push({ file: from.file, line: ref.line, message });
    }
  }
  violations.push(...findCycles(graph));
  return { filesScanned: files.length, importsScanned, violations };
}

/**
 * One violation per strongly connected component of the import graph that
 * holds a cycle, naming one cycle through it.
 */
export function findCycles(graph: ReadonlyMap<string, readonly Edge[]>): Violation[] {
  const violations: Violation[] = [];
  for (const component of stronglyConnected(graph)) {
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    const selfLoop = graph.get(start)?.some((edge) => edge.to === start) ?? false;
    if (component.length === 1 && !selfLoop) continue;
    const path = cycleThrough(graph, start, members);
    const firstEdge = graph.get(start)!.find((edge) => edge.to === (path[1] ?? start))!;
    violations.push({
      file: start,
      line: firstEdge.line,
      message: `import cycle: ${path.join(" -> ")}`,
    });
  }
  return violations;
}

/** A shortest cycle from `start` back to itself within `members` (breadth first). */
function cycleThrough(
  graph: ReadonlyMap<string, readonly Edge[]>,
  start: string,
  members: ReadonlySet<string>,
): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (const { to } of graph.get(node) ?? []) {
      if (!members.has(to)) continue;
      if (to === start) {
        const path = [start];
        for (let at = node; at !== start; at = parent.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!parent.has(to)) {
        parent.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start, start];
}

/** Tarjan's algorithm, iterative; components in discovery order. */
function stronglyConnected(graph: ReadonlyMap<string, readonly Edge[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const root of [...graph.keys()].sort()) {
    if (index.has(root)) continue;
    const work: { node: string; edge: number }[] = [{ node: root, edge: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work.at(-1)!;
      const edges = graph.get(frame.node) ?? [];
      if (frame.edge < edges.length) {
        const to = edges[frame.edge++]!.to;
        if (!graph.has(to)) continue;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, edge: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent !== undefined) {
        low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component);
      }
    }
  }
  return components;
}

function main(args: string[]): Promise<number> {
  return runChecker(
    args,
    "check_deps",
    checkDeps,
    (report) =>
      report.violations.length > 0
        ? `check_deps: ${report.violations.length} violation(s) ` +
          `(${report.filesScanned} files, ${report.importsScanned} imports scanned)`
        : `check_deps: ok, ${report.filesScanned} files, ${report.importsScanned} imports, ` +
          `no forbidden imports, no cycles`,
  );
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
