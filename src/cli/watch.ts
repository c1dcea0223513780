/**
 * `watch [options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...]`
 * as etcdctl 3.4's: `--prefix`, `--rev`, `--prev-kv`, `-i` (watch commands
 * read from standard input: `watch …` lines and `progress`), the key and
 * range end from `ETCDCTL_WATCH_KEY` / `ETCDCTL_WATCH_RANGE_END`, and a
 * command run for every event with `ETCD_WATCH_*` in its environment.
 *
 * Responses print as they arrive in the `--write-out` format; a cancel from
 * the server prints `watch was canceled (…)` on standard error and ends the
 * command with `Error: watch is canceled by the server` (exit 5). A broken
 * stream is resumed (the next endpoint, from the revision after the last
 * one printed), as clientv3 does, so nothing is printed twice or missed.
 *
 * @module
 */

import type { Event } from "../proto/rpc.ts";
import type { WatchResponse } from "../proto/rpc_watch.ts";
import { Watcher, type WatchSpec } from "../client/watch.ts";
import { prefixEnd, utf8Encode } from "../util/bytes.ts";
import { goQuote } from "../util/go_strconv.ts";
import { CtlExit, ExitCode, exitWithError } from "./exit.ts";
import { type FlagSpec, FlagValues, parseFlags } from "./flags.ts";
import { isOutputFormat } from "./printer.ts";
import { type CtlWatchResponse, type WatchPrint, watchPrinter } from "./printer_watch.ts";
import { type ClientConfig, type CtlCommand, type CtlInvocation, errorMessage } from "./session.ts";
import type { Session } from "./session.ts";
import { argify } from "./txn_grammar.ts";

/** `watch`'s flags (etcdctl 3.4). */
export const WATCH_FLAGS: readonly FlagSpec[] = [
  {
    name: "interactive",
    shorthand: "i",
    type: "bool",
    defValue: "false",
    usage: "Interactive mode",
  },
  { name: "prefix", type: "bool", defValue: "false", usage: "Watch on a prefix if prefix is set" },
  {
    name: "prev-kv",
    type: "bool",
    defValue: "false",
    usage: "get the previous key-value pair before the event happens",
  },
  { name: "rev", type: "int64", defValue: "0", usage: "Revision to start watching" },
];

const BAD_ARGS_NUM = "bad number of arguments";
const BAD_ARGS_CONFLICT_ENV = "bad number of arguments (found conflicting environment key)";
const BAD_ARGS_SEPARATOR = "bad number of arguments (found separator --, but no commands)";
const BAD_ARGS_INTERACTIVE = "args[0] must be 'watch' for interactive calls";

/** The watch options of one watch (from the command line, or from a `watch` line). */
interface WatchFlags {
  readonly prefix: boolean;
  readonly rev: bigint;
  readonly prevKv: boolean;
}

class WatchArgsError extends Error {}

/**
 * etcdctl's `parseWatchArgs`: the key (and range end) and the command to
 * run per event. `rawArgs` are the arguments as given (with `--`),
 * `commandArgs` the positional ones the flag parser left.
 */
export function parseWatchArgs(
  rawArgs: readonly string[],
  commandArgs: readonly string[],
  envKey: string,
  envRange: string,
): { watchArgs: string[]; execArgs: string[] } {
  let watchArgs = [...commandArgs];
  const execIdx = rawArgs.indexOf("--");
  const execExist = execIdx >= 0;
  if (execExist && execIdx === rawArgs.length - 1) throw new WatchArgsError(BAD_ARGS_SEPARATOR);
  if (!execExist && rawArgs.length < 1 && envKey === "") throw new WatchArgsError(BAD_ARGS_NUM);
  if (execExist && envKey !== "") {
    let ridx = rawArgs.length - 1;
    for (let widx = watchArgs.length - 1; widx >= 0; widx--) {
      if (watchArgs[widx] === rawArgs[ridx]) {
        ridx--;
        continue;
      }
      if (ridx === execIdx) throw new WatchArgsError(BAD_ARGS_CONFLICT_ENV);
    }
  }
  if (!execExist && watchArgs.length > 0 && envKey !== "") {
    throw new WatchArgsError(BAD_ARGS_CONFLICT_ENV);
  }
  const execArgs = execExist ? rawArgs.slice(execIdx + 1) : [];
  if (envKey !== "") watchArgs = [envKey, ...(envRange !== "" ? [envRange] : []), ...watchArgs];
  if (!execExist) return { watchArgs, execArgs };
  let endIdx = watchArgs.length - 1;
  while (endIdx >= 0 && watchArgs[endIdx] !== rawArgs[execIdx + 1]) endIdx--;
  return { watchArgs: watchArgs.slice(0, Math.max(0, endIdx)), execArgs };
}

