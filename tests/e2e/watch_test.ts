/**
 * Watch on real member processes: many watchers across prefixes while
 * writes, deletes, txns and compactions run, each watcher's events checked
 * against the committed history (ordered, unique, complete); progress
 * notifications and progress requests; a watcher resuming after its member
 * is killed and restarted; a watcher on a follower across a leader kill.
 */

import assert from "node:assert/strict";
import { EtcdClient, WatchConnection, Watcher, type WatchSpec } from "../../src/client/mod.ts";
import { parseEndpoint } from "../../src/client/endpoint.ts";
import type { Event, KeyValue, RequestOp } from "../../src/proto/rpc.ts";
import { deleteRangeRequest, putRequest, txnRequest } from "../../src/proto/rpc.ts";
import type { WatchCreateRequest, WatchResponse } from "../../src/proto/rpc_watch.ts";
import { watchCreateRequest } from "../../src/proto/rpc_watch.ts";
import { prefixEnd } from "../../src/util/bytes.ts";
import { SeededPrng } from "../../src/util/prng.ts";
import { freePort, leaderOf, planCluster, start } from "./_cluster.ts";
import { MemberProcess } from "./_member_process.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** One committed event as the tests compare them. */
interface Fact {
  readonly revision: number;
  readonly type: "PUT" | "DELETE";
  readonly key: string;
  readonly value: string;
}

function factOf(event: Event): Fact {
  return {
    revision: event.kv.modRevision,
    type: event.type,
    key: dec.decode(event.kv.key),
    value: dec.decode(event.kv.value),
  };
}

const show = (f: Fact) => `${f.type === "DELETE" ? "-" : ""}${f.key}@${f.revision}=${f.value}`;

/** What a watcher asked for, to filter the history with. */
interface Interest {
  readonly key: string;
  /** null: the key only; "": every key from `key`; else the exclusive end. */
  readonly end: string | null;
  readonly from: number;
  readonly noPut?: boolean;
  readonly noDelete?: boolean;
}

function wanted(history: readonly Fact[], interest: Interest, upTo: number): Fact[] {
  return history.filter((f) =>
    f.revision >= interest.from && f.revision <= upTo &&
    (interest.end === null
      ? f.key === interest.key
      : f.key >= interest.key && (interest.end === "" || f.key < interest.end)) &&
    !(f.type === "PUT" ? interest.noPut : interest.noDelete)
  );
}

function createOf(interest: Interest, extra: Partial<WatchCreateRequest> = {}): WatchCreateRequest {
  return watchCreateRequest({
    key: enc.encode(interest.key),
    rangeEnd: interest.end === null
      ? new Uint8Array(0)
      : interest.end === ""
      ? new Uint8Array([0])
      : enc.encode(interest.end),
    startRevision: interest.from,
    filters: [
      ...(interest.noPut ? ["NOPUT" as const] : []),
      ...(interest.noDelete ? ["NODELETE" as const] : []),
    ],
    ...extra,
  });
}

/** Every response of one stream, read in the background. */
class StreamLog {
  readonly responses: { at: number; response: WatchResponse }[] = [];
  readonly done: Promise<void>;

  constructor(readonly connection: WatchConnection) {
    this.done = (async () => {
      try {
        for (;;) {
          const response = await connection.next();
          if (response === null) return;
          this.responses.push({ at: this.responses.length, response });
        }
      } catch {
        // closed
      }
    })();
  }

  /** The events a watcher of this stream received, in order, and the message of each revision. */
  eventsOf(watchId: number): { facts: Fact[]; messageOf: Map<number, number> } {
    const facts: Fact[] = [];
    const messageOf = new Map<number, number>();
    for (const { at, response } of this.responses) {
      if (response.watchId !== watchId || response.created) continue;
      for (const event of response.events) {
        const seen = messageOf.get(event.kv.modRevision);
        assert.ok(seen === undefined || seen === at, `revision ${event.kv.modRevision} split`);
        messageOf.set(event.kv.modRevision, at);
        facts.push(factOf(event));
      }
    }
    return { facts, messageOf };
  }
}

