/**
 * Test helpers for ctl's unit tests: captured output, and the responses of
 * the reference transcript (etcd 3.4.23, three members) as proto objects.
 *
 * @module
 */

import type { KeyValue, Member, ResponseHeader, StatusResponse } from "../proto/rpc.ts";
import { utf8Encode } from "../util/bytes.ts";
import { Output } from "./output.ts";

/** An Output whose streams are captured. */
export function capture(): {
  output: Output;
  stdout: () => string;
  stdoutBytes: () => Uint8Array;
  stderr: () => string;
} {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const output = new Output((b) => out.push(b.slice()), (b) => err.push(b.slice()));
  const join = (chunks: Uint8Array[]) => {
    output.flush();
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const c of chunks) {
      all.set(c, offset);
      offset += c.length;
    }
    return all;
  };
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return {
    output,
    stdout: () => decode(join(out)),
    stdoutBytes: () => join(out),
    stderr: () => decode(join(err)),
  };
}

/** The transcript's cluster: etcd1 answered, etcd2 led. */
export const CLUSTER_ID = 8275919166029150406n;
export const ETCD1 = 7578380740807422932n;
export const ETCD2 = 16369265254150603570n;
export const ETCD3 = 15679842276203101306n;

/** The transcript's header at `revision` (as etcd1 answers). */
export function header(revision: number, memberId = ETCD1): ResponseHeader {
  return { clusterId: CLUSTER_ID, memberId, revision, raftTerm: 2 };
}

/** A key-value of text key and value. */
export function kv(
  key: string,
  value: string,
  createRevision: number,
  modRevision = createRevision,
  version = 1,
  lease = 0n,
): KeyValue {
  return {
    key: utf8Encode(key),
    value: utf8Encode(value),
    createRevision,
    modRevision,
    version,
    lease,
  };
}

/** The transcript's three members (member list order). */
export const MEMBERS: Member[] = [
  {
    id: ETCD1,
    name: "etcd1",
    peerUrls: ["http://127.0.0.1:2380"],
    clientUrls: ["http://127.0.0.1:2379"],
    isLearner: false,
  },
  {
    id: ETCD3,
    name: "etcd3",
    peerUrls: ["http://127.0.0.1:32380"],
    clientUrls: ["http://127.0.0.1:32379"],
    isLearner: false,
  },
  {
    id: ETCD2,
    name: "etcd2",
    peerUrls: ["http://127.0.0.1:22380"],
    clientUrls: ["http://127.0.0.1:22379"],
    isLearner: false,
  },
];

/** The status section 1.4 of the transcript shows for `memberId`. */
export function status(memberId: bigint): StatusResponse {
  return {
    header: header(8, memberId),
    version: "3.4.23",
    dbSize: 20480,
    leader: ETCD2,
    raftIndex: 18,
    raftTerm: 2,
    raftAppliedIndex: 18,
    errors: [],
    dbSizeInUse: 16384,
    isLearner: false,
  };
}

/** Runs `runCtl(args)` with captured streams, empty stdin unless given, and `env`. */
export async function runCaptured(
  args: readonly string[],
  options: { stdin?: string; env?: Record<string, string>; now?: () => Date } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { runCtl } = await import("./ctl.ts");
  const c = capture();
  const stdin = options.stdin;
  const code = await runCtl(args, {
    stdout: (b) => c.output.out(b.slice()),
    stderr: (b) => c.output.err(b.slice()),
    stdin: () => ReadableStream.from(stdin === undefined ? [] : [utf8Encode(stdin)]),
    env: options.env ?? {},
    ...(options.now ? { now: options.now } : {}),
  });
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}
