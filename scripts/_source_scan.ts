/**
 * A small TypeScript tokenizer and file walker shared by `check_purity.ts`
 * and `check_deps.ts`. It knows just enough of the language to tell code
 * from comments, strings, template literal text and regular expressions,
 * so a forbidden word inside a comment or a string never counts.
 *
 * @module
 */

import { join, relative, sep } from "node:path";

/** What a {@linkcode Token} is. */
export type TokenKind = "ident" | "punct" | "number" | "string" | "template" | "regex";

/** One token of source code. Comments and white space produce none. */
export interface Token {
  readonly kind: TokenKind;
  /** Identifier or punctuation text; a string's value without quotes. */
  readonly value: string;
  /** 1-based line where the token starts. */
  readonly line: number;
}

/** One rule violation, printed as `file:line: message`. */
export interface Violation {
  /** Path relative to the scanned root, with forward slashes. */
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** Formats violations one per line, sorted by file and line. */
export function formatViolations(violations: readonly Violation[]): string[] {
  return [...violations]
    .sort((a, b) => a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line)
    .map((v) => `${v.file}:${v.line}: ${v.message}`);
}

/** Keywords after which a `/` starts a regular expression, not a division. */
const REGEX_AFTER_KEYWORDS = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
]);

const IDENT_START = /[\p{ID_Start}$_\\]/u;
const IDENT_PART = /[\p{ID_Continue}$_\u200c\u200d\\]/u;

/** Splits TypeScript `source` into tokens, skipping comments and white space. */
export function tokenize(source: string): Token[] {
  return new Tokenizer(source).run();
}

class Tokenizer {
  #src: string;
  #pos = 0;
  #line = 1;
  #tokens: Token[] = [];
  /** One entry per open `{`: "brace" for a block, "template" for a `${`. */
  #braces: ("brace" | "template")[] = [];
  #regexAllowed = true;

  constructor(source: string) {
    this.#src = source;
  }

  run(): Token[] {
    if (this.#src.startsWith("#!")) this.#skipLine();
    while (this.#pos < this.#src.length) this.#next();
    return this.#tokens;
  }

  #emit(kind: TokenKind, value: string, line: number, regexAllowedAfter: boolean): void {
    this.#tokens.push({ kind, value, line });
    this.#regexAllowed = regexAllowedAfter;
  }

  #advance(count: number): void {
    for (let i = 0; i < count; i++) {
      if (this.#src[this.#pos] === "\n") this.#line++;
      this.#pos++;
    }
  }

  #skipLine(): void {
    while (this.#pos < this.#src.length && this.#src[this.#pos] !== "\n") this.#pos++;
  }

  #next(): void {
    const c = this.#src[this.#pos]!;
    const c2 = this.#src[this.#pos + 1];
    if (c === "\n" || c === " " || c === "\t" || c === "\r" || c === "\f" || c === "\v") {
      this.#advance(1);
    } else if (c === "/" && c2 === "/") {
      this.#skipLine();
    } else if (c === "/" && c2 === "*") {
      const end = this.#src.indexOf("*/", this.#pos + 2);
      this.#advance((end < 0 ? this.#src.length : end + 2) - this.#pos);
    } else if (c === "'" || c === '"') {
      this.#string(c);
    } else if (c === "`") {
      this.#advance(1);
      this.#templateChunk();
    } else if (c === "/" && this.#regexAllowed) {
      this.#regex();
    } else if (IDENT_START.test(c)) {
      this.#identifier();
    } else if (/[0-9]/.test(c) || (c === "." && c2 !== undefined && /[0-9]/.test(c2))) {
      this.#number();
    } else {
      this.#punct(c);
    }
  }

