/**
 * Flag parsing as etcdctl's spf13/pflag does it: `--flag=value`,
 * `--flag value`, `-f value`, `-fvalue`, `-f=value`, bool flags without a
 * value (`--prefix`, `--prefix=false`), flags anywhere between positional
 * arguments, `--` ending the flags, and pflag's exact error messages.
 *
 * @module
 */

import { parseGoDuration } from "../util/go_duration.ts";
import { goQuote, goQuoteRune, parseGoBool, parseGoInt } from "../util/go_strconv.ts";

/** The value types etcdctl's flags use. */
export type FlagType = "bool" | "string" | "int64" | "duration" | "stringSlice";

/** One flag: its names, type, default (as pflag prints it) and usage text. */
export interface FlagSpec {
  readonly name: string;
  readonly shorthand?: string;
  readonly type: FlagType;
  /** pflag's `DefValue`: "false", "0", "5s", "[127.0.0.1:2379]", "l", "". */
  readonly defValue: string;
  readonly usage: string;
  /** Accepted but left out of help output. */
  readonly hidden?: boolean;
}

/** A bool flag's value when given without one (pflag's `NoOptDefVal`). */
export function noOptDefVal(spec: FlagSpec): string {
  return spec.type === "bool" ? "true" : "";
}

/** A flag parse error: pflag's message, e.g. `unknown flag: --bogus`. */
export class FlagError extends Error {
  override name = "FlagError";
}

type FlagValue = boolean | string | bigint | string[];

/** Splits one CSV record as Go's `encoding/csv` reads a flag value. */
function readCsv(value: string): string[] {
  if (value === "") return [];
  const fields: string[] = [];
  let i = 0;
  while (i <= value.length) {
    if (value[i] === '"') {
      let field = "";
      i++;
      while (i < value.length && !(value[i] === '"' && value[i + 1] !== '"')) {
        field += value[i];
        i += value[i] === '"' ? 2 : 1;
      }
      if (i >= value.length) throw new FlagError(`extraneous or missing " in quoted-field`);
      fields.push(field);
      i++;
      if (i < value.length && value[i] !== ",") throw new FlagError(`extraneous " in field`);
      i++;
    } else {
      const end = value.indexOf(",", i);
      const field = value.slice(i, end < 0 ? value.length : end);
      if (field.includes('"')) throw new FlagError(`bare " in non-quoted-field`);
      fields.push(field);
      i = end < 0 ? value.length + 1 : end + 1;
    }
  }
  return fields;
}

function convert(spec: FlagSpec, text: string): FlagValue {
  switch (spec.type) {
    case "bool":
      return parseGoBool(text);
    case "string":
      return text;
    case "int64":
      return parseGoInt(text, 0);
    case "duration":
      return parseGoDuration(text);
    case "stringSlice":
      return readCsv(text);
  }
}

function defaultValue(spec: FlagSpec): FlagValue {
  if (spec.type === "stringSlice") {
    return spec.defValue === "[]" ? [] : readCsv(spec.defValue.slice(1, -1));
  }
  return convert(spec, spec.defValue);
}

/** Parsed flag values over a set of specs: defaults until set. */
export class FlagValues {
  readonly #specs = new Map<string, FlagSpec>();
  readonly #values = new Map<string, FlagValue>();
  readonly #changed = new Set<string>();

  constructor(specs: readonly FlagSpec[]) {
    for (const spec of specs) {
      this.#specs.set(spec.name, spec);
      this.#values.set(spec.name, defaultValue(spec));
    }
  }

  /** The spec named `name` (long name). */
  spec(name: string): FlagSpec | undefined {
    return this.#specs.get(name);
  }

