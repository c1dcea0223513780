/**
 * `put <key> <value>` (value from standard input when left out) with
 * etcdctl's flags and checks, and the put request it builds (shared with
 * txn's `put` requests).
 *
 * @module
 */

import { type PutRequest, putRequest } from "../proto/rpc.ts";
import { utf8Encode } from "../util/bytes.ts";
import { parseGoInt } from "../util/go_strconv.ts";
import { ExitCode, exitWithError } from "./exit.ts";
import type { FlagSpec, FlagValues } from "./flags.ts";
import { type CtlCommand, type CtlInvocation, errorMessage, must } from "./session.ts";

/** `put`'s flags. */
export const PUT_FLAGS: readonly FlagSpec[] = [
  {
    name: "ignore-lease",
    type: "bool",
    defValue: "false",
    usage: "updates the key using its current lease",
  },
  {
    name: "ignore-value",
    type: "bool",
    defValue: "false",
    usage: "updates the key using its current value",
  },
  {
    name: "lease",
    type: "string",
    defValue: "0",
    usage: "lease ID (in hexadecimal) to attach to the key",
  },
  {
    name: "prev-kv",
    type: "bool",
    defValue: "false",
    usage: "return the previous key-value pair before modification",
  },
];

const PUT_LONG = `
Puts the given key into the store.

When <value> begins with '-', <value> is interpreted as a flag.
Insert '--' for workaround:

$ put <key> -- <value>
$ put -- <key> <value>

If <value> isn't given as a command line argument and '--ignore-value' is not specified,
this command tries to read the value from standard input.

If <lease> isn't given as a command line argument and '--ignore-lease' is not specified,
this command tries to read the value from standard input.

For example,
$ cat file | put <key>
will store the content of the file to <key>.
`;

const NEEDS_ARGS = "put command needs 1 argument and input from stdin or 2 arguments";

/**
 * etcdctl's `getPutOp`. `readStdin` gives the value when it is not an
 * argument (txn passes one that finds nothing, as etcdctl's does).
 */
export async function putOp(
  flags: FlagValues,
  args: readonly string[],
  readStdin: () => Promise<Uint8Array>,
): Promise<PutRequest> {
  if (args.length === 0) throw exitWithError(ExitCode.badArgs, NEEDS_ARGS);
  const ignoreValue = flags.bool("ignore-value");
  if (ignoreValue && args.length > 1) {
    throw exitWithError(
      ExitCode.badArgs,
      "put command needs only 1 argument when 'ignore-value' is set",
    );
  }
  let value: Uint8Array = new Uint8Array(0);
  if (!ignoreValue) {
    value = args.length > 1 ? utf8Encode(args[1]!) : await readStdin();
    if (args.length < 2 && value.length === 0) throw exitWithError(ExitCode.badArgs, NEEDS_ARGS);
  }
  let lease: bigint;
  try {
    lease = parseGoInt(flags.string("lease"), 16);
  } catch (e) {
    throw exitWithError(ExitCode.badArgs, `bad lease ID (${errorMessage(e)}), expecting ID in Hex`);
  }
  return putRequest({
    key: utf8Encode(args[0]!),
    value,
    lease,
    prevKv: flags.bool("prev-kv"),
    ignoreValue,
    ignoreLease: flags.bool("ignore-lease"),
  });
}

async function runPut(inv: CtlInvocation): Promise<void> {
  const req = await putOp(inv.flags, inv.args, () => inv.session.stdin.readAll());
  const client = await inv.session.client(inv);
  inv.session.display.put(await must(client.put(req)));
}

/** Builds `put` with `run` (txn parses its requests with another run). */
export function putCommand(run: (inv: CtlInvocation) => Promise<void> = runPut): CtlCommand {
  return {
    name: "put",
    use: "put [options] <key> <value> (<value> can also be given from stdin)",
    short: "Puts the given key into the store",
    long: PUT_LONG,
    flags: PUT_FLAGS,
    run,
  };
}
