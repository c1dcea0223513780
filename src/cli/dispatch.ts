/**
 * Running a command line against a command tree as cobra's `ExecuteC`
 * does: find the command, parse its flags, honour `-h/--help` (and show
 * help for a command that does not run anything), then run it. The caller
 * decides what each failure prints: etcdctl's main command and txn's
 * request parser print them differently.
 *
 * @module
 */

import { goQuote } from "../util/go_strconv.ts";
import {
  type Command,
  commandPath,
  findCommand,
  flagValuesOf,
  stripFlags,
  suggestionsFor,
} from "./command.ts";
import { FlagError, parseFlags } from "./flags.ts";

/** What became of a command line. */
export type Dispatch<S> =
  | { readonly kind: "ran"; readonly path: readonly Command<S>[] }
  | { readonly kind: "help"; readonly path: readonly Command<S>[] }
  | {
    readonly kind: "unknownCommand";
    readonly path: readonly Command<S>[];
    readonly error: string;
  }
  | { readonly kind: "flagError"; readonly path: readonly Command<S>[]; readonly error: string };

/** Finds, parses and runs `args` against `root` (cobra's `ExecuteC`). */
export async function dispatch<S>(
  root: Command<S>,
  args: readonly string[],
  session: S,
): Promise<Dispatch<S>> {
  const found = findCommand(root, args);
  const path = found.path;
  const cmd = path[path.length - 1]!;
  if (path.length === 1 && (root.subcommands ?? []).length > 0) {
    const names = stripFlags(found.args, path);
    if (names.length > 0) {
      const error = `unknown command ${goQuote(names[0]!)} for ${goQuote(commandPath(path))}` +
        suggestionsFor(root, names[0]!);
      return { kind: "unknownCommand", path, error };
    }
  }
  const flags = flagValuesOf(path);
  let positional: string[];
  try {
    positional = cmd.disableFlagParsing ? [...found.args] : parseFlags(flags, found.args);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    return { kind: "flagError", path, error: e.message };
  }
  if (flags.bool("help") || cmd.run === undefined) return { kind: "help", path };
  await cmd.run({ path, flags, args: positional, session, rawArgs: found.args });
  return { kind: "ran", path };
}
