/**
 * etcdctl's txn grammar, quirks included.
 *
 * Compares: `<target>("<key>") <op> "<value>"` read by Go's
 * `fmt.Sscanf(rest, "%q) %s %q")`, with targets `ver|version`,
 * `c|create`, `m|mod` (decimal), `val|value` (bytes) and `lease` (hex; etcdctl
 * 3.4 itself panics on it), and ops `=`, `!=`, `<`, `>` (any other op makes
 * etcdctl panic: "Unknown result op").
 *
 * Requests: `put|get|del …` split into arguments by etcdctl's `argify`:
 * double-quoted strings are Go string literals; single-quoted strings keep
 * etcdctl's slicing bug (`'hello'` in a three-argument line becomes `h`).
 *
 * @module
 */

import { type Compare, compare, type CompareResult, type CompareTarget } from "../proto/rpc.ts";
import { utf8Decode, utf8Encode } from "../util/bytes.ts";
import { goQuote, GoSyntaxError, goUnquote, parseGoInt } from "../util/go_strconv.ts";
import { CtlExit, ExitCode, exitWithError } from "./exit.ts";

const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;

/** Go's `unicode.IsSpace`. */
export function isGoSpace(ch: string | undefined): boolean {
  return ch !== undefined && GO_SPACE.test(ch);
}

/** Go's `strings.TrimSpace`. */
export function goTrimSpace(text: string): string {
  const chars = [...text];
  let start = 0;
  let end = chars.length;
  while (start < end && isGoSpace(chars[start])) start++;
  while (end > start && isGoSpace(chars[end - 1])) end--;
  return chars.slice(start, end).join("");
}

/** A Go panic: etcdctl prints `panic: <message>` and exits 2. */
export function goPanic(message: string): CtlExit {
  return new CtlExit(2, `panic: ${message}\n`);
}