  #string(quote: string): void {
    const line = this.#line;
    let value = "";
    this.#advance(1);
    while (this.#pos < this.#src.length) {
      const c = this.#src[this.#pos]!;
      if (c === quote) {
        this.#advance(1);
        break;
      }
      if (c === "\n") break; // unterminated: stop at the end of the line
      if (c === "\\") {
        value += this.#src.slice(this.#pos, this.#pos + 2);
        this.#advance(2);
        continue;
      }
      value += c;
      this.#advance(1);
    }
    this.#emit("string", value, line, false);
  }

  /** Reads template text up to the closing backtick or the next `${`. */
  #templateChunk(): void {
    const line = this.#line;
    const start = this.#pos;
    while (this.#pos < this.#src.length) {
      const c = this.#src[this.#pos]!;
      if (c === "\\") {
        this.#advance(2);
      } else if (c === "`") {
        this.#emit("template", this.#src.slice(start, this.#pos), line, false);
        this.#advance(1);
        return;
      } else if (c === "$" && this.#src[this.#pos + 1] === "{") {
        this.#emit("template", this.#src.slice(start, this.#pos), line, true);
        this.#advance(2);
        this.#braces.push("template");
        return;
      } else {
        this.#advance(1);
      }
    }
    this.#emit("template", this.#src.slice(start), line, false);
  }

  #regex(): void {
    const line = this.#line;
    const start = this.#pos;
    let inClass = false;
    this.#advance(1);
    while (this.#pos < this.#src.length) {
      const c = this.#src[this.#pos]!;
      if (c === "\n") break;
      if (c === "\\") {
        this.#advance(2);
        continue;
      }
      this.#advance(1);
      if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if (c === "/" && !inClass) break;
    }
    while (this.#pos < this.#src.length && /[a-z]/i.test(this.#src[this.#pos]!)) this.#advance(1);
    this.#emit("regex", this.#src.slice(start, this.#pos), line, false);
  }

  #identifier(): void {
    const start = this.#pos;
    this.#advance(1);
    while (this.#pos < this.#src.length && IDENT_PART.test(this.#src[this.#pos]!)) {
      this.#advance(1);
    }
    const name = this.#src.slice(start, this.#pos);
    const previous = this.#tokens.at(-1);
    const isProperty = previous?.kind === "punct" && (previous.value === "." ||
      previous.value === "?.");
    this.#emit("ident", name, this.#line, !isProperty && REGEX_AFTER_KEYWORDS.has(name));
  }

  #number(): void {
    const start = this.#pos;
    while (this.#pos < this.#src.length && /[0-9a-zA-Z_.]/.test(this.#src[this.#pos]!)) {
      this.#advance(1);
    }
    this.#emit("number", this.#src.slice(start, this.#pos), this.#line, false);
  }

  #punct(c: string): void {
    const line = this.#line;
    if (this.#src.startsWith("...", this.#pos)) {
      this.#advance(3);
      this.#emit("punct", "...", line, true);
      return;
    }
    if (this.#src.startsWith("?.", this.#pos) && !/[0-9]/.test(this.#src[this.#pos + 2] ?? "")) {
      this.#advance(2);
      this.#emit("punct", "?.", line, false);
      return;
    }
    this.#advance(1);
    if (c === "{") {
      this.#braces.push("brace");
    } else if (c === "}" && this.#braces.pop() === "template") {
      this.#templateChunk();
      return;
    }
    this.#emit("punct", c, line, !(c === ")" || c === "]" || c === "}"));
  }
}

const SOURCE_EXTENSIONS = [".ts", ".tsx", ".mts", ".js", ".mjs"];

/** Whether `name` is a source file the checkers read. */
export function isSourceFile(name: string): boolean {
  return SOURCE_EXTENSIONS.some((ext) => name.endsWith(ext)) && !name.endsWith(".d.ts");
}

/**
 * Every source file under `dir` (recursively, sorted), as absolute paths.
 * A missing directory yields nothing.
 */
export async function listSourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return out;
    throw error;
  }
  entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) out.push(...await listSourceFiles(path));
    else if (entry.isFile && isSourceFile(entry.name)) out.push(path);
  }
  return out;
}

/** `path` relative to `root`, with forward slashes. */
export function relativePath(root: string, path: string): string {
  return relative(root, path).split(sep).join("/");
}

/** The repository root: the parent of this script's folder. */
export function repoRoot(): string {
  return new URL("..", import.meta.url).pathname.replace(/\/$/, "");
}

/**
 * The command line both checkers share: an optional root argument, one line
 * per violation, then a summary line; exit code 1 on violations, 2 on usage.
 */
export async function runChecker<R extends { readonly violations: readonly Violation[] }>(
  args: string[],
  script: string,
  check: (root: string) => Promise<R>,
  summary: (report: R) => string,
): Promise<number> {
  if (args.length > 1) {
    console.error(`Usage: deno run -A scripts/${script}.ts [root]`);
    return 2;
  }
  const report = await check(args[0] ?? repoRoot());
  for (const line of formatViolations(report.violations)) console.log(line);
  console.log(summary(report));
  return report.violations.length > 0 ? 1 : 0;
}