function assertSameFacts(got: readonly Fact[], expected: readonly Fact[], what: string): void {
  assert.deepEqual(got.map(show), expected.map(show), what);
}

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const KEYS = ["p0/0", "p0/1", "p0/2", "p1/0", "p1/1", "p2/0", "p2/1", "p2/2", "p3/0", "q"];

/** Applies a random write and adds what it committed to `history`. */
async function randomWrite(
  client: EtcdClient,
  prng: SeededPrng,
  history: Fact[],
): Promise<void> {
  const roll = prng.nextInt(10);
  const key = KEYS[prng.nextInt(KEYS.length)]!;
  if (roll < 5) {
    const value = `v${prng.nextInt(10_000)}`;
    const r = await client.put(putRequest({ key: enc.encode(key), value: enc.encode(value) }));
    history.push({ revision: r.header.revision, type: "PUT", key, value });
  } else if (roll < 7) {
    const prefix = key.slice(0, 3);
    const r = await client.deleteRange(
      deleteRangeRequest({
        key: enc.encode(prefix),
        rangeEnd: prefixEnd(enc.encode(prefix)),
        prevKv: true,
      }),
    );
    for (const kv of r.prevKvs) history.push(deleteFact(r.header.revision, kv));
  } else {
    const keys = [...new Set([key, KEYS[prng.nextInt(KEYS.length)]!])];
    const ops: RequestOp[] = keys.map((k, i) =>
      i === 1 && prng.nextInt(2) === 0
        ? { requestDeleteRange: deleteRangeRequest({ key: enc.encode(k), prevKv: true }) }
        : {
          requestPut: putRequest({
            key: enc.encode(k),
            value: enc.encode(`t${prng.nextInt(1000)}`),
          }),
        }
    );
    const r = await client.txn(txnRequest({ success: ops }));
    const facts: Fact[] = [];
    r.responses.forEach((response, i) => {
      const op = ops[i]!;
      if ("requestPut" in op && "responsePut" in response) {
        facts.push({
          revision: r.header.revision,
          type: "PUT",
          key: dec.decode(op.requestPut.key),
          value: dec.decode(op.requestPut.value),
        });
      } else if ("responseDeleteRange" in response) {
        for (const kv of response.responseDeleteRange.prevKvs) {
          facts.push(deleteFact(r.header.revision, kv));
        }
      }
    });
    history.push(...facts);
  }
}

function deleteFact(revision: number, kv: KeyValue): Fact {
  return { revision, type: "DELETE", key: dec.decode(kv.key), value: "" };
}

