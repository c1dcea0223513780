/**
 * The arguments of the `member` commands as etcdctl 3.4 checks them: a
 * member id in hex (`strconv.ParseUint(arg, 16, 64)`), a name, and
 * `--peer-urls` (split on commas, sent as given). A failed check is a usage
 * error (exit 128) before any connection.
 *
 * @module
 */

import { parseGoUint } from "../util/go_strconv.ts";
import { ExitCode, exitWithError } from "./exit.ts";
import type { FlagSpec } from "./flags.ts";
import { type CtlInvocation, errorMessage } from "./session.ts";

/** etcdctl's check of a command's one argument, a member id in hex. */
export function memberIdArg(args: readonly string[]): bigint {
  if (args.length !== 1) throw exitWithError(ExitCode.badArgs, "member ID is not provided");
  try {
    return parseGoUint(args[0]!, 16, 64);
  } catch (e) {
    throw exitWithError(
      ExitCode.badArgs,
      `bad member ID arg (${errorMessage(e)}), expecting ID in Hex`,
    );
  }
}

/** `--peer-urls` split on commas, as etcdctl splits it (exit 128 when empty). */
export function peerUrlsFlag(inv: CtlInvocation): string[] {
  const text = inv.flags.string("peer-urls");
  if (text === "") throw exitWithError(ExitCode.badArgs, "member peer urls not provided");
  return text.split(",");
}

/** The `--peer-urls` flag of `member add` and `member update`. */
export function peerUrlsSpec(usage: string): FlagSpec {
  return { name: "peer-urls", type: "string", defValue: "", usage };
}

/** `member add`'s one argument, the new member's name. */
export function memberNameArg(args: readonly string[]): string {
  if (args.length < 1) throw exitWithError(ExitCode.badArgs, "member name not provided");
  if (args.length > 1) {
    const hints = args
      .filter((arg) => arg.toLowerCase().startsWith("http"))
      .map((arg) => `, did you mean --peer-urls=${arg}`);
    throw exitWithError(ExitCode.badArgs, "too many arguments" + hints.join(""));
  }
  return args[0]!;
}