const ARG_PATTERN = /"(?:[^"\\]|\\[^\n])*"|'[^']*'|[^'"\t\n\f\r ][^\t\n\f\r ]*[^'"\t\n\f\r ]?/g;

/** etcdctl's `argify`: a txn request line split into arguments. */
export function argify(line: string): string[] {
  const args = line.match(ARG_PATTERN) ?? [];
  return args.map((arg) => {
    if (arg.startsWith("'")) {
      // etcdctl slices with the number of arguments, not the argument's length.
      const end = args.length - 1;
      if (end < 1) throw goPanic(`runtime error: slice bounds out of range [1:${end}]`);
      if (end > arg.length) {
        throw goPanic(
          `runtime error: slice bounds out of range [:${end}] with length ${arg.length}`,
        );
      }
      return arg.slice(1, end);
    }
    if (arg.startsWith('"')) {
      try {
        return utf8Decode(goUnquote(arg));
      } catch (e) {
        if (e instanceof GoSyntaxError) throw exitWithError(ExitCode.invalidInput, e.message);
        throw e;
      }
    }
    return arg;
  });
}

/** What `Sscanf(rest, "%q) %s %q", &key, &op, &val)` stored, and how many. */
export interface CompareScan {
  readonly n: number;
  readonly key: Uint8Array;
  readonly op: string;
  readonly val: Uint8Array;
}

class Scanner {
  readonly chars: string[];
  pos = 0;

  constructor(text: string) {
    this.chars = [...text];
  }

  skipSpace(): void {
    while (isGoSpace(this.chars[this.pos])) this.pos++;
  }

  /** `%q`: a double- or back-quoted Go string, or `null` on failure. */
  quoted(): Uint8Array | null {
    this.skipSpace();
    const quote = this.chars[this.pos++];
    if (quote === "`") {
      const end = this.chars.indexOf("`", this.pos);
      if (end < 0) return null;
      const raw = this.chars.slice(this.pos, end).join("");
      this.pos = end + 1;
      return utf8Encode(raw);
    }
    if (quote !== '"') return null;
    let text = '"';
    for (;;) {
      const c = this.chars[this.pos++];
      if (c === undefined) return null;
      text += c;
      if (c === "\\") {
        const next = this.chars[this.pos++];
        if (next === undefined) return null;
        text += next;
      } else if (c === '"') break;
    }
    try {
      return goUnquote(text);
    } catch {
      return null;
    }
  }

  /** A literal rune of the format. */
  literal(ch: string): boolean {
    return this.chars[this.pos++] === ch;
  }

  /** A space of the format: one or more spaces, or the end of input. */
  space(): boolean {
    const c = this.chars[this.pos];
    if (c !== undefined && !isGoSpace(c)) return false;
    this.skipSpace();
    return true;
  }

  /** `%s`: the next space-delimited word, or `null` at the end of input. */
  word(): string | null {
    this.skipSpace();
    if (this.pos >= this.chars.length) return null;
    const start = this.pos;
    while (this.pos < this.chars.length && !isGoSpace(this.chars[this.pos])) this.pos++;
    return this.chars.slice(start, this.pos).join("");
  }
}

/** Go's `fmt.Sscanf(rest, "%q) %s %q", …)` over the text after a compare's `(`. */
export function scanCompare(rest: string): CompareScan {
  const empty = new Uint8Array(0);
  const s = new Scanner(rest);
  const key = s.quoted();
  if (key === null) return { n: 0, key: empty, op: "", val: empty };
  if (!s.literal(")") || !s.space()) return { n: 1, key, op: "", val: empty };
  const op = s.word();
  if (op === null || !s.space()) return { n: op === null ? 1 : 2, key, op: op ?? "", val: empty };
  const val = s.quoted();
  if (val === null) return { n: 2, key, op, val: empty };
  return { n: 3, key, op, val };
}

const RESULTS: Readonly<Record<string, CompareResult>> = {
  "=": "EQUAL",
  "!=": "NOT_EQUAL",
  ">": "GREATER",
  "<": "LESS",
};

const TARGETS: Readonly<Record<string, CompareTarget>> = {
  ver: "VERSION",
  version: "VERSION",
  c: "CREATE",
  create: "CREATE",
  m: "MOD",
  mod: "MOD",
  val: "VALUE",
  value: "VALUE",
  lease: "LEASE",
};

function compareOf(target: CompareTarget, scan: CompareScan, line: string): Compare {
  const invalid = () =>
    exitWithError(ExitCode.invalidInput, `invalid txn compare request: ${line}`);
  let operand: Partial<Compare>;
  if (target === "VALUE") operand = { value: scan.val };
  else {
    let n: bigint;
    try {
      n = parseGoInt(utf8Decode(scan.val), target === "LEASE" ? 16 : 10);
    } catch {
      throw invalid();
    }
    if (target === "LEASE") operand = { lease: n };
    else if (target === "VERSION") operand = { version: Number(n) };
    else if (target === "CREATE") operand = { createRevision: Number(n) };
    else operand = { modRevision: Number(n) };
  }
  const result = RESULTS[scan.op];
  if (result === undefined) throw goPanic("Unknown result op");
  return compare({ result, target, key: scan.key, ...operand });
}

/** etcdctl's `parseCompare`: one compare line. */
export function parseCompare(line: string): Compare {
  const paren = line.indexOf("(");
  if (paren < 0) throw exitWithError(ExitCode.invalidInput, `malformed comparison: ${line}`);
  const targetName = line.slice(0, paren);
  const scan = scanCompare(line.slice(paren + 1));
  if (scan.n !== 3) {
    throw exitWithError(
      ExitCode.invalidInput,
      `malformed comparison: ${line}; got ${targetName}(${goQuote(scan.key)}) ${scan.op} ${
        goQuote(scan.val)
      }`,
    );
  }
  const target = Object.hasOwn(TARGETS, targetName) ? TARGETS[targetName] : undefined;
  if (target === undefined) {
    throw exitWithError(
      ExitCode.invalidInput,
      `malformed comparison: ${line} (unknown target ${targetName})`,
    );
  }
  return compareOf(target, scan, line);
}