Deno.test("watch e2e: watchers across prefixes see the committed history; progress", async () => {
  const dir = await Deno.makeTempDir({ prefix: "etcd-ts-watch-" });
  const member = await MemberProcess.start(dir, [
    "--experimental-watch-progress-notify-interval=300ms",
  ]);
  const client = new EtcdClient({ endpoints: [member.clientUrl] });
  const endpoint = parseEndpoint(member.clientUrl);
  const logs: StreamLog[] = [];
  try {
    const history: Fact[] = [];
    const prng = new SeededPrng(Date.now());
    for (let i = 0; i < 20; i++) await randomWrite(client, prng, history);
    const r0 = (await client.status()).header.revision;
    // Stream A: prefixes, a key, from a key on; stream B: everything with filters, a replay.
    const interestsA: Interest[] = [
      { key: "p0/", end: "p00", from: r0 + 1 },
      { key: "p1/", end: "p10", from: r0 + 1 },
      { key: "q", end: null, from: r0 + 1 },
      { key: "p2/", end: "", from: r0 + 1 },
    ];
    const interestsB: Interest[] = [
      { key: "\0", end: "", from: r0 + 1, noDelete: true },
      { key: "p3/", end: "p30", from: r0 + 1, noPut: true },
      { key: "p0/1", end: null, from: r0 + 1 },
      { key: "p", end: "q", from: Math.max(1, r0 - 10) },
    ];
    const a = new StreamLog(new WatchConnection(endpoint, {}));
    const b = new StreamLog(new WatchConnection(endpoint, {}));
    logs.push(a, b);
    interestsA.forEach((i) =>
      a.connection.send({ createRequest: createOf(i, { startRevision: 0 }) })
    );
    interestsB.forEach((i, n) =>
      b.connection.send({
        createRequest: createOf(i, { startRevision: n === 3 ? i.from : 0, watchId: 10 + n }),
      })
    );
    const spec: WatchSpec = {
      ...createOf({ key: "p2/", end: "p20", from: 0 }),
      progressNotify: true,
    };
    const resuming = new Watcher({ endpoints: [member.clientUrl] }, spec);
    const resumed: WatchResponse[] = [];
    const pump = (async () => {
      for await (const response of resuming) resumed.push(response);
    })();
    await until(() => a.responses.length >= 4 && b.responses.length >= 4, "the created answers");
    // The workload: three writers, compactions behind them.
    let compacted = 0;
    await Promise.all([0, 1, 2].map(async (w) => {
      const own = new SeededPrng(prng.nextUint32() + w);
      for (let i = 0; i < 40; i++) {
        await randomWrite(client, own, history);
        if (w === 0 && i % 15 === 14) {
          const current = (await client.status()).header.revision;
          if (current - 15 > compacted) {
            compacted = current - 15;
            await client.compact({ revision: compacted, physical: false });
          }
        }
      }
    }));
    history.sort((x, y) => x.revision - y.revision);
    const final = (await client.status()).header.revision;
    assert.equal(history.at(-1)!.revision, final, "every write is in the history");
    const facts = (stream: StreamLog, id: number) => stream.eventsOf(id).facts;
    for (const [stream, interests, base] of [[a, interestsA, 0], [b, interestsB, 10]] as const) {
      for (const [n, interest] of interests.entries()) {
        const expected = wanted(history, interest, final);
        await until(
          () => facts(stream, base + n).length >= expected.length,
          `watcher ${base + n}: ${expected.length} events`,
        );
        assertSameFacts(facts(stream, base + n), expected, `watcher ${base + n}`);
      }
    }
    // A progress request on A is answered after every event up to its revision.
    a.connection.send({ progressRequest: {} });
    await until(() => a.responses.some((r) => r.response.watchId === -1), "the progress answer");
    const answer = a.responses.find((r) => r.response.watchId === -1)!;
    assert.equal(answer.response.header.revision, final);
    for (const [n, interest] of interestsA.entries()) {
      const { facts: got, messageOf } = a.eventsOf(n);
      const before = got.filter((f) => messageOf.get(f.revision)! < answer.at);
      assertSameFacts(before, wanted(history, interest, final), `watcher ${n} before the progress`);
    }
    // Periodic progress notifications (300 ms here) at the final revision, after all events.
    await until(
      () => resumed.some((r) => r.events.length === 0 && r.header.revision === final),
      "a progress notification",
    );
    const events = resumed.filter((r) => r.events.length > 0).flatMap((r) => r.events.map(factOf));
    assertSameFacts(
      events,
      wanted(history, { key: "p2/", end: "p20", from: r0 + 1 }, final),
      "p2/",
    );
    resuming.close();
    await pump;
  } finally {
    for (const log of logs) log.connection.close();
    await Promise.all(logs.map((l) => l.done));
    client.close();
    await member.stop("SIGKILL");
    await Deno.remove(dir, { recursive: true });
  }
});

/** The whole committed history of `url` as its store replays it (never compacted here). */
async function replay(url: string, upTo: number, from = 1): Promise<Fact[]> {
  const connection = new WatchConnection(parseEndpoint(url), {});
  const log = new StreamLog(connection);
  connection.send({ createRequest: createOf({ key: "\0", end: "", from }) });
  try {
    await until(() => {
      const got = log.eventsOf(0).facts;
      return got.length > 0 && got.at(-1)!.revision >= upTo;
    }, `the replay up to ${upTo}`);
    return log.eventsOf(0).facts;
  } finally {
    connection.close();
    await log.done;
  }
}

