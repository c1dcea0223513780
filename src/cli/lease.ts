/**
 * The `lease` commands as etcdctl 3.4 has them: `grant <ttl>`,
 * `revoke <leaseID>`, `timetolive <leaseID> [--keys]`, `list` and
 * `keep-alive [--once] <leaseID>`, with its argument checks, messages and
 * exit codes (arguments are checked before connecting; grant and revoke
 * failures are exit 1 "failed to … lease (…)", the others exit 2).
 *
 * @module
 */

import { LeaseClient } from "../client/mod.ts";
import { parseGoInt } from "../util/go_strconv.ts";
import { ExitCode, exitWithError } from "./exit.ts";
import { isOutputFormat } from "./printer.ts";
import { leaseHex, type LeasePrinter, leasePrinter } from "./printer_lease.ts";
import { type CtlCommand, type CtlInvocation, errorMessage } from "./session.ts";

/** etcdctl's `leaseFromArgs`: a hexadecimal int64. */
function leaseFromArgs(arg: string): bigint {
  try {
    return parseGoInt(arg, 16);
  } catch (e) {
    throw exitWithError(
      ExitCode.badArgs,
      `bad lease ID arg (${errorMessage(e)}), expecting ID in Hex`,
    );
  }
}

/** The lease client and printer (after the client: an unknown `-w` fails first, as etcdctl). */
async function connect(inv: CtlInvocation): Promise<{ leases: LeaseClient; print: LeasePrinter }> {
  const client = await inv.session.client(inv);
  const format = inv.flags.string("write-out");
  if (!isOutputFormat(format)) throw new Error(`unknown output format ${format}`);
  return { leases: new LeaseClient(client), print: leasePrinter(format, inv.session.output) };
}

/** Runs `call`; a failure ends the command with `code` and `wrap(message)`. */
async function mustWith<T>(
  call: Promise<T>,
  code: number,
  wrap: (message: string) => string = (m) => m,
): Promise<T> {
  try {
    return await call;
  } catch (e) {
    throw exitWithError(code, wrap(errorMessage(e)));
  }
}

async function runGrant(inv: CtlInvocation): Promise<void> {
  if (inv.args.length !== 1) {
    throw exitWithError(ExitCode.badArgs, "lease grant command needs TTL argument");
  }
  let ttl: bigint;
  try {
    ttl = parseGoInt(inv.args[0]!, 10);
  } catch (e) {
    throw exitWithError(ExitCode.badArgs, `bad TTL (${errorMessage(e)})`);
  }
  const { leases, print } = await connect(inv);
  const response = await mustWith(
    leases.grant(Number(ttl)),
    ExitCode.error,
    (m) => `failed to grant lease (${m})`,
  );
  print.grant(response);
}

async function runRevoke(inv: CtlInvocation): Promise<void> {
  if (inv.args.length !== 1) {
    throw exitWithError(ExitCode.badArgs, "lease revoke command needs 1 argument");
  }
  const id = leaseFromArgs(inv.args[0]!);
  const { leases, print } = await connect(inv);
  const response = await mustWith(
    leases.revoke(id),
    ExitCode.error,
    (m) => `failed to revoke lease (${m})`,
  );
  print.revoke(id, response);
}

async function runTimeToLive(inv: CtlInvocation): Promise<void> {
  if (inv.args.length !== 1) {
    throw exitWithError(ExitCode.badArgs, "lease timetolive command needs lease ID as argument");
  }
  const id = leaseFromArgs(inv.args[0]!);
  const keys = inv.flags.bool("keys");
  const { leases, print } = await connect(inv);
  print.timeToLive(await mustWith(leases.timeToLive(id, keys), ExitCode.badConnection), keys);
}

async function runList(inv: CtlInvocation): Promise<void> {
  const { leases, print } = await connect(inv);
  print.leases(await mustWith(leases.leases(), ExitCode.badConnection));
}

async function runKeepAlive(inv: CtlInvocation): Promise<void> {
  if (inv.args.length !== 1) {
    throw exitWithError(ExitCode.badArgs, "lease keep-alive command needs lease ID as argument");
  }
  const id = leaseFromArgs(inv.args[0]!);
  const { leases, print } = await connect(inv);
  if (inv.flags.bool("once")) {
    const response = await mustWith(leases.keepAliveOnce(id), ExitCode.badConnection);
    // clientv3's KeepAliveOnce: a lease the server does not know is an error.
    if (response.ttl <= 0) {
      throw exitWithError(ExitCode.badConnection, "etcdserver: requested lease not found");
    }
    print.keepAlive(response);
    return;
  }
  const output = inv.session.output;
  // clientv3: the first answer may take the dial timeout and a second.
  const firstTimeoutMs = Number(inv.flags.durationNs("dial-timeout") / 1_000_000n) + 1000;
  await leases.keepAlive(id, (response) => {
    print.keepAlive(response);
    output.flush();
  }, { firstTimeoutMs });
  if (inv.flags.string("write-out") === "simple") {
    output.out(`lease ${leaseHex(id)} expired or revoked.\n`);
  }
}

/** The `lease` command group. */
export function leaseCommand(): CtlCommand {
  return {
    name: "lease",
    use: "lease <subcommand>",
    short: "Lease related commands",
    subcommands: [
      { name: "grant", use: "grant <ttl>", short: "Creates leases", run: runGrant },
      { name: "revoke", use: "revoke <leaseID>", short: "Revokes leases", run: runRevoke },
      {
        name: "timetolive",
        use: "timetolive <leaseID> [options]",
        short: "Get lease information",
        flags: [{
          name: "keys",
          type: "bool",
          defValue: "false",
          usage: "Get keys attached to this lease",
        }],
        run: runTimeToLive,
      },
      { name: "list", use: "list", short: "List all active leases", run: runList },
      {
        name: "keep-alive",
        use: "keep-alive [options] <leaseID>",
        short: "Keeps leases alive (renew)",
        flags: [{
          name: "once",
          type: "bool",
          defValue: "false",
          usage: "Resets the keep-alive time to its original value and exits immediately",
        }],
        run: runKeepAlive,
      },
    ],
  };
}
