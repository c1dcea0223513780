/**
 * The watch hub against the committed history, over random workloads: many
 * watchers on several streams (keys, prefixes, ranges, past and future
 * start revisions, filters, prev_kv), puts, deletes, txns and compactions
 * on a real MVCC store, streams that fill up and drain at random, cancels,
 * progress requests and ticks, and the watched store falling behind and
 * being replaced by a snapshot of the leader's (as a follower installs
 * one). Every watcher's events must be the history's (in order, none twice,
 * none missing, each revision in one message), every progress response at
 * R must come after every event up to R, and prev_kv must be the truth.
 */

import assert from "node:assert/strict";
import { KvStore } from "../../src/mvcc/mod.ts";
import type { Event, RequestOp } from "../../src/proto/rpc.ts";
import { deleteRangeRequest, putRequest, txnRequest } from "../../src/proto/rpc.ts";
import { type WatchCreateRequest, watchCreateRequest } from "../../src/proto/rpc_watch.ts";
import { utf8Encode } from "../../src/util/bytes.ts";
import { SeededPrng } from "../../src/util/prng.ts";
import { EtcdError } from "../../src/proto/errors.ts";
import {
  keyRangeOf,
  keyToString,
  rangeHolds,
  WatchHub,
  type WatchMessage,
  type WatchSink,
} from "../../src/watch/mod.ts";

const KEYS = ["a", "b", "p/1", "p/2", "p/3", "q", "q/1", "z"];
const RANGES: readonly (readonly [string, string])[] = [
  ["a", ""],
  ["p/1", ""],
  ["z", ""],
  ["p/", "p0"],
  ["b", "q"],
  ["p/2", "\0"],
  ["", "\0"],
  ["q", "q0"],
];

/** A sink with a capacity the test changes; what it takes is the stream's output. */
class TestSink implements WatchSink {
  readonly out: WatchMessage[] = [];
  queued = 0;
  capacity = Infinity;
  get writable(): boolean {
    return this.queued < this.capacity;
  }
  send(message: WatchMessage, control: boolean): boolean {
    if (!control && !this.writable) return false;
    this.out.push(message);
    this.queued++;
    return true;
  }
}

interface StreamUnderTest {
  readonly sink: TestSink;
  readonly stream: ReturnType<WatchHub["openStream"]>;
  /** Create requests in the order sent, matched with the created answers. */
  readonly creates: WatchCreateRequest[];
}

/** The committed history: every event with its true prevKv, by revision. */
class Truth {
  readonly events: Event[] = [];
  /**
   * Revisions compacted at: a compaction keeps no tombstone at its own
   * revision (as etcd's), so a watcher reading from there may miss those
   * deletes.
   */
  readonly compactedAt = new Set<number>();
  record(_revision: number, events: readonly Event[]): void {
    this.events.push(...events);
  }
  /** Whether `event` may be missing from a watcher's events. */
  optional(event: Event): boolean {
    return event.type === "DELETE" && this.compactedAt.has(event.kv.modRevision);
  }
}

/**
 * Matches `got` against the start of `expected` in order (skipping the
 * optional ones missing from it); returns the index in `expected` after
 * the last match.
 */
function matchPrefix(got: readonly Event[], expected: readonly Event[], truth: Truth): number {
  let j = 0;
  got.forEach((event, i) => {
    while (j < expected.length && !sameEvent(event, expected[j]!) && truth.optional(expected[j]!)) {
      j++;
    }
    assert.ok(
      j < expected.length && sameEvent(event, expected[j]!),
      `event ${i}: not the history's`,
    );
    j++;
  });
  return j;
}

function show(event: Event): string {
  return `${event.type[0]}${keyToString(event.kv.key)}@${event.kv.modRevision}`;
}

function requiredLeft(expected: readonly Event[], from: number, truth: Truth): number {
  return expected.slice(from).filter((event) => !truth.optional(event)).length;
}