/** Puts `w-<i>` keys through `client` until stopped; errors (a member down) are retried later. */
function writer(client: EtcdClient, prefix: string) {
  let stop = false;
  let acked = 0;
  const done = (async () => {
    for (let i = 0; !stop; i++) {
      try {
        await client.put(
          putRequest({ key: enc.encode(`${prefix}${i}`), value: enc.encode(`v${i}`) }),
        );
        acked++;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  })();
  return {
    get acked() {
      return acked;
    },
    stop: async () => {
      stop = true;
      await done;
    },
  };
}

Deno.test("watch e2e: a watcher resumes after its member is killed and restarted", async () => {
  const dir = await Deno.makeTempDir({ prefix: "etcd-ts-watch-" });
  const port = freePort();
  const args = [
    `--listen-client-urls=http://127.0.0.1:${port}`,
    `--advertise-client-urls=http://127.0.0.1:${port}`,
  ];
  let member = await MemberProcess.start(dir, args);
  const client = new EtcdClient({ endpoints: [member.clientUrl], commandTimeoutMs: 2000 });
  const spec: WatchSpec = { ...createOf({ key: "w-", end: "w.", from: 0 }) };
  const watcher = new Watcher({ endpoints: [member.clientUrl], dialTimeoutMs: 500 }, spec);
  const got: Fact[] = [];
  const pump = (async () => {
    for await (const response of watcher) got.push(...response.events.map(factOf));
  })();
  try {
    const load = writer(client, "w-");
    await until(() => got.length >= 30, "events before the kill");
    await member.stop("SIGKILL");
    await new Promise((r) => setTimeout(r, 300));
    member = await MemberProcess.start(dir, args);
    await until(() => load.acked >= 80 && got.length >= 80, "writes after the restart");
    await load.stop();
    const final = (await client.status()).header.revision;
    await until(() => (got.at(-1)?.revision ?? 0) >= final, "the last event");
    const history = await replay(member.clientUrl, final);
    const first = got[0]!.revision;
    assertSameFacts(
      got,
      history.filter((f) => f.revision >= first && f.key.startsWith("w-")),
      "resumed",
    );
    assert.ok(watcher.reconnects >= 1, "the watcher had to reconnect");
  } finally {
    watcher.close();
    await pump;
    client.close();
    await member.stop("SIGKILL");
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("watch e2e: a watcher on a follower goes on across a leader kill", async () => {
  const dir = await Deno.makeTempDir({ prefix: "etcd-ts-watch-" });
  const plans = planCluster(dir, 3);
  const members = await Promise.all(plans.map(start));
  try {
    const leaderId = await leaderOf(members[0]!);
    const statuses = await Promise.all(members.map((m) => m.post("/v3/maintenance/status", {})));
    const leader = statuses.findIndex((s) => s.body.header.member_id === leaderId);
    const followers = [0, 1, 2].filter((i) => i !== leader);
    const watched = members[followers[0]!]!;
    const other = members[followers[1]!]!;
    const spec: WatchSpec = { ...createOf({ key: "f-", end: "f.", from: 0 }), prevKv: true };
    const watcher = new Watcher({ endpoints: [watched.clientUrl] }, spec);
    const got: WatchResponse[] = [];
    const pump = (async () => {
      for await (const response of watcher) got.push(response);
    })();
    const client = new EtcdClient({
      endpoints: [members[leader]!.clientUrl, other.clientUrl],
      commandTimeoutMs: 3000,
    });
    const count = () => got.reduce((n, r) => n + r.events.length, 0);
    try {
      const load = writer(client, "f-");
      await until(() => count() >= 20, "events before the kill");
      await members[leader]!.stop("SIGKILL");
      const before = load.acked;
      await until(() => load.acked >= before + 30, "writes under the new leader");
      await load.stop();
      const final = (await client.status(other.clientUrl)).header.revision;
      await until(
        () => (got.at(-1)?.events.at(-1)?.kv.modRevision ?? 0) >= final,
        "the last event",
      );
      const history = await replay(watched.clientUrl, final);
      const events = got.flatMap((r) => r.events);
      const first = events[0]!.kv.modRevision;
      assertSameFacts(events.map(factOf), history.filter((f) => f.revision >= first), "follower");
      for (const e of events) {
        if (e.kv.version > 1) assert.ok(e.prevKv !== null, "prev_kv of an update");
      }
      assert.equal(watcher.reconnects, 0, "the follower's stream was never broken");
    } finally {
      watcher.close();
      await pump;
      client.close();
    }
  } finally {
    await Promise.all(members.map((m) => m.stop("SIGKILL")));
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("watch e2e: a watcher on a follower that installs a snapshot goes on from the new store", async () => {
  const dir = await Deno.makeTempDir({ prefix: "etcd-ts-watch-" });
  const plans = planCluster(dir, 3).map((p) => ({
    ...p,
    env: { ...p.env, ETCD_SNAPSHOT_COUNT: "50" },
  }));
  const members = await Promise.all(plans.map(start));
  try {
    const leaderId = await leaderOf(members[0]!);
    const statuses = await Promise.all(members.map((m) => m.post("/v3/maintenance/status", {})));
    const leader = statuses.findIndex((s) => s.body.header.member_id === leaderId);
    const follower = members[[0, 1, 2].find((i) => i !== leader)!]!;
    // Snapshots come at 50 entries and then as the entries since add up to
    // the last one's size (about doubling here): the last, at about half of
    // TOTAL, must compact the leader's log past what the follower's buffers hold.
    const TOTAL = 4000;
    const client = new EtcdClient({ endpoints: [members[leader]!.clientUrl] });
    const spec: WatchSpec = { ...createOf({ key: "s-", end: "s.", from: 0 }), prevKv: true };
    const watcher = new Watcher({ endpoints: [follower.clientUrl] }, spec);
    const got: Fact[] = [];
    const pump = (async () => {
      for await (const response of watcher) got.push(...response.events.map(factOf));
    })();
    try {
      // Values big enough that the paused follower's socket buffers cannot hold the backlog.
      const filler = "x".repeat(2048);
      const put = (i: number) =>
        client.put(putRequest({ key: enc.encode(`s-${i}`), value: enc.encode(`v${i}${filler}`) }));
      for (let i = 0; i < 10; i++) await put(i);
      await until(() => got.length === 10, "events before the pause");
      // Compacted at what the follower has: its store from the snapshot is compacted there, and
      // its watcher (next revision above it) goes on; one below would be canceled (unit tests).
      const before = (await client.status()).header.revision;
      await client.compact({ revision: before, physical: false });
      follower.child.kill("SIGSTOP");
      try {
        for (let i = 10; i < TOTAL; i += 10) {
          await Promise.all(Array.from({ length: 10 }, (_, j) => put(i + j)));
        }
      } finally {
        follower.child.kill("SIGCONT");
      }
      const final = (await client.status()).header.revision;
      await until(() => (got.at(-1)?.revision ?? 0) >= final, "the last event on the follower");
      // Everything from the compaction on is the leader's history; before it, every put once.
      const history = await replay(members[leader]!.clientUrl, final, before);
      assertSameFacts(got.filter((f) => f.revision >= before), history, "after the compaction");
      assert.deepEqual(
        got.map((f) => f.key).sort(),
        Array.from({ length: TOTAL }, (_, i) => `s-${i}`).sort(),
        "every put, once",
      );
      const revisions = got.map((f) => f.revision);
      assert.deepEqual(revisions, [...revisions].sort((x, y) => x - y), "in revision order");
      assert.equal(watcher.reconnects, 0);
    } finally {
      watcher.close();
      await pump;
      client.close();
    }
    const { stderr } = await follower.stop("SIGTERM");
    assert.match(stderr, /applied snapshot from the leader/);
  } finally {
    await Promise.all(members.map((m) => m.stop("SIGKILL")));
    await Deno.remove(dir, { recursive: true });
  }
});