/** etcdctl's `getWatchChan` options: what to watch, from where. */
export function watchSpecOf(args: readonly string[], flags: WatchFlags): WatchSpec {
  if (args.length < 1) throw new WatchArgsError(BAD_ARGS_NUM);
  let key = utf8Encode(args[0]!);
  let rangeEnd: Uint8Array = new Uint8Array(0);
  if (args.length === 2) {
    if (flags.prefix) {
      throw new WatchArgsError("`range_end` and `--prefix` are mutually exclusive");
    }
    rangeEnd = utf8Encode(args[1]!);
  }
  if (flags.prefix) {
    if (key.length === 0) [key, rangeEnd] = [new Uint8Array([0]), new Uint8Array([0])];
    else rangeEnd = prefixEnd(key);
  }
  return {
    key,
    rangeEnd,
    startRevision: Number(flags.rev),
    progressNotify: false,
    filters: [],
    prevKv: flags.prevKv,
  };
}

/** What clientv3's `WatchResponse.Err()` says about a canceled watch. */
export function cancelMessage(response: WatchResponse): string {
  if (response.compactRevision !== 0) {
    return "etcdserver: mvcc: required revision has been compacted";
  }
  if (response.cancelReason !== "") return response.cancelReason;
  return "etcdserver: mvcc: required revision is a future revision";
}

/** The response as clientv3 hands it over (a refused create has no header nor events). */
function asCtl(response: WatchResponse): CtlWatchResponse {
  if (response.created && response.canceled) {
    return {
      header: { clusterId: 0n, memberId: 0n, revision: 0, raftTerm: 0 },
      events: null,
      compactRevision: 0,
      canceled: true,
      created: false,
    };
  }
  return {
    header: response.header,
    events: response.events,
    compactRevision: response.compactRevision,
    canceled: response.canceled,
    created: response.created,
  };
}

function isProgressNotify(r: WatchResponse): boolean {
  return r.events.length === 0 && !r.canceled && !r.created && r.compactRevision === 0 &&
    r.header.revision !== 0;
}

/** Prints one watcher's responses until the server cancels it; runs `execArgs` per event. */
async function printWatch(
  session: Session,
  watcher: Watcher,
  print: WatchPrint,
  execArgs: readonly string[],
): Promise<void> {
  const out = session.output;
  for await (const response of watcher) {
    if (response.canceled) out.err(`watch was canceled (${cancelMessage(response)})\n`);
    if (isProgressNotify(response)) out.out(`progress notify: ${response.header.revision}\n`);
    print(asCtl(response));
    out.flush();
    if (execArgs.length > 0) {
      for (const event of response.events) await runExec(session, execArgs, response, event);
    }
  }
}

/** etcdctl's per-event command, with `ETCD_WATCH_*` set as Go's `%d` / `%q` print them. */
async function runExec(
  session: Session,
  execArgs: readonly string[],
  response: WatchResponse,
  event: Event,
): Promise<void> {
  const env: Record<string, string> = {
    ...session.io.env,
    ETCD_WATCH_REVISION: String(response.header.revision),
    ETCD_WATCH_EVENT_TYPE: goQuote(event.type),
    ETCD_WATCH_KEY: goQuote(event.kv.key),
    ETCD_WATCH_VALUE: goQuote(event.kv.value),
  };
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(execArgs[0]!, {
      args: execArgs.slice(1),
      env,
      clearEnv: true,
      stdin: "null",
    }).output();
  } catch (error) {
    throw execFailed(execArgs, execErrorText(execArgs[0]!, error));
  }
  session.output.out(output.stdout);
  session.output.flush();
  if (output.stderr.length > 0) session.output.err(output.stderr);
  if (!output.success) throw execFailed(execArgs, `exit status ${output.code}`);
}

function execErrorText(name: string, error: unknown): string {
  if (error instanceof Deno.errors.NotFound) {
    return `exec: ${goQuote(name)}: executable file not found in $PATH`;
  }
  return errorMessage(error);
}

function execFailed(execArgs: readonly string[], detail: string): CtlExit {
  const quoted = `[${execArgs.map((a) => goQuote(a)).join(" ")}]`;
  return new CtlExit(ExitCode.error, `command ${quoted} error (${detail})\n`);
}

function newWatcher(session: Session, config: ClientConfig, spec: WatchSpec): Watcher {
  const fetchFn = session.io.fetch;
  return new Watcher({
    endpoints: config.endpoints,
    dialTimeoutMs: config.dialTimeoutMs,
    ...(fetchFn ? { fetch: fetchFn } : {}),
    ...(config.tls ? { tls: config.tls } : {}),
  }, spec);
}

function printerOf(inv: CtlInvocation): WatchPrint {
  const format = inv.flags.string("write-out");
  if (!isOutputFormat(format)) {
    throw exitWithError(ExitCode.badFeature, "unsupported output format");
  }
  return watchPrinter(format, inv.flags.bool("hex"), inv.session.output);
}

function badArgs(error: unknown): CtlExit {
  return exitWithError(ExitCode.badArgs, errorMessage(error));
}

