/**
 * `del <key> [range_end]` with etcdctl's flags and checks, and the delete
 * request it builds (shared with txn's `del` requests).
 *
 * @module
 */

import { type DeleteRangeRequest, deleteRangeRequest } from "../proto/rpc.ts";
import { prefixEnd, utf8Encode } from "../util/bytes.ts";
import { ExitCode, exitWithError } from "./exit.ts";
import type { FlagSpec, FlagValues } from "./flags.ts";
import { type CtlCommand, type CtlInvocation, must } from "./session.ts";

/** `del`'s flags. */
export const DEL_FLAGS: readonly FlagSpec[] = [
  {
    name: "from-key",
    type: "bool",
    defValue: "false",
    usage: "delete keys that are greater than or equal to the given key using byte compare",
  },
  { name: "prefix", type: "bool", defValue: "false", usage: "delete keys with matching prefix" },
  { name: "prev-kv", type: "bool", defValue: "false", usage: "return deleted key-value pairs" },
];

/** etcdctl's `getDelOp`: the delete request of `del`. */
export function delOp(flags: FlagValues, args: readonly string[]): DeleteRangeRequest {
  const bad = (message: string) => exitWithError(ExitCode.badArgs, message);
  if (args.length === 0 || args.length > 2) {
    throw bad("del command needs one argument as key and an optional argument as range_end");
  }
  const prefix = flags.bool("prefix");
  const fromKey = flags.bool("from-key");
  if (prefix && fromKey) {
    throw bad("`--prefix` and `--from-key` cannot be set at the same time, choose one");
  }
  let key = utf8Encode(args[0]!);
  let rangeEnd: Uint8Array = new Uint8Array(0);
  if (args.length > 1) {
    if (prefix || fromKey) {
      throw bad(
        "too many arguments, only accept one argument when `--prefix` or `--from-key` is set",
      );
    }
    rangeEnd = utf8Encode(args[1]!);
  }
  if (prefix) {
    if (key.length === 0) [key, rangeEnd] = [new Uint8Array([0]), new Uint8Array([0])];
    else rangeEnd = prefixEnd(key);
  }
  if (fromKey) {
    if (key.length === 0) key = new Uint8Array([0]);
    rangeEnd = new Uint8Array([0]);
  }
  return deleteRangeRequest({ key, rangeEnd, prevKv: flags.bool("prev-kv") });
}

async function runDel(inv: CtlInvocation): Promise<void> {
  const req = delOp(inv.flags, inv.args);
  const client = await inv.session.client(inv);
  inv.session.display.del(await must(client.deleteRange(req)));
}

/** Builds `del` with `run` (txn parses its requests with another run). */
export function delCommand(run: (inv: CtlInvocation) => Promise<void> = runDel): CtlCommand {
  return {
    name: "del",
    use: "del [options] <key> [range_end]",
    short: "Removes the specified key or range of keys [key, range_end)",
    flags: DEL_FLAGS,
    run,
  };
}
