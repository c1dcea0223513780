/**
 * `get <key> [range_end]` with etcdctl's flags and checks, and the range
 * request it builds (shared with txn's `get` requests).
 *
 * @module
 */

import { type RangeRequest, rangeRequest, type SortOrder, type SortTarget } from "../proto/rpc.ts";
import { prefixEnd, utf8Encode } from "../util/bytes.ts";
import { goQuote } from "../util/go_strconv.ts";
import { ExitCode, exitWithError } from "./exit.ts";
import type { FlagSpec, FlagValues } from "./flags.ts";
import { SimplePrinter } from "./printer_simple.ts";
import { FieldsPrinter } from "./printer_fields.ts";
import { type CtlCommand, type CtlInvocation, must } from "./session.ts";

/** `get`'s flags (etcdctl 3.4; `--count-only` as etcdctl 3.5 has it, left out of help). */
export const GET_FLAGS: readonly FlagSpec[] = [
  {
    name: "consistency",
    type: "string",
    defValue: "l",
    usage: "Linearizable(l) or Serializable(s)",
  },
  {
    name: "count-only",
    type: "bool",
    defValue: "false",
    usage: "Get only the count",
    hidden: true,
  },
  {
    name: "from-key",
    type: "bool",
    defValue: "false",
    usage: "Get keys that are greater than or equal to the given key using byte compare",
  },
  { name: "keys-only", type: "bool", defValue: "false", usage: "Get only the keys" },
  { name: "limit", type: "int64", defValue: "0", usage: "Maximum number of results" },
  {
    name: "order",
    type: "string",
    defValue: "",
    usage: "Order of results; ASCEND or DESCEND (ASCEND by default)",
  },
  { name: "prefix", type: "bool", defValue: "false", usage: "Get keys with matching prefix" },
  {
    name: "print-value-only",
    type: "bool",
    defValue: "false",
    usage: 'Only write values when using the "simple" output format',
  },
  { name: "rev", type: "int64", defValue: "0", usage: "Specify the kv revision" },
  {
    name: "sort-by",
    type: "string",
    defValue: "",
    usage: "Sort target; CREATE, KEY, MODIFY, VALUE, or VERSION",
  },
];

const SORT_TARGETS: Readonly<Record<string, SortTarget>> = {
  CREATE: "CREATE",
  KEY: "KEY",
  MODIFY: "MOD",
  VALUE: "VALUE",
  VERSION: "VERSION",
};

function badArgs(message: string): Error {
  return exitWithError(ExitCode.badArgs, message);
}

function sortOf(flags: FlagValues): [SortTarget, SortOrder] {
  const order = flags.string("order").toUpperCase();
  if (!["ASCEND", "DESCEND", ""].includes(order)) {
    throw exitWithError(ExitCode.badFeature, `bad sort order ${flags.string("order")}`);
  }
  const target = flags.string("sort-by").toUpperCase();
  const sortTarget = target === "" ? "KEY" : SORT_TARGETS[target];
  if (sortTarget === undefined) {
    throw exitWithError(ExitCode.badFeature, `bad sort target ${flags.string("sort-by")}`);
  }
  // clientv3.WithSort: the server already returns keys ascending.
  const sortOrder: SortOrder = order === "" || (sortTarget === "KEY" && order === "ASCEND")
    ? "NONE"
    : order as SortOrder;
  return [sortTarget, sortOrder];
}

function checkGetArgs(flags: FlagValues, args: readonly string[]): void {
  if (args.length === 0) {
    throw badArgs("get command needs one argument as key and an optional argument as range_end");
  }
  if (flags.bool("prefix") && flags.bool("from-key")) {
    throw badArgs("`--prefix` and `--from-key` cannot be set at the same time, choose one");
  }
  if (flags.bool("keys-only") && flags.bool("count-only")) {
    throw badArgs("`--keys-only` and `--count-only` cannot be set at the same time, choose one");
  }
  if (flags.bool("print-value-only") && flags.bool("count-only")) {
    throw badArgs(
      "`--print-value-only` and `--count-only` cannot be set at the same time, choose one",
    );
  }
  const consistency = flags.string("consistency");
  if (consistency !== "l" && consistency !== "s") {
    throw exitWithError(ExitCode.badFeature, `unknown consistency flag ${goQuote(consistency)}`);
  }
  if (args.length > 1 && (flags.bool("prefix") || flags.bool("from-key"))) {
    throw badArgs(
      "too many arguments, only accept one argument when `--prefix` or `--from-key` is set",
    );
  }
}

/** etcdctl's `getGetOp`: the range request of `get` (usage errors exit as etcdctl does). */
export function getOp(flags: FlagValues, args: readonly string[]): RangeRequest {
  checkGetArgs(flags, args);
  let key = utf8Encode(args[0]!);
  let rangeEnd = args.length > 1 ? utf8Encode(args[1]!) : new Uint8Array(0);
  const [sortTarget, sortOrder] = sortOf(flags);
  if (flags.bool("prefix")) {
    if (key.length === 0) [key, rangeEnd] = [new Uint8Array([0]), new Uint8Array([0])];
    else rangeEnd = prefixEnd(key);
  }
  if (flags.bool("from-key")) {
    if (key.length === 0) key = new Uint8Array([0]);
    rangeEnd = new Uint8Array([0]);
  }
  const rev = flags.int("rev");
  return rangeRequest({
    key,
    rangeEnd,
    limit: Number(flags.int("limit")),
    revision: rev > 0n ? Number(rev) : 0,
    sortOrder,
    sortTarget,
    serializable: flags.string("consistency") === "s",
    keysOnly: flags.bool("keys-only"),
    countOnly: flags.bool("count-only"),
  });
}

async function runGet(inv: CtlInvocation): Promise<void> {
  const req = getOp(inv.flags, inv.args);
  const client = await inv.session.client(inv);
  const resp = await must(client.range(req));
  const display = inv.session.display;
  if (inv.flags.bool("count-only") && !(display instanceof FieldsPrinter)) {
    throw badArgs("--count-only is only for `--write-out=fields`");
  }
  if (inv.flags.bool("print-value-only")) {
    if (!(display instanceof SimplePrinter)) {
      throw badArgs("print-value-only is only for `--write-out=simple`");
    }
    display.valueOnly = true;
  }
  display.get(resp);
}

/** Builds `get` with `run` (txn parses its requests with another run). */
export function getCommand(run: (inv: CtlInvocation) => Promise<void> = runGet): CtlCommand {
  return {
    name: "get",
    use: "get [options] <key> [range_end]",
    short: "Gets the key or a range of keys",
    flags: GET_FLAGS,
    run,
  };
}
