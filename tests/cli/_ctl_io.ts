/**
 * Runs `runCtl` in-process with captured output, for ctl's tests.
 *
 * @module
 */

import { runCtl } from "../../src/cli/ctl.ts";
import type { CtlIo } from "../../src/cli/ctl.ts";

/** What one run printed and returned. */
export interface CtlRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutBytes: Uint8Array;
}

/** Options of {@linkcode ctl}. */
export interface CtlRunOptions {
  readonly stdin?: string | Uint8Array;
  readonly env?: Record<string, string>;
  readonly fetch?: typeof fetch;
  readonly monotonicMs?: () => number;
  readonly now?: () => Date;
}

function join(chunks: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return all;
}

/** Runs `etcd-ts ctl <args>` with `options`; standard input is empty unless given. */
export async function ctl(args: readonly string[], options: CtlRunOptions = {}): Promise<CtlRun> {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const stdin = options.stdin;
  const io: CtlIo = {
    stdout: (b) => out.push(b.slice()),
    stderr: (b) => err.push(b.slice()),
    stdin: () =>
      ReadableStream.from(
        stdin === undefined
          ? []
          : [typeof stdin === "string" ? new TextEncoder().encode(stdin) : stdin],
      ),
    env: options.env ?? {},
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.monotonicMs ? { monotonicMs: options.monotonicMs } : {}),
    ...(options.now ? { now: options.now } : {}),
  };
  const code = await runCtl(args, io);
  const decoder = new TextDecoder();
  const stdoutBytes = join(out);
  return {
    code,
    stdout: decoder.decode(stdoutBytes),
    stderr: decoder.decode(join(err)),
    stdoutBytes,
  };
}