  /** The spec whose shorthand is `letter`. */
  short(letter: string): FlagSpec | undefined {
    for (const spec of this.#specs.values()) if (spec.shorthand === letter) return spec;
    return undefined;
  }

  /** Every spec, sorted by name as pflag lists them. */
  specs(): FlagSpec[] {
    return [...this.#specs.values()].sort((
      a,
      b,
    ) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** pflag's `FlagSet.Set`: converts and stores `text`, with pflag's error message. */
  set(name: string, text: string): void {
    const spec = this.#specs.get(name);
    if (spec === undefined) throw new FlagError(`no such flag -${name}`);
    let value: FlagValue;
    try {
      value = convert(spec, text);
    } catch (e) {
      const flagName = spec.shorthand ? `-${spec.shorthand}, --${spec.name}` : `--${spec.name}`;
      const reason = e instanceof Error ? e.message : String(e);
      throw new FlagError(
        `invalid argument ${goQuote(text)} for ${goQuote(flagName)} flag: ${reason}`,
      );
    }
    if (spec.type === "stringSlice" && this.#changed.has(name)) {
      value = [...(this.#values.get(name) as string[]), ...(value as string[])];
    }
    this.#values.set(name, value);
    this.#changed.add(name);
  }

  /** Whether the flag was set (on the command line or from the environment). */
  changed(name: string): boolean {
    return this.#changed.has(name);
  }

  #get(name: string): FlagValue {
    const value = this.#values.get(name);
    if (value === undefined) throw new FlagError(`flag accessed but not defined: ${name}`);
    return value;
  }

  /** A bool flag's value. */
  bool(name: string): boolean {
    return this.#get(name) as boolean;
  }

  /** A string flag's value. */
  string(name: string): string {
    return this.#get(name) as string;
  }

  /** An int64 flag's value. */
  int(name: string): bigint {
    return this.#get(name) as bigint;
  }

  /** A duration flag's value in nanoseconds. */
  durationNs(name: string): bigint {
    return this.#get(name) as bigint;
  }

  /** A string-slice flag's value. */
  strings(name: string): string[] {
    return [...(this.#get(name) as string[])];
  }
}

function parseLong(flags: FlagValues, s: string, rest: string[]): string[] {
  const body = s.slice(2);
  if (body.length === 0 || body[0] === "-" || body[0] === "=") {
    throw new FlagError(`bad flag syntax: ${s}`);
  }
  const eq = body.indexOf("=");
  const name = eq < 0 ? body : body.slice(0, eq);
  const spec = flags.spec(name);
  if (spec === undefined) throw new FlagError(`unknown flag: --${name}`);
  if (eq >= 0) flags.set(name, body.slice(eq + 1));
  else if (noOptDefVal(spec) !== "") flags.set(name, noOptDefVal(spec));
  else if (rest.length > 0) {
    flags.set(name, rest[0]!);
    return rest.slice(1);
  } else throw new FlagError(`flag needs an argument: ${s}`);
  return rest;
}

function parseShort(flags: FlagValues, s: string, rest: string[]): string[] {
  // pflag hands every letter the arguments as they were after `s` (so
  // `-iw json` gives json to -w).
  let shorthands = s.slice(1);
  let out = rest;
  while (shorthands.length > 0) {
    const c = shorthands[0]!;
    const spec = flags.short(c);
    if (spec === undefined) {
      throw new FlagError(
        `unknown shorthand flag: ${goQuoteRune(c.codePointAt(0)!)} in -${shorthands}`,
      );
    }
    if (shorthands.length > 2 && shorthands[1] === "=") {
      flags.set(spec.name, shorthands.slice(2));
      shorthands = "";
    } else if (noOptDefVal(spec) !== "") {
      flags.set(spec.name, noOptDefVal(spec));
      shorthands = shorthands.slice(1);
    } else if (shorthands.length > 1) {
      flags.set(spec.name, shorthands.slice(1));
      shorthands = "";
    } else if (rest.length > 0) {
      flags.set(spec.name, rest[0]!);
      out = rest.slice(1);
      shorthands = "";
    } else {
      throw new FlagError(
        `flag needs an argument: ${goQuoteRune(c.codePointAt(0)!)} in -${shorthands}`,
      );
    }
  }
  return out;
}

/**
 * Parses `argv` into `flags` with interspersed positional arguments, as
 * pflag's `FlagSet.Parse`. Throws {@linkcode FlagError}.
 */
export function parseFlags(flags: FlagValues, argv: readonly string[]): string[] {
  const positional: string[] = [];
  let args = [...argv];
  while (args.length > 0) {
    const s = args.shift()!;
    if (s.length <= 1 || s[0] !== "-") {
      positional.push(s);
      continue;
    }
    if (s === "--") {
      positional.push(...args);
      break;
    }
    args = s[1] === "-" ? parseLong(flags, s, args) : parseShort(flags, s, args);
  }
  return positional;
}
