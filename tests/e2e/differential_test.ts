/**
 * Differential test against real etcd 3.4 (Debian's `etcd-server`, which
 * `.ci/run` installs): the same requests go to a fresh etcd and a fresh
 * etcd-ts, and the answers must be equal byte for byte (status and body)
 * once the member id, cluster id and raft term in headers are masked.
 * Revisions are compared as they are: both stores start at revision 1.
 */

import assert from "node:assert/strict";
import { b64, MemberProcess } from "./_member_process.ts";
import { TRANSCRIPT_REQUESTS } from "./_transcript_requests.ts";
import { etcdInstalled, startReferenceEtcd } from "./_reference_etcd.ts";

/** status + body with the answering member's ids and the term masked. */
async function ask(base: string, path: string, body: string): Promise<string> {
  const response = await fetch(base + path, { method: "POST", body });
  const text = await response.text();
  const masked = text
    .replace(/"cluster_id":"\d+"/g, '"cluster_id":"C"')
    .replace(/"member_id":"\d+"/g, '"member_id":"M"')
    .replace(/"raft_term":"\d+"/g, '"raft_term":"T"');
  return `${response.status} ${masked}`;
}

async function compareAll(
  ours: string,
  theirs: string,
  requests: ReadonlyArray<readonly [string, string]>,
) {
  const differences: string[] = [];
  for (const [path, body] of requests) {
    const [a, b] = [await ask(ours, path, body), await ask(theirs, path, body)];
    if (a !== b) differences.push(`${path} ${body}\n  etcd-ts: ${a}\n  etcd:    ${b}`);
  }
  assert.deepEqual(differences, [], differences.join("\n"));
}

Deno.test({
  name: "etcd-ts answers the transcript's KV requests exactly as etcd 3.4 does",
  ignore: !etcdInstalled(),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "etcd-ts-diff-" });
    const etcd = await startReferenceEtcd(dir);
    const ours = await MemberProcess.start(`${dir}/ours.etcd`);
    try {
      await compareAll(ours.clientUrl, etcd.url, TRANSCRIPT_REQUESTS);
    } finally {
      await ours.stop("SIGKILL");
      await etcd.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** One compare with the operand its target reads. */
function randomCompare(
  key: string,
  next: (n: number) => number,
  i: number,
): Record<string, string> {
  const result = ["EQUAL", "GREATER", "LESS", "NOT_EQUAL"][next(4)]!;
  switch (next(4)) {
    case 0:
      return { key, result, target: "VERSION", version: String(next(3)) };
    case 1:
      return { key, result, target: "CREATE", create_revision: String(next(i + 2)) };
    case 2:
      return { key, result, target: "MOD", mod_revision: String(next(i + 2)) };
    default:
      return { key, result, target: "VALUE", value: b64(`v${next(i + 1)}`) };
  }
}

/** A seeded stream of puts, deletes, txns, ranges and compactions over a few keys. */
function* randomRequests(seed: number, count: number): Generator<readonly [string, string]> {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const key = () => b64(`k${next(6)}`);
  for (let i = 0; i < count; i++) {
    switch (next(7)) {
      case 0:
      case 1:
        yield [
          "/v3/kv/put",
          JSON.stringify({ key: key(), value: b64(`v${i}`), prev_kv: next(2) === 1 }),
        ];
        break;
      case 2:
        yield [
          "/v3/kv/deleterange",
          JSON.stringify({ key: key(), range_end: next(2) ? b64("k4") : "", prev_kv: true }),
        ];
        break;
      case 3:
        yield [
          "/v3/kv/range",
          JSON.stringify({
            key: b64("k"),
            range_end: b64("l"),
            limit: next(4),
            sort_order: next(3),
            sort_target: next(5),
            revision: next(3) === 0 ? String(1 + next(i + 1)) : "0",
          }),
        ];
        break;
      case 4:
        yield [
          "/v3/kv/txn",
          JSON.stringify({
            compare: [randomCompare(key(), next, i)],
            success: [{ request_put: { key: key(), value: b64(`t${i}`) } }, {
              request_range: { key: b64("k"), range_end: b64("l") },
            }],
            failure: [{ request_delete_range: { key: key(), prev_kv: true } }],
          }),
        ];
        break;
      case 5:
        yield [
          "/v3/kv/compaction",
          JSON.stringify({ revision: String(1 + next(Math.max(1, i / 2))) }),
        ];
        break;
      default:
        yield ["/v3/kv/range", JSON.stringify({ key: key(), serializable: next(2) === 1 })];
    }
  }
}

Deno.test({
  name: "etcd-ts and etcd 3.4 agree on a seeded random KV workload",
  ignore: !etcdInstalled(),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "etcd-ts-diff-" });
    const etcd = await startReferenceEtcd(dir);
    const ours = await MemberProcess.start(`${dir}/ours.etcd`);
    try {
      await compareAll(ours.clientUrl, etcd.url, [...randomRequests(20261123, 300)]);
    } finally {
      await ours.stop("SIGKILL");
      await etcd.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