async function runWatch(inv: CtlInvocation): Promise<void> {
  const env = inv.session.io.env;
  const envKey = env["ETCDCTL_WATCH_KEY"] ?? "";
  const envRange = env["ETCDCTL_WATCH_RANGE_END"] ?? "";
  if (envKey === "" && envRange !== "") {
    throw exitWithError(
      ExitCode.badArgs,
      `ETCDCTL_WATCH_KEY is empty but got ETCDCTL_WATCH_RANGE_END=${goQuote(envRange)}`,
    );
  }
  if (inv.flags.bool("interactive")) return await runInteractive(inv, envKey, envRange);
  let parsed: ReturnType<typeof parseWatchArgs>;
  try {
    parsed = parseWatchArgs(inv.rawArgs ?? inv.args, inv.args, envKey, envRange);
  } catch (error) {
    throw badArgs(error);
  }
  const config = await inv.session.config(inv);
  const print = printerOf(inv);
  let spec: WatchSpec;
  try {
    spec = watchSpecOf(parsed.watchArgs, {
      prefix: inv.flags.bool("prefix"),
      rev: inv.flags.int("rev"),
      prevKv: inv.flags.bool("prev-kv"),
    });
  } catch (error) {
    throw badArgs(error);
  }
  const watcher = newWatcher(inv.session, config, spec);
  try {
    await printWatch(inv.session, watcher, print, parsed.execArgs);
  } finally {
    watcher.close();
  }
  throw exitWithError(ExitCode.interrupted, "watch is canceled by the server");
}

/** One `watch …` line of interactive mode: its own flags, key and command. */
function parseInteractiveLine(
  args: readonly string[],
  envKey: string,
  envRange: string,
): { watchArgs: string[]; execArgs: string[]; flags: WatchFlags } {
  if (args[0] !== "watch") throw new WatchArgsError(BAD_ARGS_INTERACTIVE);
  const lineArgs = args.slice(1);
  const sep = lineArgs.indexOf("--");
  if (sep >= 0 && sep === lineArgs.length - 1) throw new WatchArgsError(BAD_ARGS_SEPARATOR);
  const flagValues = new FlagValues(WATCH_FLAGS);
  const positional = parseFlags(flagValues, lineArgs);
  if (sep < 0 && envKey === "" && positional.length < 1) throw new WatchArgsError(BAD_ARGS_NUM);
  if (sep < 0 && positional.length > 0 && envKey !== "") {
    throw new WatchArgsError(BAD_ARGS_CONFLICT_ENV);
  }
  const execArgs = sep >= 0 ? lineArgs.slice(sep + 1) : [];
  let watchArgs = envKey !== ""
    ? [envKey, ...(envRange !== "" ? [envRange] : []), ...positional]
    : positional;
  if (sep >= 0) {
    let endIdx = watchArgs.length - 1;
    while (endIdx >= 0 && watchArgs[endIdx] !== lineArgs[sep + 1]) endIdx--;
    watchArgs = watchArgs.slice(0, Math.max(0, endIdx));
  }
  const flags = {
    prefix: flagValues.bool("prefix"),
    rev: flagValues.int("rev"),
    prevKv: flagValues.bool("prev-kv"),
  };
  return { watchArgs, execArgs, flags };
}

/** `watch -i`: `watch …` and `progress` lines from standard input until it ends. */
async function runInteractive(inv: CtlInvocation, envKey: string, envRange: string): Promise<void> {
  const session = inv.session;
  const config = await session.config(inv);
  const print = printerOf(inv);
  const watchers: Watcher[] = [];
  // A watch that fails (a printer that cannot print) ends the command at once, as etcdctl's exit.
  let fail!: (error: unknown) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => {});
  try {
    for (;;) {
      const { text, eof } = await Promise.race([session.stdin.readLine(), failed]);
      if (eof) {
        throw exitWithError(ExitCode.invalidInput, "Error reading watch request line: EOF");
      }
      const line = text.endsWith("\n") ? text.slice(0, -1) : text;
      const args = argify(line);
      if (args.length < 1) {
        session.output.err(`Invalid command: ${line} (watch and progress supported)\n`);
        continue;
      }
      if (args[0] === "progress") {
        for (const watcher of watchers) watcher.requestProgress();
        continue;
      }
      if (args[0] !== "watch") {
        session.output.err(`Invalid command ${line} (only support watch)\n`);
        continue;
      }
      if (args.length < 2 && envKey === "") {
        session.output.err(`Invalid command ${line} (command type or key is not provided)\n`);
        continue;
      }
      let parsed: ReturnType<typeof parseInteractiveLine>;
      try {
        parsed = parseInteractiveLine(args, envKey, envRange);
      } catch (error) {
        throw badArgs(error);
      }
      let spec: WatchSpec;
      try {
        spec = watchSpecOf(parsed.watchArgs, parsed.flags);
      } catch (error) {
        session.output.err(`Invalid command ${line} (${errorMessage(error)})\n`);
        continue;
      }
      const watcher = newWatcher(session, config, spec);
      watchers.push(watcher);
      printWatch(session, watcher, print, parsed.execArgs).catch(fail);
    }
  } finally {
    for (const watcher of watchers) watcher.close();
  }
}

/** The `watch` command. */
export function watchCommand(): CtlCommand {
  return {
    name: "watch",
    use: "watch [options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...]",
    short: "Watches events stream on keys or prefixes",
    flags: WATCH_FLAGS,
    run: runWatch,
  };
}