function opsFor(prng: SeededPrng): RequestOp[] {
  const ops: RequestOp[] = [];
  const used = new Set<string>();
  const n = 1 + prng.nextInt(3);
  for (let i = 0; i < n; i++) {
    const key = KEYS[prng.nextInt(KEYS.length)]!;
    if (used.has(key)) continue;
    used.add(key);
    if (prng.nextInt(4) === 0) {
      ops.push({ requestDeleteRange: deleteRangeRequest({ key: utf8Encode(key) }) });
    } else {
      const value = utf8Encode(`v${prng.nextInt(1000)}`);
      ops.push({ requestPut: putRequest({ key: utf8Encode(key), value }) });
    }
  }
  return ops;
}

type Write = (store: KvStore) => void;

function randomWrite(prng: SeededPrng): Write {
  const kind = prng.nextInt(10);
  if (kind < 5) {
    const key = utf8Encode(KEYS[prng.nextInt(KEYS.length)]!);
    const value = utf8Encode(`v${prng.nextInt(1000)}`);
    return (store) => store.put(putRequest({ key, value }));
  }
  if (kind < 7) {
    const [key, end] = RANGES[prng.nextInt(RANGES.length)]!;
    const request = deleteRangeRequest({
      key: utf8Encode(key === "" ? "\0" : key),
      rangeEnd: end === ""
        ? new Uint8Array(0)
        : end === "\0"
        ? new Uint8Array([0])
        : utf8Encode(end),
    });
    return (store) => store.deleteRange(request);
  }
  const request = txnRequest({ success: opsFor(prng) });
  return (store) => store.txn(request);
}

function apply(write: Write, store: KvStore): void {
  try {
    write(store);
  } catch (error) {
    if (!(error instanceof EtcdError)) throw error;
  }
}

function randomCreate(prng: SeededPrng, leader: KvStore): WatchCreateRequest {
  const [key, end] = RANGES[prng.nextInt(RANGES.length)]!;
  const current = leader.currentRevision;
  const roll = prng.nextInt(4);
  const startRevision = roll === 0
    ? 0
    : roll === 1
    ? current + 1 + prng.nextInt(3)
    : Math.max(1, leader.compactRevision - 1 + prng.nextInt(current - leader.compactRevision + 2));
  const filters = prng.nextInt(5) === 0
    ? (["NOPUT"] as const)
    : prng.nextInt(5) === 0
    ? (["NODELETE"] as const)
    : [];
  return watchCreateRequest({
    key: utf8Encode(key),
    rangeEnd: end === "" ? new Uint8Array(0) : end === "\0" ? new Uint8Array([0]) : utf8Encode(end),
    startRevision,
    prevKv: prng.nextInt(2) === 0,
    progressNotify: prng.nextInt(2) === 0,
    filters: [...filters],
    watchId: prng.nextInt(4) === 0 ? 100 + prng.nextInt(5) : 0,
  });
}

/** One watcher's life as read back from its stream. */
interface Life {
  readonly request: WatchCreateRequest;
  readonly start: number;
  readonly events: Event[];
  /** Message index per revision (each revision in one message). */
  readonly messageOf: Map<number, number>;
  end: "open" | "canceled" | { compact: number };
}

function expectedFor(life: Life, truth: Truth, upTo: number): Event[] {
  const range = keyRangeOf(life.request.key, life.request.rangeEnd)!;
  const noPut = life.request.filters.includes("NOPUT");
  const noDelete = life.request.filters.includes("NODELETE");
  return truth.events.filter((e) =>
    e.kv.modRevision >= life.start && e.kv.modRevision <= upTo &&
    rangeHolds(range, keyToString(e.kv.key)) && !(e.type === "PUT" ? noPut : noDelete)
  );
}

function sameEvent(a: Event, b: Event): boolean {
  return a.type === b.type && keyToString(a.kv.key) === keyToString(b.kv.key) &&
    a.kv.modRevision === b.kv.modRevision && a.kv.version === b.kv.version &&
    keyToString(a.kv.value) === keyToString(b.kv.value);
}

