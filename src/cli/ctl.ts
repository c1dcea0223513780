/**
 * `etcd-ts ctl …`: etcdctl 3.4's command line over the HTTP/JSON gateway.
 * Same commands, flags, output (simple, json, fields, table, protobuf),
 * messages and exit codes as etcdctl 3.4.23 for the commands it has.
 *
 * ```ts
 * const code = await runCtl(["--endpoints=127.0.0.1:2379", "get", "foo", "-w", "json"]);
 * ```
 *
 * @module
 */

import { goQuote } from "../util/go_strconv.ts";
import { commandPath, findCommand, stripFlags } from "./command.ts";
import { compactionCommand } from "./compaction.ts";
import { delCommand } from "./del.ts";
import { dispatch } from "./dispatch.ts";
import { endpointCommand } from "./endpoint.ts";
import { CtlExit, ExitCode } from "./exit.ts";
import { getCommand } from "./get.ts";
import { GLOBAL_FLAGS } from "./global_flags.ts";
import { etcdUsage } from "./help.ts";
import { leaseCommand } from "./lease.ts";
import { memberCommand } from "./member.ts";
import {
  alarmCommand,
  authCommand,
  checkCommand,
  completionCommand,
  roleCommand,
  single,
  snapshotCommand,
  userCommand,
} from "./placeholders.ts";
import { putCommand } from "./put.ts";
import {
  type CtlCommand,
  type CtlInvocation,
  type CtlIo,
  errorMessage,
  Session,
} from "./session.ts";
import { txnCommand } from "./txn.ts";
import { versionCommand } from "./version.ts";
import { watchCommand } from "./watch.ts";

export type { CtlIo } from "./session.ts";

/** Go's `strconv.CanBackquote`. */
function canBackquote(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === "`" || c === 0xfeff || c === 0x7f || (c < 0x20 && ch !== "\t")) return false;
  }
  return true;
}

/** `%#q` of a list of strings as Go prints it: [`a` `b`]. */
function goBackquoteList(items: readonly string[]): string {
  return "[" + items.map((s) => (canBackquote(s) ? `\`${s}\`` : goQuote(s))).join(" ") + "]";
}

/** cobra's `help [command]`. */
function helpCommand(root: () => CtlCommand): CtlCommand {
  return {
    name: "help",
    use: "help [command]",
    short: "Help about any command",
    long: "Help provides help for any command in the application.\n" +
      "Simply type etcdctl help [path to command] for full details.",
    run: (inv: CtlInvocation) => {
      const tree = root();
      const found = findCommand(tree, inv.args);
      const unknown = found.path.length === 1 && stripFlags(found.args, found.path).length > 0;
      if (unknown) {
        inv.session.output.err(`Unknown help topic ${goBackquoteList(inv.args)}\n`);
        inv.session.output.out(etcdUsage([tree], false));
      } else inv.session.output.out(etcdUsage(found.path));
      return Promise.resolve();
    },
  };
}

/** The root of ctl's command tree (`etcdctl` and its global flags). */
export function ctlRoot(): CtlCommand {
  const root: CtlCommand = {
    name: "etcdctl",
    use: "etcdctl",
    short: "A simple command line client for etcd3.",
    persistentFlags: GLOBAL_FLAGS,
    // etcdctl's AddCommand order, which cobra's suggestions follow.
    subcommands: [
      getCommand(),
      putCommand(),
      delCommand(),
      txnCommand(),
      compactionCommand(),
      alarmCommand(),
      single("defrag"),
      endpointCommand(),
      single("move-leader"),
      watchCommand(),
      versionCommand(),
      leaseCommand(),
      memberCommand(),
      snapshotCommand(),
      single("make-mirror"),
      single("migrate"),
      single("lock"),
      single("elect"),
      authCommand(),
      userCommand(),
      roleCommand(),
      checkCommand(),
      helpCommand(() => root),
      completionCommand(),
    ],
  };
  return root;
}

function writeAllSync(stream: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += stream.writeSync(bytes.subarray(offset));
}

/** The process's standard streams and environment. */
export function processIo(): CtlIo {
  return {
    stdout: (bytes) => writeAllSync(Deno.stdout, bytes),
    stderr: (bytes) => writeAllSync(Deno.stderr, bytes),
    stdin: () => Deno.stdin.readable,
    env: Deno.env.toObject(),
  };
}

async function execute(session: Session, args: readonly string[]): Promise<number> {
  const outcome = await dispatch(ctlRoot(), args, session);
  const out = session.output;
  switch (outcome.kind) {
    case "ran":
      return ExitCode.success;
    case "help":
      out.out(etcdUsage(outcome.path));
      return ExitCode.success;
    case "unknownCommand":
      out.err(`Error: ${outcome.error}\nRun '${commandPath(outcome.path)} --help' for usage.\n`);
      out.err(`Error: ${outcome.error}\n`);
      return ExitCode.error;
    case "flagError":
      out.err(`Error: ${outcome.error}\n`);
      out.out(etcdUsage(outcome.path));
      out.err("\n");
      out.err(`Error: ${outcome.error}\n`);
      return ExitCode.error;
  }
}

/**
 * Runs one ctl command line (the arguments after `ctl`) and returns its
 * exit code: 0, 1 (a server or connection error), 2 (authentication
 * failed), 3 (bad txn input), 4 (unsupported output) or 128 (usage error),
 * as etcdctl's. Output goes to `io` (the process's streams by default).
 */
export async function runCtl(args: readonly string[], io: CtlIo = processIo()): Promise<number> {
  const session = new Session(io);
  try {
    return await execute(session, args);
  } catch (e) {
    if (!(e instanceof CtlExit)) {
      session.output.err(`Error: ${errorMessage(e)}\n`);
      return ExitCode.error;
    }
    if (e.stderr !== "") session.output.err(e.stderr);
    return e.code;
  } finally {
    session.output.flush();
    await session.close();
  }
}
