/**
 * Holds the pure zone (see ARCHITECTURE.md) to its promise: no I/O, no
 * clocks, no ambient randomness, no timers, no console and no `async` in
 * `src/raft`, `src/mvcc`, `src/lease`, `src/auth`, `src/watch`, `src/proto`
 * and `src/util`. Files named `real_*` and `*_test.ts` are exempt, and so is
 * any file of `src/util/` listed in {@linkcode UTIL_ALLOWLIST}.
 *
 * Comments, strings and template text are ignored: only code counts.
 *
 * Usage: `deno run -A scripts/check_purity.ts [root]` (root defaults to the
 * repository). Prints `file:line: forbidden "X"` per violation and exits 1,
 * or prints a one-line summary and exits 0.
 *
 * @module
 */

import { join } from "node:path";
import {
  listSourceFiles,
  relativePath,
  runChecker,
  type Token,
  tokenize,
  type Violation,
} from "./_source_scan.ts";

/**
 * Files under `src/util/` (paths relative to the root) that may use impure
 * APIs, e.g. a real clock that cannot be named `real_*`. Keep it short.
 */
export const UTIL_ALLOWLIST: readonly string[] = [];

/** The modules of the pure zone, as folders relative to the root. */
export const PURE_DIRS: readonly string[] = [
  "src/raft",
  "src/mvcc",
  "src/lease",
  "src/auth",
  "src/watch",
  "src/proto",
  "src/util",
];

/** `owner.member` pairs that are forbidden; a `null` member forbids any member. */
const FORBIDDEN_MEMBERS: readonly [string, string | null, string][] = [
  ["Deno", null, "Deno."],
  ["console", null, "console."],
  ["Date", "now", "Date.now"],
  ["performance", "now", "performance.now"],
  ["Math", "random", "Math.random"],
  ["crypto", "randomUUID", "crypto.randomUUID"],
  ["crypto", "getRandomValues", "crypto.getRandomValues"],
];

/** Names forbidden wherever they appear as code (not as a property or key). */
const FORBIDDEN_NAMES: ReadonlySet<string> = new Set([
  "setTimeout",
  "setInterval",
  "queueMicrotask",
  "async",
  "await",
]);

/** Objects through which a global is still the global (`globalThis.Deno`). */
const GLOBAL_OWNERS: ReadonlySet<string> = new Set(["globalThis", "window", "self"]);

/** Whether the file at `path` (relative to the root) is exempt from the rules. */
export function isExempt(path: string): boolean {
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (name.startsWith("real_") || name.endsWith("_test.ts")) return true;
  return path.startsWith("src/util/") && UTIL_ALLOWLIST.includes(path);
}

/** Whether `tokens[i]` is a property name (`x.name`, `#name`) rather than a free name. */
function isPropertyName(tokens: readonly Token[], i: number): boolean {
  const previous = tokens[i - 1];
  if (previous?.kind !== "punct") return false;
  if (previous.value === "#") return true;
  if (previous.value !== "." && previous.value !== "?.") return false;
  const owner = tokens[i - 2];
  return !(owner?.kind === "ident" && GLOBAL_OWNERS.has(owner.value));
}

/** Whether `tokens[i]` is an object-literal or type-member key (`{ name: …`, `; name?: …`). */
function isKey(tokens: readonly Token[], i: number): boolean {
  const previous = tokens[i - 1];
  const next = tokens[i + 1];
  const afterOpen = previous?.kind === "punct" &&
    (previous.value === "{" || previous.value === "," || previous.value === ";");
  const beforeColon = next?.kind === "punct" && (next.value === ":" || next.value === "?");
  return afterOpen && beforeColon;
}

function isPunct(token: Token | undefined, value: string): boolean {
  return token?.kind === "punct" && token.value === value;
}

function isMemberAccess(token: Token | undefined): boolean {
  return isPunct(token, ".") || isPunct(token, "?.");
}

/** The forbidden construct starting at `tokens[i]`, if any. */
function forbiddenAt(tokens: readonly Token[], i: number): string | undefined {
  const token = tokens[i]!;
  if (token.kind !== "ident" || isPropertyName(tokens, i)) return undefined;
  if (token.value === "new") {
    const next = tokens[i + 1];
    return next?.kind === "ident" && next.value === "Date" ? "new Date" : undefined;
  }
  if (FORBIDDEN_NAMES.has(token.value)) return isKey(tokens, i) ? undefined : token.value;
  if (!isMemberAccess(tokens[i + 1])) return undefined;
  const member = tokens[i + 2];
  for (const [owner, name, label] of FORBIDDEN_MEMBERS) {
    if (token.value !== owner) continue;
    if (name === null || (member?.kind === "ident" && member.value === name)) return label;
  }
  return undefined;
}

/** The forbidden uses in one file's `source`; `file` names it in the result. */
export function findForbidden(file: string, source: string): Violation[] {
  const tokens = tokenize(source);
  const violations: Violation[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const label = forbiddenAt(tokens, i);
    if (label !== undefined) {
      violations.push({ file, line: tokens[i]!.line, message: `forbidden "${label}"` });
    }
  }
  return violations;
}

/** Result of {@linkcode checkPurity}. */
export interface PurityReport {
  readonly filesScanned: number;
  readonly violations: Violation[];
}

/** Scans the pure zone under `root`. */
export async function checkPurity(root: string): Promise<PurityReport> {
  const violations: Violation[] = [];
  let filesScanned = 0;
  for (const entry of UTIL_ALLOWLIST) {
    if (!entry.startsWith("src/util/")) {
      violations.push({ file: entry, line: 0, message: "allowlist entry is not under src/util/" });
    }
  }
  for (const dir of PURE_DIRS) {
    for (const path of await listSourceFiles(join(root, dir))) {
      const file = relativePath(root, path);
      if (isExempt(file)) continue;
      filesScanned++;
      violations.push(...findForbidden(file, await Deno.readTextFile(path)));
    }
  }
  return { filesScanned, violations };
}

function main(args: string[]): Promise<number> {
  return runChecker(
    args,
    "check_purity",
    checkPurity,
    (report) =>
      report.violations.length > 0
        ? `check_purity: ${report.violations.length} forbidden use(s) in the pure zone ` +
          `(${report.filesScanned} files scanned)`
        : `check_purity: ok, ${report.filesScanned} files in the pure zone, no forbidden uses`,
  );
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