function checkPrevKv(life: Life, event: Event, truthEvent: Event): void {
  if (!life.request.prevKv) {
    assert.equal(event.prevKv, null, "prev_kv not asked for");
    return;
  }
  if (event.prevKv === null) return; // compacted away (or none): etcd sends none either
  const truth = truthEvent.prevKv;
  assert.ok(truth !== null, "a prev_kv where there was none");
  assert.equal(event.prevKv.modRevision, truth.modRevision);
  assert.equal(keyToString(event.prevKv.value), keyToString(truth.value));
}

/** Reads one stream's output back and checks it against the truth. */
function checkStream(s: StreamUnderTest, truth: Truth, final: number): number {
  const lives = new Map<number, Life>();
  const done: Life[] = [];
  let creates = 0;
  const progressChecks: { at: number; revision: number; who: Life[] }[] = [];
  s.sink.out.forEach((m, index) => {
    if (m.created) {
      const request = s.creates[creates++]!;
      if (m.canceled) return;
      const start = request.startRevision === 0 ? m.revision + 1 : request.startRevision;
      lives.set(m.watchId, { request, start, events: [], messageOf: new Map(), end: "open" });
      return;
    }
    if (m.canceled) {
      const life = lives.get(m.watchId)!;
      if (life.end === "open") {
        life.end = m.compactRevision !== 0 ? { compact: m.compactRevision } : "canceled";
      }
      if (m.compactRevision === 0) {
        lives.delete(m.watchId);
        done.push(life);
      }
      return;
    }
    if (m.events.length === 0) {
      const who = m.watchId === -1 ? [...lives.values()] : [lives.get(m.watchId)!];
      progressChecks.push({
        at: index,
        revision: m.revision,
        who: who.filter((l) => l.end === "open"),
      });
      for (const life of who) {
        progressChecks[progressChecks.length - 1]!.who.length; // (kept for clarity)
        assert.ok(life !== undefined, "progress for an unknown watcher");
      }
      return;
    }
    const life = lives.get(m.watchId)!;
    assert.equal(life.end, "open", "events after the end");
    let last = life.events.at(-1)?.kv.modRevision ?? -1;
    for (const event of m.events) {
      const revision = event.kv.modRevision;
      assert.ok(revision >= last, `revision order ${revision} after ${last}`);
      const seenIn = life.messageOf.get(revision);
      assert.ok(seenIn === undefined || seenIn === index, "a revision split over messages");
      life.messageOf.set(revision, index);
      last = revision;
      life.events.push(event);
    }
    assert.ok(m.revision >= last, "header revision below its events");
  });
  // Progress: every event up to R was sent before the notification.
  for (const check of progressChecks) {
    for (const life of check.who) {
      const expected = expectedFor(life, truth, check.revision);
      const before = life.events.filter((e) =>
        (life.messageOf.get(e.kv.modRevision) ?? Infinity) < check.at
      );
      const matched = matchPrefix(before, expected, truth);
      assert.equal(
        requiredLeft(expected, matched, truth),
        0,
        `progress at ${check.revision} before all its events: ${expected.map(show)} vs ${
          before.map(show)
        }`,
      );
    }
  }
  let checked = 0;
  for (const life of [...done, ...lives.values()]) {
    const expected = expectedFor(life, truth, final);
    const got = life.events;
    const matched = matchPrefix(got, expected, truth);
    if (life.end === "open") {
      assert.equal(
        requiredLeft(expected, matched, truth),
        0,
        `watcher from ${life.start}: missed events`,
      );
    } else if (typeof life.end === "object") {
      const last = got.at(-1)?.kv.modRevision ?? life.start - 1;
      assert.ok(
        life.end.compact > last + 1,
        `canceled at compact ${life.end.compact} after ${last}`,
      );
    }
    got.forEach((event) => {
      const truthEvent = expected.find((e) => sameEvent(e, event))!;
      checkPrevKv(life, event, truthEvent);
    });
    // Whole revisions only (a prefix never ends mid-revision).
    const lastRevision = got.at(-1)?.kv.modRevision;
    const next = expected.slice(matched).find((e) => !truth.optional(e));
    if (lastRevision !== undefined && next !== undefined && life.end !== "open") {
      assert.notEqual(next.kv.modRevision, lastRevision, "a revision cut short");
    }
    checked += got.length;
  }
  return checked;
}

