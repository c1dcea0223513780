/**
 * `compaction <revision> [--physical]`: prints `compacted revision N`.
 *
 * @module
 */

import { parseGoInt } from "../util/go_strconv.ts";
import { ExitCode, exitWithError } from "./exit.ts";
import { type CtlCommand, type CtlInvocation, errorMessage, must } from "./session.ts";

async function runCompaction(inv: CtlInvocation): Promise<void> {
  if (inv.args.length !== 1) {
    throw exitWithError(ExitCode.badArgs, "compaction command needs 1 argument");
  }
  let revision: bigint;
  try {
    revision = parseGoInt(inv.args[0]!, 10);
  } catch (e) {
    throw exitWithError(ExitCode.error, errorMessage(e));
  }
  const client = await inv.session.client(inv);
  await must(client.compact({ revision: Number(revision), physical: inv.flags.bool("physical") }));
  inv.session.output.out(`compacted revision ${revision}\n`);
}

/** The `compaction` command. */
export function compactionCommand(): CtlCommand {
  return {
    name: "compaction",
    use: "compaction [options] <revision>",
    short: "Compacts the event history in etcd",
    flags: [{
      name: "physical",
      type: "bool",
      defValue: "false",
      usage: "'true' to wait for compaction to physically remove all old revisions",
    }],
    run: runCompaction,
  };
}
