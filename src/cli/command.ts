/**
 * A small command tree in the shape of spf13/cobra as etcdctl uses it:
 * finding the subcommand among flags (with cobra's prefix matching, which
 * etcdctl turns on: `member lis` runs `member list`), the help flag every
 * command gets, and the "Did you mean this?" suggestions.
 *
 * @module
 */

import { type FlagSpec, FlagValues, noOptDefVal } from "./flags.ts";

/** What a command's run function receives. */
export interface Invocation<S> {
  /** Root first, the running command last. */
  readonly path: readonly Command<S>[];
  readonly flags: FlagValues;
  readonly args: readonly string[];
  readonly session: S;
  /** The arguments as given after the command's name, flags and `--` included (watch's exec command). */
  readonly rawArgs?: readonly string[];
}

/** One command: names, help texts, flags, subcommands and what it runs. */
export interface Command<S> {
  readonly name: string;
  /** cobra's `Use`: the name and argument synopsis, e.g. `get [options] <key> [range_end]`. */
  readonly use: string;
  readonly short: string;
  readonly long?: string;
  readonly flags?: readonly FlagSpec[];
  /** Flags this command and every command under it accept. */
  readonly persistentFlags?: readonly FlagSpec[];
  /** Subcommands in cobra's `AddCommand` order (help lists them sorted). */
  readonly subcommands?: readonly Command<S>[];
  /** Hands every argument to `run` unparsed (cobra's `DisableFlagParsing`). */
  readonly disableFlagParsing?: boolean;
  readonly run?: (invocation: Invocation<S>) => Promise<void>;
}

/** The `-h, --help` flag cobra gives every command. */
export function helpFlag(name: string): FlagSpec {
  return {
    name: "help",
    shorthand: "h",
    type: "bool",
    defValue: "false",
    usage: `help for ${name}`,
  };
}

/** A command's own flags (help included) and the persistent flags it inherits. */
export function flagsOf<S>(path: readonly Command<S>[]): {
  local: FlagSpec[];
  inherited: FlagSpec[];
} {
  const cmd = path[path.length - 1]!;
  const local = [...(cmd.flags ?? []), ...(cmd.persistentFlags ?? []), helpFlag(cmd.name)];
  const inherited = path.slice(0, -1).flatMap((c) => c.persistentFlags ?? []);
  return { local, inherited };
}

/** Parsing state for the flags of `path`: defaults until set. */
export function flagValuesOf<S>(path: readonly Command<S>[]): FlagValues {
  const { local, inherited } = flagsOf(path);
  return new FlagValues([...local, ...inherited]);
}

/** Sorted subcommands, as cobra keeps them. */
export function subcommandsOf<S>(cmd: Command<S>): Command<S>[] {
  return [...(cmd.subcommands ?? [])].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Whether a flag known in `path` (help not yet included, as during cobra's Find) takes no value. */
function takesNoValue(specs: readonly FlagSpec[], s: string): boolean {
  const spec = s.startsWith("--")
    ? specs.find((f) => f.name === s.slice(2))
    : specs.find((f) => f.shorthand === s.slice(1));
  return spec !== undefined && noOptDefVal(spec) !== "";
}

/** Whether `s` is a flag whose value is the next argument (cobra's test in Find). */
function consumesNext(specs: readonly FlagSpec[], s: string): boolean {
  if (s.includes("=")) return false;
  if (s.startsWith("--")) return !takesNoValue(specs, s);
  return s.startsWith("-") && s.length === 2 && !takesNoValue(specs, s);
}

function findSpecs<S>(path: readonly Command<S>[]): FlagSpec[] {
  const cmd = path[path.length - 1]!;
  const { inherited } = flagsOf(path);
  return [...(cmd.flags ?? []), ...(cmd.persistentFlags ?? []), ...inherited];
}

/** cobra's `stripFlags`: the arguments that are not flags or flag values. */
export function stripFlags<S>(args: readonly string[], path: readonly Command<S>[]): string[] {
  const specs = findSpecs(path);
  const commands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const s = args[i]!;
    if (s === "--") break;
    if (consumesNext(specs, s)) {
      if (args.length - (i + 1) <= 1) break;
      i++;
    } else if (s !== "" && !s.startsWith("-")) commands.push(s);
  }
  return commands;
}

/** cobra's `argsMinusFirstX`: `args` without the first non-flag argument equal to `x`. */
function argsMinusFirstX<S>(args: readonly string[], x: string, path: readonly Command<S>[]) {
  const specs = findSpecs(path);
  for (let pos = 0; pos < args.length; pos++) {
    const s = args[pos]!;
    if (s === "--") break;
    if (consumesNext(specs, s)) pos++;
    else if (!s.startsWith("-") && s === x) return [...args.slice(0, pos), ...args.slice(pos + 1)];
  }
  return [...args];
}

/** cobra's `findNext`: an exact name, or the only command the name is a prefix of. */
function findNext<S>(cmd: Command<S>, next: string): Command<S> | undefined {
  const subs = cmd.subcommands ?? [];
  const exact = subs.find((c) => c.name === next);
  if (exact !== undefined) return exact;
  const matches = subs.filter((c) => c.name.startsWith(next));
  return matches.length === 1 ? matches[0] : undefined;
}

/** cobra's `Find`: the command `args` name and the arguments left for it. */
export function findCommand<S>(
  root: Command<S>,
  args: readonly string[],
): { path: Command<S>[]; args: string[] } {
  const path = [root];
  let rest = [...args];
  for (;;) {
    const names = stripFlags(rest, path);
    const next = names[0];
    const cmd = next === undefined ? undefined : findNext(path[path.length - 1]!, next);
    if (cmd === undefined || next === undefined) return { path, args: rest };
    rest = argsMinusFirstX(rest, next, path);
    path.push(cmd);
  }
}

function levenshtein(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = row;
  }
  return prev[t.length]!;
}

/** cobra's `findSuggestions` text ("\n\nDid you mean this?\n\t…\n") or "". */
export function suggestionsFor<S>(cmd: Command<S>, typed: string): string {
  const names = (cmd.subcommands ?? [])
    .filter((c) => c.name !== "help" && (c.run !== undefined || (c.subcommands ?? []).length > 0))
    .filter((c) =>
      levenshtein(typed, c.name) <= 2 || c.name.toLowerCase().startsWith(typed.toLowerCase())
    )
    .map((c) => c.name);
  return names.length === 0
    ? ""
    : `\n\nDid you mean this?\n${names.map((n) => `\t${n}\n`).join("")}`;
}

/** The command names from the root, e.g. `etcdctl endpoint status`. */
export function commandPath<S>(path: readonly Command<S>[]): string {
  return path.map((c) => c.name).join(" ");
}

/** cobra's `UseLine`: the parent's path, the command's `use`, and `[flags]`. */
export function useLine<S>(path: readonly Command<S>[]): string {
  const cmd = path[path.length - 1]!;
  const line = path.length > 1 ? `${commandPath(path.slice(0, -1))} ${cmd.use}` : cmd.use;
  return line.includes("[flags]") ? line : `${line} [flags]`;
}