export function runSeed(seed: number, rounds: number): number {
  const prng = new SeededPrng(seed);
  const truth = new Truth();
  const leader = new KvStore({ onWrite: (revision, events) => truth.record(revision, events) });
  let follower: KvStore;
  const hub: WatchHub = new WatchHub(() => follower, {
    syncWatchersMax: 1 + prng.nextInt(4),
    syncRevisionsMax: 1 + prng.nextInt(6),
    responseBytesMax: 50 + prng.nextInt(400),
  });
  const onWrite = (revision: number, events: readonly Event[]) => hub.onWrite(revision, events);
  follower = new KvStore({ onWrite });
  let partitioned = false;
  const streams: StreamUnderTest[] = [];
  for (let i = 0; i < 3; i++) {
    const sink = new TestSink();
    streams.push({ sink, stream: hub.openStream(sink), creates: [] });
  }
  for (let round = 0; round < rounds; round++) {
    const roll = prng.nextInt(100);
    const s = streams[prng.nextInt(streams.length)]!;
    if (roll < 40) {
      const write = randomWrite(prng);
      apply(write, leader);
      if (!partitioned) apply(write, follower);
    } else if (roll < 52) {
      const request = randomCreate(prng, leader);
      s.creates.push(request);
      s.stream.create(request);
    } else if (roll < 55) {
      s.stream.cancel(prng.nextInt(3) === 0 ? 100 + prng.nextInt(5) : prng.nextInt(4));
    } else if (roll < 65) {
      hub.step();
    } else if (roll < 72) {
      s.sink.capacity = prng.nextInt(3) === 0 ? Infinity : s.sink.queued + prng.nextInt(3);
    } else if (roll < 80) {
      s.sink.queued = 0; // the client read everything
    } else if (roll < 84) {
      s.stream.requestProgress();
    } else if (roll < 87) {
      s.stream.progressTick();
    } else if (roll < 90) {
      const span = leader.currentRevision - leader.compactRevision;
      if (span > 1) {
        const at = leader.compactRevision + 1 + prng.nextInt(span);
        apply((store) => store.compact(at), leader);
        truth.compactedAt.add(at);
        if (!partitioned) apply((store) => store.compact(at), follower);
      }
    } else if (roll < 93) {
      partitioned = true; // the follower stops applying
    } else if (roll < 96 && partitioned) {
      follower = KvStore.fromSnapshot(leader.toSnapshot(), { onWrite });
      partitioned = false;
      hub.onRestore();
    }
  }
  if (partitioned) {
    follower = KvStore.fromSnapshot(leader.toSnapshot(), { onWrite });
    hub.onRestore();
  }
  for (const s of streams) {
    s.sink.capacity = Infinity;
    s.sink.queued = 0;
  }
  for (let i = 0; i < 100_000 && hub.step(); i++) { /* drain */ }
  assert.equal(hub.unsyncedCount, 0, "every watcher caught up");
  let events = 0;
  for (const s of streams) events += checkStream(s, truth, leader.currentRevision);
  return events;
}

Deno.test("watch hub model: random workloads against the committed history", () => {
  let events = 0;
  for (let seed = 1; seed <= 150; seed++) {
    try {
      events += runSeed(seed, 300);
    } catch (error) {
      throw new Error(`SEED=${seed}: ${error instanceof Error ? error.message : error}`, {
        cause: error,
      });
    }
  }
  assert.ok(events > 5000, `the workloads delivered events (${events})`);
});
