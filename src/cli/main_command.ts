/**
 * The top-level command dispatch of the `etcd-ts` binary: `serve`, `ctl`,
 * `version` and `help`. `main.ts` only calls {@linkcode runMain} and exits
 * with the code it returns.
 *
 * @module
 */

import { API_VERSION, VERSION } from "../util/version.ts";
import { type CtlIo, processIo, runCtl } from "./ctl.ts";

/** Where a command writes its output; injectable so tests need no process. */
export interface MainOutput {
  /** Writes `text` to standard output. */
  stdout(text: string): void;
  /** Writes `text` to standard error. */
  stderr(text: string): void;
}

type Command = (args: string[], out: MainOutput) => Promise<number>;

interface CommandSpec {
  readonly names: readonly string[];
  readonly run: Command;
}

/** The usage text printed by `help` and on argument errors. */
export const USAGE = `etcd-ts: an etcd-compatible replicated key-value store

Usage:
  etcd-ts <command> [arguments]

Commands:
  serve      run a member (configured by ETCD_* environment variables and flags)
  ctl        the command line client (etcdctl-style commands)
  version    print the version
  help       print this help
`;

const encoder = new TextEncoder();

/** The process's standard streams as a {@linkcode MainOutput}. */
export const processOutput: MainOutput = {
  stdout(text) {
    writeAll(Deno.stdout, encoder.encode(text));
  },
  stderr(text) {
    writeAll(Deno.stderr, encoder.encode(text));
  },
};

function writeAll(stream: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += stream.writeSync(bytes.subarray(offset));
}

/**
 * The server's entry (`serve`), injected by main.ts: the CLI module may not
 * import the server.
 */
export type ServeCommand = (args: string[], out: MainOutput) => Promise<number>;

function serveUnavailable(_args: string[], out: MainOutput): Promise<number> {
  out.stderr("etcd-ts serve: this build has no server\n");
  return Promise.resolve(1);
}

/** ctl's I/O: the process's streams, or text through `out` (tests of {@linkcode runMain}). */
function ctlIo(out: MainOutput): CtlIo {
  const io = processIo();
  if (out === processOutput) return io;
  const decoder = new TextDecoder();
  return {
    ...io,
    stdout: (bytes) => out.stdout(decoder.decode(bytes)),
    stderr: (bytes) => out.stderr(decoder.decode(bytes)),
  };
}

function versionText(): string {
  return [
    `etcd-ts Version: ${VERSION}`,
    `API version: ${API_VERSION}`,
    `Deno Version: ${Deno.version.deno}`,
    `OS/Arch: ${Deno.build.os}/${Deno.build.arch}`,
  ].join("\n") + "\n";
}

const COMMANDS: readonly CommandSpec[] = [
  { names: ["ctl"], run: (args, out) => runCtl(args, ctlIo(out)) },
  {
    names: ["version", "--version"],
    run: (_args, out) => {
      out.stdout(versionText());
      return Promise.resolve(0);
    },
  },
  {
    names: ["help", "--help", "-h"],
    run: (_args, out) => {
      out.stdout(USAGE);
      return Promise.resolve(0);
    },
  },
];

/**
 * Runs the command named by `args[0]` with the remaining arguments and
 * returns the process exit code: 0 on success, 1 when a command fails,
 * 2 on a usage error (no command or an unknown one).
 */
export async function runMain(
  args: string[],
  out: MainOutput = processOutput,
  serve: ServeCommand = serveUnavailable,
): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined) {
    out.stderr(USAGE);
    return 2;
  }
  if (name === "serve") return await serve(rest, out);
  const spec = COMMANDS.find((command) => command.names.includes(name));
  if (spec === undefined) {
    out.stderr(`Error: unknown command ${JSON.stringify(name)} for "etcd-ts"\n\n${USAGE}`);
    return 2;
  }
  return await spec.run(rest, out);
}
