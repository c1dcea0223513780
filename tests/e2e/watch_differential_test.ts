/**
 * `/v3/watch` against real etcd 3.4 (`/usr/bin/etcd`, skipped when not
 * installed): the same writes and the same stream bodies go to a fresh etcd
 * and a fresh etcd-ts, and the streams' lines must be equal byte for byte
 * once the cluster id, member id and raft term are masked: created
 * answers, history replays, prev_kv, filters, client ids, refused creates,
 * cancels, progress answers, compaction cancels, live events; and a bad
 * first message's error answer.
 */

import assert from "node:assert/strict";
import { b64, MemberProcess } from "./_member_process.ts";
import { etcdInstalled, startReferenceEtcd } from "./_reference_etcd.ts";

function mask(text: string): string {
  return text.replace(/"cluster_id":"\d+"/g, '"cluster_id":"C"')
    .replace(/"member_id":"\d+"/g, '"member_id":"M"')
    .replace(/"raft_term":"\d+"/g, '"raft_term":"T"');
}

async function post(base: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(base + path, { method: "POST", body: JSON.stringify(body) });
  await response.text();
  assert.equal(response.status, 200, `${path} ${JSON.stringify(body)}`);
}

/** The first `count` lines of a watch stream with `body`, then `after` runs and `more` lines. */
async function streamLines(
  base: string,
  body: string,
  count: number,
  after?: () => Promise<void>,
  more = 0,
): Promise<string[]> {
  const abort = new AbortController();
  const response = await fetch(base + "/v3/watch", { method: "POST", body, signal: abort.signal });
  const head = [
    `${response.status}`,
    `content-type: ${response.headers.get("content-type")}`,
    `grpc-metadata-content-type: ${response.headers.get("grpc-metadata-content-type")}`,
  ];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const lines = () => text.split("\n").length - 1;
  const deadline = Date.now() + 5000;
  // A read that loses the race to the timer stays pending and is awaited again: a new read
  // beside it would leave the next chunk to the abandoned one (lost: a slow replay then
  // looked like no events at all).
  let pending: Promise<ReadableStreamReadResult<string>> | null = null;
  const readUntil = async (n: number) => {
    while (lines() < n && Date.now() < deadline) {
      pending ??= reader.read();
      const timer = new Promise<null>((r) => setTimeout(() => r(null), 100));
      const chunk = await Promise.race([pending, timer]);
      if (chunk === null) continue;
      pending = null;
      if (chunk.done) break;
      text += chunk.value;
    }
  };
  await readUntil(count);
  if (after) {
    await after();
    await readUntil(count + more);
  }
  abort.abort();
  await reader.cancel().catch(() => {});
  return [...head, ...text.split("\n").filter((l) => l !== "").map(mask)];
}

const SETUP: readonly (readonly [string, unknown])[] = [
  ["/v3/kv/put", { key: b64("foo"), value: b64("bar") }],
  ["/v3/kv/put", { key: b64("foo"), value: b64("baz") }],
  ["/v3/kv/put", { key: b64("bar"), value: b64("1") }],
  ["/v3/kv/deleterange", { key: b64("foo") }],
  ["/v3/kv/txn", {
    success: [
      { request_put: { key: b64("a/1"), value: b64("x") } },
      { request_put: { key: b64("a/2"), value: b64("y") } },
    ],
  }],
  ["/v3/kv/compaction", { revision: "3" }],
];

const STREAMS: readonly (readonly [string, number])[] = [
  // A replay from the compaction revision, with prev_kv (none below it).
  [`{"create_request":{"key":"${b64("foo")}","start_revision":"3","prev_kv":true}}`, 2],
  // A start below the compaction: created, then canceled with compact_revision.
  [`{"create_request":{"key":"${b64("a")}","range_end":"${b64("b")}","start_revision":"1"}}`, 2],
  // Client ids, a duplicate, an auto id, an empty range, cancels, a progress request.
  [
    `{"create_request":{"key":"${b64("foo")}","watch_id":"5"}} ` +
    `{"create_request":{"key":"${b64("foo")}","watch_id":"5"}}\n` +
    `{"create_request":{"key":"${b64("foo")}"}} {"create_request":{"key":"${
      b64("a")
    }","range_end":"${b64("a")}"}}` +
    ` {"cancel_request":{"watch_id":"5"}} {"cancel_request":{"watch_id":"9"}} {} {"progress_request":{}}`,
    6,
  ],
  // Every key, deletes filtered out, replayed from the compaction revision.
  [
    `{"create_request":{"key":"AA==","range_end":"AA==","start_revision":"3","filters":["NODELETE"]}}`,
    2,
  ],
  [`{"create_request":{"key":"AA==","range_end":"AA==","start_revision":"4","filters":[1]}}`, 2],
];

Deno.test({
  name: "watch streams answer exactly as etcd 3.4's gateway",
  ignore: !etcdInstalled(),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "etcd-ts-watch-diff-" });
    const etcd = await startReferenceEtcd(dir);
    const ours = await MemberProcess.start(`${dir}/ours.etcd`);
    try {
      for (const base of [etcd.url, ours.clientUrl]) {
        for (const [path, body] of SETUP) await post(base, path, body);
      }
      for (const [body, count] of STREAMS) {
        const [theirs, mine] = [
          await streamLines(etcd.url, body, count),
          await streamLines(ours.clientUrl, body, count),
        ];
        assert.deepEqual(mine, theirs, body);
      }
      // Live events with prev_kv on a prefix: a put and a delete while the stream is open.
      const live = `{"create_request":{"key":"${b64("a/")}","range_end":"${
        b64("a0")
      }","prev_kv":true}}`;
      const writes = (base: string) => async () => {
        await post(base, "/v3/kv/put", { key: b64("a/1"), value: b64("z") });
        await post(base, "/v3/kv/deleterange", { key: b64("a/2") });
      };
      assert.deepEqual(
        await streamLines(ours.clientUrl, live, 1, writes(ours.clientUrl), 2),
        await streamLines(etcd.url, live, 1, writes(etcd.url), 2),
        "live events",
      );
      // A bad first message: the gateway's 500 with the decoder's message.
      for (const body of ["not json", '{"create_request":{"key":1}}']) {
        const answers = await Promise.all([etcd.url, ours.clientUrl].map(async (base) => {
          const response = await fetch(base + "/v3/watch", { method: "POST", body });
          return `${response.status} ${response.headers.get("content-type")} ${await response
            .text()}`;
        }));
        assert.equal(answers[1], answers[0], body);
      }
    } finally {
      await ours.stop("SIGKILL");
      await etcd.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
