/**
 * Unit tests of the Raft core's building blocks: quorum arithmetic,
 * inflights, progress, the conf change codec, read rounds, the unstable log,
 * the Raft log and config validation. Tables follow etcd-io/raft's tests.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { AssertionError } from "../util/assert.ts";
import { SeededPrng } from "../util/prng.ts";
import { Changer, ConfChangeError, restoreConfig } from "./confchange.ts";
import { ConfChangeDecodeError, decodeConfChange, encodeConfChange } from "./confchange_codec.ts";
import type { RaftConfig } from "./config.ts";
import { validateConfig } from "./config.ts";
import { CompactedError, RaftConfigError } from "./errors.ts";
import { Inflights } from "./inflights.ts";
import { RaftLog } from "./log.ts";
import { UnstableLog } from "./log_unstable.ts";
import type { ProgressState } from "./progress.ts";
import { Progress } from "./progress.ts";
import type { VoteResult } from "./quorum.ts";
import {
  jointCommitted,
  jointVoteResult,
  majorityCommitted,
  majorityVoteResult,
} from "./quorum.ts";
import { leaderOfThree, persistAll } from "./_test_network.ts";
import { RawNode } from "./raw_node.ts";
import { decodeReadRound, encodeReadRound, ReadOnly } from "./read_only.ts";
import { BOOTSTRAP_INDEX, entrySizeBytes, MemoryStorage } from "./storage.ts";
import { ProgressTracker } from "./tracker.ts";
import type {
  ConfChange,
  ConfChangeSingle,
  ConfChangeTransition,
  ConfChangeType,
  ConfState,
  Entry,
  NodeId,
  Snapshot,
} from "./types.ts";
import { EMPTY_CONF_STATE, message } from "./types.ts";

// ---- helpers ----------------------------------------------------------------

function ent(index: number, term: number): Entry {
  return { index, term, type: "normal", data: new Uint8Array(0) };
}

/** Entries `index/term` for consecutive indexes from `first`. */
function entsFrom(first: number, ...terms: number[]): Entry[] {
  return terms.map((term, i) => ent(first + i, term));
}

function snap(index: number, term: number, confState: ConfState = EMPTY_CONF_STATE): Snapshot {
  return { data: new Uint8Array(0), metadata: { index, term, confState } };
}

function ids(entries: readonly Entry[]): string[] {
  return entries.map((e) => `${e.index}/${e.term}`);
}

function idSet(...list: number[]): Set<NodeId> {
  return new Set(list.map(BigInt));
}

function ackFn(acks: Record<number, number>): (id: NodeId) => number | undefined {
  return (id) => acks[Number(id)];
}

function voteMap(votes: Record<number, boolean>): Map<NodeId, boolean> {
  return new Map(Object.entries(votes).map(([id, granted]) => [BigInt(id), granted]));
}

const SEED = 0x5eed;

// ---- quorum -------------------------------------------------------------------

Deno.test("quorum: majorityCommitted is the index acknowledged by a majority (missing acks count 0)", () => {
  const cases: { voters: number[]; acks: Record<number, number>; want: number }[] = [
    { voters: [], acks: {}, want: Number.POSITIVE_INFINITY },
    { voters: [], acks: { 1: 5 }, want: Number.POSITIVE_INFINITY },
    { voters: [1], acks: {}, want: 0 },
    { voters: [1], acks: { 1: 100 }, want: 100 },
    { voters: [1], acks: { 2: 100 }, want: 0 },
    { voters: [1, 2], acks: { 1: 100, 2: 50 }, want: 50 },
    { voters: [1, 2], acks: { 1: 100 }, want: 0 },
    { voters: [1, 2, 3], acks: { 1: 100, 2: 50, 3: 10 }, want: 50 },
    { voters: [1, 2, 3], acks: { 1: 100 }, want: 0 },
    { voters: [1, 2, 3], acks: { 1: 100, 2: 90 }, want: 90 },
    { voters: [1, 2, 3], acks: { 1: 7, 2: 7, 3: 7 }, want: 7 },
    { voters: [1, 2, 3], acks: { 1: 100, 4: 100, 5: 100 }, want: 0 },
    { voters: [1, 2, 3, 4], acks: { 1: 100, 2: 90, 3: 80, 4: 70 }, want: 80 },
    { voters: [1, 2, 3, 4], acks: { 1: 100, 2: 90 }, want: 0 },
    { voters: [1, 2, 3, 4, 5], acks: { 1: 5, 2: 4, 3: 3, 4: 2, 5: 1 }, want: 3 },
    { voters: [1, 2, 3, 4, 5], acks: { 1: 5, 2: 5, 3: 5 }, want: 5 },
  ];
  for (const { voters, acks, want } of cases) {
    assert.equal(
      majorityCommitted(idSet(...voters), ackFn(acks)),
      want,
      `voters ${voters} acks ${JSON.stringify(acks)}`,
    );
  }
});

Deno.test("quorum: jointCommitted is the smaller of both halves; an empty half does not restrict", () => {
  const cases: {
    incoming: number[];
    outgoing: number[];
    acks: Record<number, number>;
    want: number;
  }[] = [
    { incoming: [], outgoing: [], acks: {}, want: Number.POSITIVE_INFINITY },
    { incoming: [1, 2, 3], outgoing: [], acks: { 1: 10, 2: 9, 3: 1 }, want: 9 },
    { incoming: [], outgoing: [1, 2, 3], acks: { 1: 10, 2: 9, 3: 1 }, want: 9 },
    { incoming: [1, 2, 3], outgoing: [1, 2, 3], acks: { 1: 10, 2: 9, 3: 1 }, want: 9 },
    // incoming {1,4,5} has 10; outgoing {1,2,3} only 1 (2 and 3 are behind)
    {
      incoming: [1, 4, 5],
      outgoing: [1, 2, 3],
      acks: { 1: 10, 2: 1, 3: 1, 4: 10, 5: 10 },
      want: 1,
    },
    // and the other way round
    {
      incoming: [1, 4, 5],
      outgoing: [1, 2, 3],
      acks: { 1: 10, 2: 10, 3: 10, 4: 1, 5: 1 },
      want: 1,
    },
    {
      incoming: [1, 4, 5],
      outgoing: [1, 2, 3],
      acks: { 1: 10, 2: 8, 3: 1, 4: 9, 5: 1 },
      want: 8,
    },
    { incoming: [1], outgoing: [1, 2], acks: { 1: 10, 2: 4 }, want: 4 },
  ];
  for (const { incoming, outgoing, acks, want } of cases) {
    assert.equal(
      jointCommitted({ incoming: idSet(...incoming), outgoing: idSet(...outgoing) }, ackFn(acks)),
      want,
      `incoming ${incoming} outgoing ${outgoing} acks ${JSON.stringify(acks)}`,
    );
  }
});

Deno.test("quorum: majorityVoteResult wins with a majority granted, loses when a majority cannot be reached", () => {
  const cases: { voters: number[]; votes: Record<number, boolean>; want: VoteResult }[] = [
    { voters: [], votes: {}, want: "won" },
    { voters: [], votes: { 1: false }, want: "won" },
    { voters: [1], votes: {}, want: "pending" },
    { voters: [1], votes: { 1: true }, want: "won" },
    { voters: [1], votes: { 1: false }, want: "lost" },
    { voters: [1, 2], votes: { 1: true }, want: "pending" },
    { voters: [1, 2], votes: { 1: true, 2: true }, want: "won" },
    { voters: [1, 2], votes: { 1: true, 2: false }, want: "lost" },
    { voters: [1, 2, 3], votes: {}, want: "pending" },
    { voters: [1, 2, 3], votes: { 1: true }, want: "pending" },
    { voters: [1, 2, 3], votes: { 1: true, 2: false }, want: "pending" },
    { voters: [1, 2, 3], votes: { 1: true, 2: true }, want: "won" },
    { voters: [1, 2, 3], votes: { 1: false, 2: false }, want: "lost" },
    { voters: [1, 2, 3], votes: { 1: true, 2: false, 3: false }, want: "lost" },
    // votes of non-voters do not count
    { voters: [1, 2, 3], votes: { 4: true, 5: true, 6: true }, want: "pending" },
    { voters: [1, 2, 3, 4], votes: { 1: true, 2: true }, want: "pending" },
    { voters: [1, 2, 3, 4], votes: { 1: true, 2: true, 3: true }, want: "won" },
    { voters: [1, 2, 3, 4], votes: { 1: true, 2: false, 3: false }, want: "lost" },
    { voters: [1, 2, 3, 4, 5], votes: { 1: true, 2: true, 3: false, 4: false }, want: "pending" },
  ];
  for (const { voters, votes, want } of cases) {
    assert.equal(
      majorityVoteResult(idSet(...voters), voteMap(votes)),
      want,
      `voters ${voters} votes ${JSON.stringify(votes)}`,
    );
  }
});

Deno.test("quorum: jointVoteResult wins when both halves win and loses when either loses", () => {
  const cases: {
    incoming: number[];
    outgoing: number[];
    votes: Record<number, boolean>;
    want: VoteResult;
  }[] = [
    { incoming: [], outgoing: [], votes: {}, want: "won" },
    { incoming: [1, 2, 3], outgoing: [], votes: { 1: true, 2: true }, want: "won" },
    { incoming: [1, 2, 3], outgoing: [], votes: { 1: true }, want: "pending" },
    { incoming: [1, 2, 3], outgoing: [], votes: { 1: false, 2: false }, want: "lost" },
    // incoming won, outgoing pending
    { incoming: [1, 2, 3], outgoing: [1, 4, 5], votes: { 1: true, 2: true }, want: "pending" },
    // both won
    {
      incoming: [1, 2, 3],
      outgoing: [1, 4, 5],
      votes: { 1: true, 2: true, 4: true },
      want: "won",
    },
    // incoming won, outgoing lost
    {
      incoming: [1, 2, 3],
      outgoing: [1, 4, 5],
      votes: { 1: false, 2: true, 3: true, 4: false, 5: false },
      want: "lost",
    },
    // incoming pending, outgoing lost
    { incoming: [1, 2, 3], outgoing: [4, 5, 6], votes: { 4: false, 5: false }, want: "lost" },
    // incoming lost, outgoing won
    {
      incoming: [1, 2, 3],
      outgoing: [4, 5, 6],
      votes: { 1: false, 2: false, 4: true, 5: true },
      want: "lost",
    },
  ];
  for (const { incoming, outgoing, votes, want } of cases) {
    assert.equal(
      jointVoteResult(
        { incoming: idSet(...incoming), outgoing: idSet(...outgoing) },
        voteMap(votes),
      ),
      want,
      `incoming ${incoming} outgoing ${outgoing} votes ${JSON.stringify(votes)}`,
    );
  }
});

// ---- inflights --------------------------------------------------------------------

Deno.test("inflights: full once the message count reaches the cap; adding when full is an assertion", () => {
  const inflights = new Inflights(10, 0);
  for (let i = 0; i < 5; i++) inflights.add(i, 100);
  assert.equal(inflights.count(), 5);
  assert.equal(inflights.full(), false);
  for (let i = 5; i < 9; i++) inflights.add(i, 100);
  assert.equal(inflights.full(), false, "9 of 10");
  inflights.add(9, 100);
  assert.equal(inflights.count(), 10);
  assert.equal(inflights.full(), true, "10 of 10");
  assert.throws(() => inflights.add(10, 1), AssertionError);
});

Deno.test("inflights: full once the bytes reach the byte cap, even below the count cap", () => {
  const inflights = new Inflights(10, 1000);
  inflights.add(1, 400);
  inflights.add(2, 599);
  assert.equal(inflights.bytes(), 999);
  assert.equal(inflights.full(), false, "999 of 1000 bytes");
  inflights.add(3, 1);
  assert.equal(inflights.full(), true, "1000 of 1000 bytes");
  inflights.freeLE(1);
  assert.equal(inflights.bytes(), 600);
  assert.equal(inflights.full(), false);
  // One message may overshoot the cap (etcd allows a single large message).
  inflights.add(4, 5000);
  assert.equal(inflights.full(), true);
  assert.equal(inflights.count(), 3);
});

Deno.test("inflights: a byte cap of 0 means no byte limit", () => {
  const inflights = new Inflights(3, 0);
  inflights.add(1, Number.MAX_SAFE_INTEGER / 4);
  inflights.add(2, Number.MAX_SAFE_INTEGER / 4);
  assert.equal(inflights.full(), false);
  inflights.add(3, 0);
  assert.equal(inflights.full(), true, "the count cap still holds");
});

Deno.test("inflights: freeLE frees every message up to and including the index", () => {
  const inflights = new Inflights(10, 0);
  for (let i = 0; i < 10; i++) inflights.add(i, 10);
  inflights.freeLE(-1);
  assert.equal(inflights.count(), 10, "below the first index frees nothing");
  inflights.freeLE(0);
  assert.equal(inflights.count(), 9);
  inflights.freeLE(4);
  assert.equal(inflights.count(), 5);
  assert.equal(inflights.bytes(), 50);
  assert.equal(inflights.full(), false);
  inflights.freeLE(4);
  assert.equal(inflights.count(), 5, "freeing again is a no-op");
  inflights.freeLE(8);
  assert.equal(inflights.count(), 1);
  inflights.freeLE(100);
  assert.equal(inflights.count(), 0);
  assert.equal(inflights.bytes(), 0);
  // After everything was freed, indexes may restart anywhere above.
  inflights.add(200, 1);
  assert.equal(inflights.count(), 1);
});

Deno.test("inflights: freeLE between sparse indexes frees only those at or below", () => {
  const inflights = new Inflights(10, 0);
  for (const index of [5, 10, 15, 20]) inflights.add(index, 1);
  inflights.freeLE(12);
  assert.equal(inflights.count(), 2);
  inflights.freeLE(14);
  assert.equal(inflights.count(), 2);
  inflights.freeLE(15);
  assert.equal(inflights.count(), 1);
});

Deno.test("inflights: counts and bytes stay right across many adds and frees (internal compaction)", () => {
  const inflights = new Inflights(200, 0);
  for (let i = 1; i <= 150; i++) inflights.add(i, i);
  inflights.freeLE(100);
  assert.equal(inflights.count(), 50);
  let bytes = 0;
  for (let i = 101; i <= 150; i++) bytes += i;
  assert.equal(inflights.bytes(), bytes);
  for (let i = 151; i <= 300; i++) inflights.add(i, 1);
  assert.equal(inflights.count(), 200);
  assert.equal(inflights.full(), true);
  inflights.freeLE(299);
  assert.equal(inflights.count(), 1);
  assert.equal(inflights.bytes(), 1);
});

Deno.test("inflights: indexes must grow; reset empties", () => {
  const inflights = new Inflights(10, 100);
  inflights.add(5, 10);
  assert.throws(() => inflights.add(5, 10), AssertionError);
  assert.throws(() => inflights.add(4, 10), AssertionError);
  inflights.reset();
  assert.equal(inflights.count(), 0);
  assert.equal(inflights.bytes(), 0);
  inflights.add(1, 10);
  assert.equal(inflights.count(), 1);
  assert.throws(() => new Inflights(0, 0), AssertionError);
});

// ---- progress ---------------------------------------------------------------------

function progress(
  fields: { state?: ProgressState; match?: number; next?: number; pendingSnapshot?: number },
  inflightsMax = 256,
  inflightBytesMax = 0,
): Progress {
  const pr = new Progress(fields.next ?? 1, false, new Inflights(inflightsMax, inflightBytesMax));
  pr.state = fields.state ?? "probe";
  pr.match = fields.match ?? 0;
  pr.pendingSnapshot = fields.pendingSnapshot ?? 0;
  return pr;
}

Deno.test("progress: becomeProbe restarts at match + 1, or after a pending snapshot", () => {
  const cases: {
    from: ProgressState;
    match: number;
    next: number;
    pendingSnapshot: number;
    wantNext: number;
  }[] = [
    { from: "replicate", match: 1, next: 5, pendingSnapshot: 0, wantNext: 2 },
    { from: "probe", match: 1, next: 5, pendingSnapshot: 0, wantNext: 2 },
    // a snapshot in flight: continue after it
    { from: "snapshot", match: 1, next: 5, pendingSnapshot: 10, wantNext: 11 },
    // a failed snapshot (pending reset to 0): back to match + 1
    { from: "snapshot", match: 1, next: 5, pendingSnapshot: 0, wantNext: 2 },
    // the follower already acknowledged past the snapshot
    { from: "snapshot", match: 12, next: 13, pendingSnapshot: 10, wantNext: 13 },
  ];
  for (const c of cases) {
    const pr = progress({
      state: c.from,
      match: c.match,
      next: c.next,
      pendingSnapshot: c.pendingSnapshot,
    });
    pr.msgAppFlowPaused = true;
    pr.becomeProbe();
    assert.equal(pr.state, "probe");
    assert.equal(pr.next, c.wantNext, `${c.from} match ${c.match} pending ${c.pendingSnapshot}`);
    assert.equal(pr.match, c.match);
    assert.equal(pr.pendingSnapshot, 0);
    assert.equal(pr.msgAppFlowPaused, false);
  }
});

Deno.test("progress: becomeReplicate sets next to match + 1 and clears the inflights", () => {
  const pr = progress({ state: "probe", match: 1, next: 5 });
  pr.inflights.add(4, 10);
  pr.becomeReplicate();
  assert.equal(pr.state, "replicate");
  assert.equal(pr.match, 1);
  assert.equal(pr.next, 2);
  assert.equal(pr.inflights.count(), 0);
});

Deno.test("progress: becomeSnapshot records the pending snapshot and pauses", () => {
  const pr = progress({ state: "replicate", match: 1, next: 5 });
  pr.becomeSnapshot(10);
  assert.equal(pr.state, "snapshot");
  assert.equal(pr.match, 1);
  assert.equal(pr.pendingSnapshot, 10);
  assert.equal(pr.isPaused(), true);
});

Deno.test("progress: maybeUpdate raises match (true) and never lowers match or next", () => {
  const cases: { update: number; wantMatch: number; wantNext: number; wantOk: boolean }[] = [
    { update: 2, wantMatch: 3, wantNext: 5, wantOk: false }, // stale
    { update: 3, wantMatch: 3, wantNext: 5, wantOk: false }, // same match
    { update: 4, wantMatch: 4, wantNext: 5, wantOk: true },
    { update: 5, wantMatch: 5, wantNext: 6, wantOk: true },
    { update: 8, wantMatch: 8, wantNext: 9, wantOk: true },
  ];
  for (const c of cases) {
    const pr = progress({ state: "replicate", match: 3, next: 5 });
    assert.equal(pr.maybeUpdate(c.update), c.wantOk, `update ${c.update}`);
    assert.equal(pr.match, c.wantMatch, `match after update ${c.update}`);
    assert.equal(pr.next, c.wantNext, `next after update ${c.update}`);
  }
});

Deno.test("progress: maybeUpdate resumes a paused probe", () => {
  const pr = progress({ state: "probe", match: 0, next: 3 });
  pr.sentEntries(1, 10);
  assert.equal(pr.isPaused(), true);
  pr.maybeUpdate(2);
  assert.equal(pr.isPaused(), false);
});

Deno.test("progress: maybeDecrTo ignores stale rejections and otherwise moves next back", () => {
  const cases: {
    state: ProgressState;
    match: number;
    next: number;
    rejected: number;
    hint: number;
    wantOk: boolean;
    wantNext: number;
  }[] = [
    // replicate: a rejection at or below match is stale
    { state: "replicate", match: 5, next: 10, rejected: 5, hint: 5, wantOk: false, wantNext: 10 },
    { state: "replicate", match: 5, next: 10, rejected: 4, hint: 4, wantOk: false, wantNext: 10 },
    // replicate: a real rejection falls back to match + 1
    { state: "replicate", match: 5, next: 10, rejected: 9, hint: 9, wantOk: true, wantNext: 6 },
    // probe: only a rejection of the last probe (next - 1) counts
    { state: "probe", match: 0, next: 0, rejected: 0, hint: 0, wantOk: false, wantNext: 0 },
    { state: "probe", match: 0, next: 10, rejected: 5, hint: 5, wantOk: false, wantNext: 10 },
    { state: "probe", match: 0, next: 10, rejected: 9, hint: 9, wantOk: true, wantNext: 9 },
    { state: "probe", match: 0, next: 2, rejected: 1, hint: 1, wantOk: true, wantNext: 1 },
    { state: "probe", match: 0, next: 1, rejected: 0, hint: 0, wantOk: true, wantNext: 1 },
    // the hint lets the leader skip back further
    { state: "probe", match: 0, next: 10, rejected: 9, hint: 2, wantOk: true, wantNext: 3 },
    { state: "probe", match: 0, next: 10, rejected: 9, hint: 0, wantOk: true, wantNext: 1 },
    // but never to or below match
    { state: "probe", match: 4, next: 10, rejected: 9, hint: 1, wantOk: true, wantNext: 5 },
  ];
  for (const c of cases) {
    const pr = progress({ state: c.state, match: c.match, next: c.next });
    const label =
      `${c.state} match ${c.match} next ${c.next} rejected ${c.rejected} hint ${c.hint}`;
    assert.equal(pr.maybeDecrTo(c.rejected, c.hint), c.wantOk, label);
    assert.equal(pr.next, c.wantNext, label);
    assert.equal(pr.match, c.match, label);
  }
});

Deno.test("progress: a rejection of the last probe unpauses the probe", () => {
  const pr = progress({ state: "probe", match: 0, next: 5 });
  pr.sentEntries(1, 1);
  assert.equal(pr.isPaused(), true);
  assert.equal(pr.maybeDecrTo(3, 3), false, "stale: not next - 1");
  assert.equal(pr.isPaused(), true);
  assert.equal(pr.maybeDecrTo(4, 2), true);
  assert.equal(pr.isPaused(), false);
  assert.equal(pr.next, 3);
});

Deno.test("progress: isPaused in probe after one append, in replicate when inflights are full, always in snapshot", () => {
  const probe = progress({ state: "probe", match: 0, next: 1 });
  assert.equal(probe.isPaused(), false);
  probe.sentEntries(0, 0);
  assert.equal(probe.isPaused(), false, "an empty probe does not pause");
  probe.sentEntries(2, 10);
  assert.equal(probe.isPaused(), true);
  assert.equal(probe.next, 1, "a probe does not move next optimistically");

  const replicate = progress({ state: "replicate", match: 0, next: 1 }, 2);
  replicate.sentEntries(3, 30);
  assert.equal(replicate.next, 4, "replicate moves next optimistically");
  assert.equal(replicate.isPaused(), false, "1 of 2 inflights");
  replicate.sentEntries(1, 10);
  assert.equal(replicate.isPaused(), true, "2 of 2 inflights");
  replicate.maybeUpdate(3);
  replicate.inflights.freeLE(3);
  replicate.sentEntries(0, 0);
  assert.equal(replicate.isPaused(), false, "freed inflights resume");

  const bytes = progress({ state: "replicate", match: 0, next: 1 }, 100, 50);
  bytes.sentEntries(1, 50);
  assert.equal(bytes.isPaused(), true, "byte cap reached");

  const snapshot = progress({ state: "snapshot", match: 0, next: 1, pendingSnapshot: 5 });
  assert.equal(snapshot.isPaused(), true);
  snapshot.msgAppFlowPaused = false;
  assert.equal(snapshot.isPaused(), true, "snapshot pauses regardless of flow control");
});

Deno.test("progress: clone copies the state but shares the inflights", () => {
  const pr = progress({ state: "replicate", match: 3, next: 7 });
  pr.recentActive = true;
  const copy = pr.clone();
  assert.deepEqual(
    [copy.state, copy.match, copy.next, copy.recentActive, copy.isLearner],
    ["replicate", 3, 7, true, false],
  );
  assert.equal(copy.inflights, pr.inflights);
  copy.match = 5;
  assert.equal(pr.match, 3);
});

// ---- leader flow control: MsgAppResp -----------------------------------------------

Deno.test("raft: a duplicated stale ack (index == match) leaves a probing follower in probe, its inflights untouched", () => {
  const { node, storage } = leaderOfThree(SEED);
  const emptyEntry = BOOTSTRAP_INDEX + 1;
  const ack = (index: number) =>
    node.step(message({ type: "MsgAppResp", from: 2n, to: 1n, term: 1, index }));
  // Looked up afresh each time, so that a replaced Progress cannot hide a change.
  const progressOf2 = () => {
    const pr = node.raftForTests.tracker.progress.get(2n)!;
    return {
      state: pr.state,
      match: pr.match,
      next: pr.next,
      paused: pr.msgAppFlowPaused,
      inflights: pr.inflights.count(),
      inflightBytes: pr.inflights.bytes(),
    };
  };

  // 2 acknowledges the leader's empty entry (replicate), then is reported unreachable (probe).
  ack(emptyEntry);
  persistAll(node, storage);
  const acked = progressOf2();
  assert.deepEqual([acked.state, acked.match], ["replicate", emptyEntry]);
  node.reportUnreachable(2n);
  node.propose(new TextEncoder().encode("x"));
  const probes = persistAll(node, storage).filter((m) => m.type === "MsgApp" && m.to === 2n);
  assert.deepEqual(probes.map((m) => [m.index, m.entries.length]), [[emptyEntry, 1]]);
  const before = progressOf2();
  assert.deepEqual(before, {
    state: "probe",
    match: emptyEntry,
    next: emptyEntry + 1,
    paused: true,
    inflights: 0,
    inflightBytes: 0,
  }, "one probe in flight");

  // The same acknowledgement again (duplicated or reordered by the network).
  ack(emptyEntry);
  const sent = persistAll(node, storage);
  assert.deepEqual(progressOf2(), before);
  assert.deepEqual(sent.filter((m) => m.to === 2n), [], "no burst of MsgApp follows");

  // An acknowledgement that raises match does switch to replicate.
  ack(emptyEntry + 1);
  const after = progressOf2();
  assert.deepEqual(
    [after.state, after.match, after.next],
    ["replicate", emptyEntry + 1, emptyEntry + 2],
  );
});

// ---- conf change codec -------------------------------------------------------------

const TRANSITIONS: readonly ConfChangeTransition[] = ["auto", "jointImplicit", "jointExplicit"];
const TYPES: readonly ConfChangeType[] = ["addNode", "removeNode", "addLearnerNode"];
const U64_MAX = (1n << 64n) - 1n;

const confChangeArb: fc.Arbitrary<ConfChange> = fc.record({
  transition: fc.constantFrom(...TRANSITIONS),
  changes: fc.array(
    fc.record({
      type: fc.constantFrom(...TYPES),
      nodeId: fc.bigInt({ min: 0n, max: U64_MAX }),
    }).map(({ type, nodeId }): ConfChangeSingle => ({ type, nodeId })),
    { maxLength: 12 },
  ),
  context: fc.uint8Array({ maxLength: 40 }),
}).map(({ transition, changes, context }): ConfChange => ({ transition, changes, context }));

function decodesOrThrowsDecodeError(bytes: Uint8Array): ConfChange | null {
  try {
    return decodeConfChange(bytes);
  } catch (error) {
    if (error instanceof ConfChangeDecodeError) return null;
    throw error;
  }
}

Deno.test("confchange codec: every transition, change type, id and context round-trips", () => {
  const changes: ConfChangeSingle[] = [
    { type: "addNode", nodeId: 1n },
    { type: "removeNode", nodeId: 0x1234_5678_9abc_def0n },
    { type: "addLearnerNode", nodeId: U64_MAX },
    { type: "addNode", nodeId: 0n },
  ];
  for (const transition of TRANSITIONS) {
    for (const context of [new Uint8Array(0), new TextEncoder().encode("http://10.0.0.1:2380")]) {
      const change: ConfChange = { transition, changes, context };
      assert.deepEqual(decodeConfChange(encodeConfChange(change)), change, transition);
    }
  }
});

Deno.test("confchange codec: empty bytes decode to the empty change that leaves a joint config", () => {
  const change = decodeConfChange(new Uint8Array(0));
  assert.deepEqual(change, { transition: "auto", changes: [], context: new Uint8Array(0) });
  // The encoded empty change is not empty bytes, but decodes to the same change.
  assert.deepEqual(decodeConfChange(encodeConfChange(change)), change);
});

Deno.test("confchange codec: decoding works on a view into a larger buffer", () => {
  const change: ConfChange = {
    transition: "jointExplicit",
    changes: [{ type: "addLearnerNode", nodeId: 42n }],
    context: new Uint8Array([9, 8, 7]),
  };
  const encoded = encodeConfChange(change);
  const buffer = new Uint8Array(encoded.byteLength + 7).fill(0xee);
  buffer.set(encoded, 3);
  assert.deepEqual(decodeConfChange(buffer.subarray(3, 3 + encoded.byteLength)), change);
});

Deno.test("confchange codec: malformed bytes throw ConfChangeDecodeError", () => {
  const valid = encodeConfChange({
    transition: "auto",
    changes: [{ type: "addNode", nodeId: 7n }],
    context: new Uint8Array([1, 2]),
  });
  const patched = (at: number, value: number) => {
    const copy = valid.slice();
    copy[at] = value;
    return copy;
  };
  const cases: [string, Uint8Array][] = [
    ["one byte", new Uint8Array([1])],
    ["seven bytes", new Uint8Array([1, 0, 0, 0, 0, 0, 0])],
    ["unknown version 0", patched(0, 0)],
    ["unknown version 2", patched(0, 2)],
    ["unknown transition", patched(1, 3)],
    ["unknown change type", patched(4, 3)],
    ["count larger than the bytes", patched(3, 5)],
    ["truncated context", valid.subarray(0, valid.byteLength - 1)],
    ["trailing bytes", new Uint8Array([...valid, 0])],
    ["context length too large", patched(valid.byteLength - 3, 0xff)],
    ["truncated inside a change", valid.subarray(0, 10)],
  ];
  for (const [label, bytes] of cases) {
    assert.throws(() => decodeConfChange(bytes), ConfChangeDecodeError, label);
  }
  assert.throws(() => decodeConfChange(new Uint8Array([1])), /Cannot decode conf change/);
});

Deno.test("confchange codec: encoding more than 65535 changes is a RangeError", () => {
  const changes: ConfChangeSingle[] = Array.from(
    { length: 0x10000 },
    (_, i) => ({ type: "addNode", nodeId: BigInt(i + 1) }),
  );
  assert.throws(
    () => encodeConfChange({ transition: "auto", changes, context: new Uint8Array(0) }),
    RangeError,
  );
  const most = changes.slice(0, 0xffff);
  const decoded = decodeConfChange(
    encodeConfChange({ transition: "auto", changes: most, context: new Uint8Array(0) }),
  );
  assert.equal(decoded.changes.length, 0xffff);
});

Deno.test("confchange codec: any ConfChange round-trips (property, fixed seed)", () => {
  fc.assert(
    fc.property(confChangeArb, (change) => {
      assert.deepEqual(decodeConfChange(encodeConfChange(change)), change);
    }),
    { seed: SEED, numRuns: 300 },
  );
});

Deno.test("confchange codec: arbitrary bytes decode or throw ConfChangeDecodeError, never another exception", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      decodesOrThrowsDecodeError(bytes);
    }),
    { seed: SEED, numRuns: 500 },
  );
  // Random bytes rarely pass the version byte: also try well-formed headers.
  const headed = fc.tuple(
    fc.integer({ min: 0, max: 4 }),
    fc.integer({ min: 0, max: 4 }),
    fc.uint8Array({ maxLength: 60 }),
  ).map(([transition, count, rest]) => new Uint8Array([1, transition, 0, count, ...rest]));
  fc.assert(
    fc.property(headed, (bytes) => {
      decodesOrThrowsDecodeError(bytes);
    }),
    { seed: SEED, numRuns: 500 },
  );
});

Deno.test("confchange codec: a corrupted encoding either throws ConfChangeDecodeError or is itself canonical", () => {
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
    fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: fc.nat(255) }),
    fc.record({ kind: fc.constant("append" as const), extra: fc.uint8Array({ minLength: 1 }) }),
  );
  fc.assert(
    fc.property(confChangeArb, mutation, (change, m) => {
      const encoded = encodeConfChange(change);
      let bytes: Uint8Array;
      if (m.kind === "truncate") bytes = encoded.subarray(0, m.at % encoded.byteLength);
      else if (m.kind === "append") bytes = new Uint8Array([...encoded, ...m.extra]);
      else {
        bytes = encoded.slice();
        bytes[m.at % bytes.byteLength] = m.value;
      }
      const decoded = decodesOrThrowsDecodeError(bytes);
      // Whatever decodes re-encodes to the same bytes (except the empty-bytes shorthand).
      if (decoded !== null && bytes.byteLength > 0) {
        assert.deepEqual(encodeConfChange(decoded), bytes);
      }
    }),
    { seed: SEED, numRuns: 500 },
  );
});

// ---- conf changes (Changer) ------------------------------------------------------------

function tracker(confState: Partial<ConfState>): ProgressTracker {
  const t = new ProgressTracker(256, 0);
  restoreConfig(t, 10, { ...EMPTY_CONF_STATE, ...confState });
  return t;
}

Deno.test("confchange: restoreConfig rebuilds a joint ConfState exactly", () => {
  const joint: ConfState = {
    voters: [1n, 2n, 4n],
    learners: [5n],
    votersOutgoing: [1n, 2n, 3n],
    learnersNext: [3n],
    autoLeave: true,
  };
  assert.deepEqual(tracker(joint).confState(), joint);
});

Deno.test("confchange: a simple change of more than one voter is refused", () => {
  const t = tracker({ voters: [1n, 2n, 3n] });
  assert.throws(
    () =>
      new Changer(t, 10).simple([
        { type: "addNode", nodeId: 4n },
        { type: "addNode", nodeId: 5n },
      ]),
    ConfChangeError,
  );
  // Adding and removing learners alongside one voter is fine.
  const result = new Changer(t, 10).simple([
    { type: "addNode", nodeId: 4n },
    { type: "addLearnerNode", nodeId: 5n },
  ]);
  assert.deepEqual([...result.config.incoming].sort(), [1n, 2n, 3n, 4n]);
  assert.deepEqual([...result.config.learners], [5n]);
});

Deno.test("confchange: joint changes need a non-joint start and leaving needs a joint config", () => {
  const t = tracker({ voters: [1n, 2n, 3n] });
  assert.throws(() => new Changer(t, 10).leaveJoint(), /can't leave a non-joint config/);
  const joint = new Changer(t, 10).enterJoint(false, [{ type: "removeNode", nodeId: 3n }]);
  t.config = joint.config;
  t.progress = joint.progress;
  assert.throws(
    () => new Changer(t, 10).enterJoint(false, []),
    /config is already joint/,
  );
  assert.throws(
    () => new Changer(t, 10).simple([{ type: "addNode", nodeId: 9n }]),
    /can't apply simple config change in joint config/,
  );
  const left = new Changer(t, 10).leaveJoint();
  assert.deepEqual([...left.config.incoming].sort(), [1n, 2n]);
  assert.equal(left.config.outgoing.size, 0);
  assert.equal(left.progress.has(3n), false, "the removed voter's progress is dropped");
});

Deno.test("confchange: removing every voter is refused", () => {
  const t = tracker({ voters: [1n] });
  assert.throws(
    () => new Changer(t, 10).simple([{ type: "removeNode", nodeId: 1n }]),
    /removed all voters/,
  );
});

Deno.test("confchange: demoting an outgoing voter to learner waits for leaving the joint config", () => {
  const t = tracker({ voters: [1n, 2n, 3n] });
  const joint = new Changer(t, 10).enterJoint(true, [{ type: "addLearnerNode", nodeId: 3n }]);
  assert.deepEqual([...joint.config.learnersNext], [3n]);
  assert.equal(joint.config.learners.has(3n), false);
  assert.equal(joint.progress.get(3n)!.isLearner, false, "still votes in the outgoing half");
  t.config = joint.config;
  t.progress = joint.progress;
  const left = new Changer(t, 10).leaveJoint();
  assert.deepEqual([...left.config.learners], [3n]);
  assert.equal(left.progress.get(3n)!.isLearner, true);
});

// ---- read rounds --------------------------------------------------------------------

Deno.test("read_only: read rounds round-trip through 8 bytes, including above 2^32", () => {
  for (const round of [1, 2, 255, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER]) {
    const bytes = encodeReadRound(round);
    assert.equal(bytes.byteLength, 8);
    assert.equal(decodeReadRound(bytes), round, `round ${round}`);
  }
  fc.assert(
    fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (round) => {
      assert.equal(decodeReadRound(encodeReadRound(round)), round);
    }),
    { seed: SEED, numRuns: 300 },
  );
});

Deno.test("read_only: a context that is not a read round decodes to undefined", () => {
  const cases: [string, Uint8Array][] = [
    ["empty", new Uint8Array(0)],
    ["7 bytes", new Uint8Array(7).fill(1)],
    ["9 bytes", new Uint8Array(9).fill(1)],
    ["round 0", new Uint8Array(8)],
    ["2^53 is not safe", new Uint8Array([0, 0x20, 0, 0, 0, 0, 0, 0])],
    ["all ones", new Uint8Array(8).fill(0xff)],
    ["a campaign marker", new TextEncoder().encode("CampaignTransfer")],
  ];
  for (const [label, bytes] of cases) assert.equal(decodeReadRound(bytes), undefined, label);
});

Deno.test("read_only: decoding reads a view into a larger buffer at its offset", () => {
  const buffer = new Uint8Array(20).fill(0xaa);
  buffer.set(encodeReadRound(2 ** 40 + 3), 5);
  assert.equal(decodeReadRound(buffer.subarray(5, 13)), 2 ** 40 + 3);
});

Deno.test("read_only: encoding a round that is not a positive safe integer is an assertion", () => {
  for (const round of [0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN]) {
    assert.throws(() => encodeReadRound(round), AssertionError, `round ${round}`);
  }
});

Deno.test("read_only: advance releases the reads up to a round, oldest first", () => {
  const ro = new ReadOnly(3);
  const req = (n: number) => message({ type: "MsgReadIndex", context: new Uint8Array([n]) });
  ro.addRequest(5, req(1), 1);
  ro.addRequest(6, req(2), 2);
  ro.addRequest(6, req(3), 4);
  assert.equal(ro.full(), true);
  assert.equal(ro.lastPendingRound(), 4);
  assert.deepEqual([...ro.recvAck(2n, 2)!], [2n]);
  assert.deepEqual([...ro.recvAck(3n, 2)!].sort(), [2n, 3n]);
  assert.equal(ro.recvAck(2n, 3), undefined, "no such round");
  const released = ro.advance(2);
  assert.deepEqual(released.map((s) => [s.round, s.index, s.request.context[0]]), [
    [1, 5, 1],
    [2, 6, 2],
  ]);
  assert.equal(ro.pendingCount(), 1);
  assert.equal(ro.full(), false);
  assert.equal(ro.recvAck(2n, 1), undefined, "a released round takes no more acks");
  assert.throws(() => ro.addRequest(7, req(4), 4), AssertionError, "round reused");
  assert.throws(() => ro.addRequest(7, req(4), 3), AssertionError, "rounds must grow");
  assert.deepEqual(ro.advance(10).map((s) => s.round), [4]);
  assert.equal(ro.lastPendingRound(), undefined);
});

// ---- unstable log --------------------------------------------------------------------

function unstable(offset: number, entries: Entry[], snapshot: Snapshot | null = null): UnstableLog {
  const u = new UnstableLog(offset);
  u.entries = entries;
  u.snapshot = snapshot;
  return u;
}

Deno.test("log_unstable: maybeFirstIndex is known only with a pending snapshot", () => {
  assert.equal(unstable(5, [ent(5, 1)]).maybeFirstIndex(), undefined);
  assert.equal(unstable(0, []).maybeFirstIndex(), undefined);
  assert.equal(unstable(5, [ent(5, 1)], snap(4, 1)).maybeFirstIndex(), 5);
  assert.equal(unstable(5, [], snap(4, 1)).maybeFirstIndex(), 5);
});

Deno.test("log_unstable: maybeLastIndex is the last entry's, else the snapshot's", () => {
  assert.equal(unstable(5, [ent(5, 1)]).maybeLastIndex(), 5);
  assert.equal(unstable(5, [ent(5, 1)], snap(4, 1)).maybeLastIndex(), 5);
  assert.equal(unstable(5, [], snap(4, 1)).maybeLastIndex(), 4);
  assert.equal(unstable(0, []).maybeLastIndex(), undefined);
});

Deno.test("log_unstable: maybeTerm knows held entries and the pending snapshot's index", () => {
  const cases: [UnstableLog, number, number | undefined][] = [
    [unstable(5, [ent(5, 1)]), 5, 1],
    [unstable(5, [ent(5, 1)]), 6, undefined],
    [unstable(5, [ent(5, 1)]), 4, undefined],
    [unstable(5, [ent(5, 1)], snap(4, 1)), 5, 1],
    [unstable(5, [ent(5, 1)], snap(4, 1)), 6, undefined],
    [unstable(5, [ent(5, 1)], snap(4, 1)), 4, 1],
    [unstable(5, [ent(5, 1)], snap(4, 1)), 3, undefined],
    [unstable(5, [], snap(4, 1)), 5, undefined],
    [unstable(5, [], snap(4, 1)), 4, 1],
    [unstable(0, []), 5, undefined],
  ];
  cases.forEach(([u, index, want], i) => assert.equal(u.maybeTerm(index), want, `case ${i}`));
});

Deno.test("log_unstable: restore replaces entries and offset with the snapshot", () => {
  const u = unstable(5, [ent(5, 1)], snap(4, 1));
  const s = snap(6, 2);
  u.restore(s);
  assert.equal(u.offset, 7);
  assert.deepEqual(u.entries, []);
  assert.equal(u.snapshot, s);
});

Deno.test("log_unstable: stableTo drops entries up to a matching index/term only", () => {
  const cases: {
    u: UnstableLog;
    index: number;
    term: number;
    wantOffset: number;
    wantLength: number;
  }[] = [
    { u: unstable(0, []), index: 5, term: 1, wantOffset: 0, wantLength: 0 },
    { u: unstable(5, [ent(5, 1)]), index: 5, term: 1, wantOffset: 6, wantLength: 0 },
    { u: unstable(5, entsFrom(5, 1, 1)), index: 5, term: 1, wantOffset: 6, wantLength: 1 },
    // the entry was replaced by one of another term meanwhile
    { u: unstable(6, [ent(6, 2)]), index: 6, term: 1, wantOffset: 6, wantLength: 1 },
    // older than the offset
    { u: unstable(5, [ent(5, 1)]), index: 4, term: 1, wantOffset: 5, wantLength: 1 },
    { u: unstable(5, [ent(5, 1)]), index: 4, term: 2, wantOffset: 5, wantLength: 1 },
    // with a pending snapshot
    { u: unstable(5, [ent(5, 1)], snap(4, 1)), index: 5, term: 1, wantOffset: 6, wantLength: 0 },
    {
      u: unstable(5, entsFrom(5, 1, 1), snap(4, 1)),
      index: 5,
      term: 1,
      wantOffset: 6,
      wantLength: 1,
    },
    { u: unstable(6, [ent(6, 2)], snap(5, 1)), index: 6, term: 1, wantOffset: 6, wantLength: 1 },
    // the snapshot's own index is not an entry to drop
    { u: unstable(5, [ent(5, 1)], snap(4, 1)), index: 4, term: 1, wantOffset: 5, wantLength: 1 },
    { u: unstable(5, [ent(5, 2)], snap(4, 2)), index: 4, term: 1, wantOffset: 5, wantLength: 1 },
  ];
  cases.forEach(({ u, index, term, wantOffset, wantLength }, i) => {
    u.stableTo(index, term);
    assert.equal(u.offset, wantOffset, `case ${i} offset`);
    assert.equal(u.entries.length, wantLength, `case ${i} length`);
  });
});

Deno.test("log_unstable: stableSnapTo clears only the snapshot at that index", () => {
  const u = unstable(5, [], snap(4, 1));
  u.stableSnapTo(3);
  assert.notEqual(u.snapshot, null);
  u.stableSnapTo(4);
  assert.equal(u.snapshot, null);
});

Deno.test("log_unstable: truncateAndAppend appends, replaces a suffix, or replaces everything", () => {
  const cases: { u: UnstableLog; append: Entry[]; wantOffset: number; want: string[] }[] = [
    // append to the end
    {
      u: unstable(5, [ent(5, 1)]),
      append: entsFrom(6, 1, 1),
      wantOffset: 5,
      want: ["5/1", "6/1", "7/1"],
    },
    // replace everything from the offset
    { u: unstable(5, [ent(5, 1)]), append: entsFrom(5, 2, 2), wantOffset: 5, want: ["5/2", "6/2"] },
    // replace everything, starting before the offset
    {
      u: unstable(5, [ent(5, 1)]),
      append: entsFrom(4, 2, 2, 2),
      wantOffset: 4,
      want: ["4/2", "5/2", "6/2"],
    },
    // truncate a suffix and append
    {
      u: unstable(5, entsFrom(5, 1, 1, 1)),
      append: [ent(6, 2)],
      wantOffset: 5,
      want: ["5/1", "6/2"],
    },
    {
      u: unstable(5, entsFrom(5, 1, 1, 1)),
      append: entsFrom(7, 2, 2),
      wantOffset: 5,
      want: ["5/1", "6/1", "7/2", "8/2"],
    },
  ];
  cases.forEach(({ u, append, wantOffset, want }, i) => {
    u.truncateAndAppend(append);
    assert.equal(u.offset, wantOffset, `case ${i} offset`);
    assert.deepEqual(ids(u.entries), want, `case ${i} entries`);
  });
});

Deno.test("log_unstable: slice outside the held entries is an assertion", () => {
  const u = unstable(5, entsFrom(5, 1, 1));
  assert.deepEqual(ids(u.slice(5, 7)), ["5/1", "6/1"]);
  assert.deepEqual(u.slice(6, 6), []);
  assert.throws(() => u.slice(4, 6), AssertionError);
  assert.throws(() => u.slice(5, 8), AssertionError);
  assert.throws(() => u.slice(6, 5), AssertionError);
});

// ---- raft log -------------------------------------------------------------------------

const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/** A log whose entries are all unstable. */
function logWith(entries: Entry[], committed = 0): RaftLog {
  const log = new RaftLog(new MemoryStorage(), NO_LIMIT);
  log.append(entries);
  log.committed = committed;
  return log;
}

/** A log whose storage holds a snapshot at `snapshotIndex`/`snapshotTerm` and the entries after. */
function storedLog(snapshotIndex: number, snapshotTerm: number, terms: number[]): RaftLog {
  const storage = new MemoryStorage();
  if (snapshotIndex > 0) storage.applySnapshot(snap(snapshotIndex, snapshotTerm));
  storage.append(entsFrom(snapshotIndex + 1, ...terms));
  return new RaftLog(storage, NO_LIMIT);
}

Deno.test("log: findConflict returns the first index whose term differs or that is missing, else 0", () => {
  const cases: [Entry[], number][] = [
    [[], 0],
    [entsFrom(1, 1, 2, 3), 0],
    [entsFrom(2, 2, 3), 0],
    [entsFrom(3, 3), 0],
    [entsFrom(1, 1, 2, 3, 4, 4), 4],
    [entsFrom(2, 2, 3, 4, 4), 4],
    [entsFrom(3, 3, 4, 4), 4],
    [entsFrom(4, 4, 4), 4],
    [entsFrom(1, 4, 4), 1],
    [entsFrom(2, 1, 4, 4), 2],
    [entsFrom(3, 1, 2, 4, 4), 3],
  ];
  for (const [entries, want] of cases) {
    const log = logWith(entsFrom(1, 1, 2, 3));
    assert.equal(log.findConflict(entries), want, JSON.stringify(ids(entries)));
  }
});

Deno.test("log: findConflictByTerm finds the last index with a term at most the given one", () => {
  const cases: {
    snapshot: [number, number];
    terms: number[];
    index: number;
    term: number;
    want: [number, number];
  }[] = [
    // log from index 1: 1/2 2/2 3/5 4/5 5/5
    { snapshot: [0, 0], terms: [2, 2, 5, 5, 5], index: 100, term: 2, want: [100, 0] },
    { snapshot: [0, 0], terms: [2, 2, 5, 5, 5], index: 5, term: 6, want: [5, 5] },
    { snapshot: [0, 0], terms: [2, 2, 5, 5, 5], index: 5, term: 5, want: [5, 5] },
    { snapshot: [0, 0], terms: [2, 2, 5, 5, 5], index: 5, term: 4, want: [2, 2] },
    { snapshot: [0, 0], terms: [2, 2, 5, 5, 5], index: 5, term: 2, want: [2, 2] },
    { snapshot: [0, 0], terms: [2, 2, 5, 5, 5], index: 5, term: 1, want: [0, 0] },
    { snapshot: [0, 0], terms: [2, 2, 5, 5, 5], index: 1, term: 2, want: [1, 2] },
    { snapshot: [0, 0], terms: [2, 2, 5, 5, 5], index: 1, term: 1, want: [0, 0] },
    { snapshot: [0, 0], terms: [2, 2, 5, 5, 5], index: 0, term: 0, want: [0, 0] },
    // compacted log: snapshot 10/3, then 11/3 12/3 13/4 14/4 15/4
    { snapshot: [10, 3], terms: [3, 3, 4, 4, 4], index: 30, term: 3, want: [30, 0] },
    { snapshot: [10, 3], terms: [3, 3, 4, 4, 4], index: 14, term: 9, want: [14, 4] },
    { snapshot: [10, 3], terms: [3, 3, 4, 4, 4], index: 14, term: 4, want: [14, 4] },
    { snapshot: [10, 3], terms: [3, 3, 4, 4, 4], index: 14, term: 3, want: [12, 3] },
    { snapshot: [10, 3], terms: [3, 3, 4, 4, 4], index: 14, term: 2, want: [9, 0] },
    { snapshot: [10, 3], terms: [3, 3, 4, 4, 4], index: 11, term: 5, want: [11, 3] },
    { snapshot: [10, 3], terms: [3, 3, 4, 4, 4], index: 10, term: 5, want: [10, 3] },
    { snapshot: [10, 3], terms: [3, 3, 4, 4, 4], index: 10, term: 3, want: [10, 3] },
    { snapshot: [10, 3], terms: [3, 3, 4, 4, 4], index: 10, term: 2, want: [9, 0] },
    { snapshot: [10, 3], terms: [3, 3, 4, 4, 4], index: 9, term: 2, want: [9, 0] },
    { snapshot: [10, 3], terms: [3, 3, 4, 4, 4], index: 4, term: 2, want: [4, 0] },
    { snapshot: [10, 3], terms: [3, 3, 4, 4, 4], index: 0, term: 0, want: [0, 0] },
  ];
  for (const { snapshot, terms, index, term, want } of cases) {
    const log = storedLog(snapshot[0], snapshot[1], terms);
    assert.deepEqual(
      log.findConflictByTerm(index, term),
      want,
      `snapshot ${snapshot} index ${index} term ${term}`,
    );
  }
});

Deno.test("log: maybeAppend appends after a matching entry, truncates conflicts and commits up to the last new entry", () => {
  // previous entries 1/1 2/2 3/3, committed 1
  const last = 3;
  const lastTerm = 3;
  const commit = 1;
  const cases: {
    logTerm: number;
    index: number;
    committed: number;
    entries: Entry[];
    want: number | undefined;
    wantCommit: number;
    wantLog?: string[];
  }[] = [
    // no match: the term differs
    {
      logTerm: lastTerm - 1,
      index: last,
      committed: last,
      entries: [ent(last + 1, 4)],
      want: undefined,
      wantCommit: commit,
    },
    // no match: the index is past our log
    {
      logTerm: lastTerm,
      index: last + 1,
      committed: last,
      entries: [ent(last + 2, 4)],
      want: undefined,
      wantCommit: commit,
    },
    // match with the last entry
    { logTerm: lastTerm, index: last, committed: last, entries: [], want: last, wantCommit: last },
    // the commit index never passes the last new entry
    {
      logTerm: lastTerm,
      index: last,
      committed: last + 1,
      entries: [],
      want: last,
      wantCommit: last,
    },
    {
      logTerm: lastTerm,
      index: last,
      committed: last - 1,
      entries: [],
      want: last,
      wantCommit: last - 1,
    },
    // the commit index never decreases
    { logTerm: lastTerm, index: last, committed: 0, entries: [], want: last, wantCommit: commit },
    { logTerm: 0, index: 0, committed: last, entries: [], want: 0, wantCommit: commit },
    {
      logTerm: lastTerm,
      index: last,
      committed: last,
      entries: [ent(last + 1, 4)],
      want: last + 1,
      wantCommit: last,
      wantLog: ["1/1", "2/2", "3/3", "4/4"],
    },
    {
      logTerm: lastTerm,
      index: last,
      committed: last + 1,
      entries: [ent(last + 1, 4)],
      want: last + 1,
      wantCommit: last + 1,
    },
    {
      logTerm: lastTerm,
      index: last,
      committed: last + 2,
      entries: [ent(last + 1, 4)],
      want: last + 1,
      wantCommit: last + 1,
    },
    {
      logTerm: lastTerm,
      index: last,
      committed: last + 2,
      entries: entsFrom(last + 1, 4, 4),
      want: last + 2,
      wantCommit: last + 2,
    },
    // match in the middle: the conflicting suffix is replaced
    {
      logTerm: lastTerm - 1,
      index: last - 1,
      committed: last,
      entries: [ent(last, 4)],
      want: last,
      wantCommit: last,
      wantLog: ["1/1", "2/2", "3/4"],
    },
    {
      logTerm: lastTerm - 2,
      index: last - 2,
      committed: last,
      entries: [ent(last - 1, 4)],
      want: last - 1,
      wantCommit: last - 1,
      wantLog: ["1/1", "2/4"],
    },
    {
      logTerm: lastTerm - 2,
      index: last - 2,
      committed: last,
      entries: entsFrom(last - 1, 4, 4),
      want: last,
      wantCommit: last,
      wantLog: ["1/1", "2/4", "3/4"],
    },
    // entries already present change nothing, even with a shorter message
    {
      logTerm: 1,
      index: 1,
      committed: 2,
      entries: [ent(2, 2)],
      want: 2,
      wantCommit: 2,
      wantLog: ["1/1", "2/2", "3/3"],
    },
  ];
  for (const c of cases) {
    const log = logWith(entsFrom(1, 1, 2, 3), commit);
    const label = `after ${c.index}/${c.logTerm} commit ${c.committed} ${ids(c.entries)}`;
    assert.equal(log.maybeAppend(c.index, c.logTerm, c.committed, c.entries), c.want, label);
    assert.equal(log.committed, c.wantCommit, label);
    if (c.wantLog !== undefined) {
      assert.deepEqual(ids(log.entries(1, NO_LIMIT)), c.wantLog, label);
    }
  }
});

Deno.test("log: maybeAppend conflicting with a committed entry is an assertion", () => {
  const log = logWith(entsFrom(1, 1, 2, 3), 1);
  assert.throws(() => log.maybeAppend(0, 0, 3, [ent(1, 4)]), AssertionError);
});

Deno.test("log: isUpToDate prefers the higher last term, then the longer log", () => {
  const log = logWith(entsFrom(1, 1, 2, 3));
  const last = log.lastIndex();
  const cases: [number, number, boolean][] = [
    [last - 1, 4, true],
    [last, 4, true],
    [last + 1, 4, true],
    [last - 1, 2, false],
    [last, 2, false],
    [last + 1, 2, false],
    [last - 1, 3, false],
    [last, 3, true],
    [last + 1, 3, true],
  ];
  for (const [index, term, want] of cases) {
    assert.equal(log.isUpToDate(index, term), want, `${index}/${term}`);
  }
});

Deno.test("log: maybeCommit commits only an entry of the given term, and never backwards", () => {
  const log = logWith(entsFrom(1, 1, 2, 3));
  assert.equal(log.maybeCommit(3, 2), false, "3 is of term 3");
  assert.equal(log.committed, 0);
  assert.equal(log.maybeCommit(2, 2), true);
  assert.equal(log.committed, 2);
  assert.equal(log.maybeCommit(1, 1), false, "below committed");
  assert.equal(log.maybeCommit(2, 2), false, "at committed");
  assert.equal(log.maybeCommit(4, 3), false, "past the last index");
  assert.equal(log.maybeCommit(3, 3), true);
  assert.equal(log.committed, 3);
  // The deliberate bug commits by counting regardless of the term.
  const buggy = logWith(entsFrom(1, 1, 2, 3));
  assert.equal(buggy.maybeCommit(3, 2, true), true);
  assert.equal(buggy.committed, 3);
});

Deno.test("log: commitTo past the last index, appliedTo past commit and append before commit are assertions", () => {
  const log = logWith(entsFrom(1, 1, 2, 3));
  assert.throws(() => log.commitTo(4), AssertionError);
  log.commitTo(2);
  log.commitTo(1);
  assert.equal(log.committed, 2, "commitTo never lowers");
  assert.throws(() => log.appliedTo(3), AssertionError);
  log.appliedTo(2);
  assert.throws(() => log.appliedTo(1), AssertionError, "applied never lowers");
  assert.throws(() => log.append([ent(2, 5)]), AssertionError);
  assert.equal(log.append([ent(3, 5)]), 3, "replacing an uncommitted entry is fine");
});

function sliceFixture(): { log: RaftLog; half: number; last: number; offset: number } {
  // Storage: snapshot at 100, entries 101..149; unstable: 150..199. Term = index.
  const offset = 100;
  const num = 100;
  const storage = new MemoryStorage();
  storage.applySnapshot(snap(offset, 0));
  const stored: Entry[] = [];
  for (let i = 1; i < num / 2; i++) stored.push(ent(offset + i, offset + i));
  storage.append(stored);
  const log = new RaftLog(storage, NO_LIMIT);
  const fresh: Entry[] = [];
  for (let i = num / 2; i < num; i++) fresh.push(ent(offset + i, offset + i));
  log.append(fresh);
  return { log, half: offset + num / 2, last: offset + num, offset };
}

Deno.test("log: slice spans storage and the unstable tail, within the size limit", () => {
  const { log, half, last, offset } = sliceFixture();
  assert.equal(log.unstable.offset, half, "the boundary");
  const size = entrySizeBytes(ent(half, half));
  const range = (lo: number, hi: number) => {
    const out: string[] = [];
    for (let i = lo; i < hi; i++) out.push(`${i}/${i}`);
    return out;
  };
  const cases: [number, number, number, string[]][] = [
    [half - 1, half + 1, NO_LIMIT, range(half - 1, half + 1)],
    [half, half + 1, NO_LIMIT, range(half, half + 1)],
    [last - 1, last, NO_LIMIT, range(last - 1, last)],
    [offset + 1, last, NO_LIMIT, range(offset + 1, last)],
    [half - 1, half - 1, NO_LIMIT, []],
    // size limits: at least one entry
    [half - 1, half + 1, 0, range(half - 1, half)],
    [half - 1, half + 1, size + 1, range(half - 1, half)],
    [half - 2, half + 1, size + 1, range(half - 2, half - 1)],
    [half - 1, half + 1, size * 2, range(half - 1, half + 1)],
    [half - 1, half + 2, size * 3, range(half - 1, half + 2)],
    [half - 1, half + 2, size * 3 - 1, range(half - 1, half + 1)],
    [half, half + 2, size, range(half, half + 1)],
    [half, half + 2, size * 2, range(half, half + 2)],
    [half - 3, half + 3, size * 4, range(half - 3, half + 1)],
  ];
  for (const [lo, hi, limit, want] of cases) {
    assert.deepEqual(ids(log.slice(lo, hi, limit)), want, `slice(${lo}, ${hi}, ${limit})`);
  }
});

Deno.test("log: slice below the first index throws CompactedError; past the last is an assertion", () => {
  const { log, last, offset } = sliceFixture();
  assert.throws(() => log.slice(offset - 1, offset + 1, NO_LIMIT), CompactedError);
  assert.throws(() => log.slice(offset, offset + 1, NO_LIMIT), CompactedError);
  assert.throws(() => log.slice(last, last + 1, NO_LIMIT), AssertionError);
  assert.throws(() => log.slice(offset + 5, offset + 4, NO_LIMIT), AssertionError);
});

Deno.test("log: term() is the snapshot's at first index - 1 and undefined outside the log", () => {
  const { log, last, offset } = sliceFixture();
  assert.equal(log.term(offset), 0, "snapshot term");
  assert.equal(log.term(offset - 1), undefined);
  assert.equal(log.term(offset + 1), offset + 1, "stored");
  assert.equal(log.term(last - 1), last - 1, "unstable");
  assert.equal(log.term(last), undefined);
  assert.equal(log.firstIndex(), offset + 1);
  assert.equal(log.lastIndex(), last - 1);
});

Deno.test("log: nextCommittedEntries hands out at least one entry within the per-Ready size limit", () => {
  const storage = new MemoryStorage();
  storage.append(entsFrom(1, 1, 1, 1));
  const log = new RaftLog(storage, 1);
  assert.deepEqual(log.nextCommittedEntries(), []);
  assert.equal(log.hasNextCommittedEntries(), false);
  log.commitTo(3);
  assert.equal(log.hasNextCommittedEntries(), true);
  assert.deepEqual(ids(log.nextCommittedEntries()), ["1/1"]);
  log.appliedTo(1);
  assert.deepEqual(ids(log.nextCommittedEntries()), ["2/1"]);
  log.appliedTo(3);
  assert.equal(log.hasNextCommittedEntries(), false);
});

Deno.test("log: restore replaces the log with a snapshot and commits its index", () => {
  const log = logWith(entsFrom(1, 1, 2, 3), 1);
  const s = snap(10, 5);
  log.restore(s);
  assert.equal(log.committed, 10);
  assert.equal(log.firstIndex(), 11);
  assert.equal(log.lastIndex(), 10);
  assert.equal(log.lastTerm(), 5);
  assert.equal(log.snapshot(), s);
  assert.equal(log.stableLastIndex(), 0, "nothing durable is valid until the snapshot is");
  log.stableSnapTo(10);
  assert.equal(log.stableLastIndex(), 10);
});

Deno.test("log: stableTo moves entries out of the unstable tail once persisted", () => {
  const storage = new MemoryStorage();
  const log = new RaftLog(storage, NO_LIMIT);
  log.append(entsFrom(1, 1, 1, 2));
  assert.equal(log.stableLastIndex(), 0);
  storage.append(log.unstableEntries().slice(0, 2));
  log.stableTo(2, 1);
  assert.equal(log.stableLastIndex(), 2);
  assert.deepEqual(ids(log.unstableEntries()), ["3/2"]);
  log.stableTo(3, 1);
  assert.equal(log.stableLastIndex(), 2, "term mismatch: the entry was replaced");
});

// ---- config validation -------------------------------------------------------------------

function baseConfig(): RaftConfig {
  return {
    id: 1n,
    electionTicks: 10,
    heartbeatTicks: 1,
    storage: new MemoryStorage(),
    prng: new SeededPrng(1),
  };
}

Deno.test("config: invalid settings throw RaftConfigError naming the setting", () => {
  const cases: [string, Partial<RaftConfig>, string][] = [
    ["zero id", { id: 0n }, "Cannot use raft config: id must not be zero"],
    [
      "zero heartbeat",
      { heartbeatTicks: 0 },
      'Cannot use raft config: "heartbeatTicks" must be a positive integer, got 0',
    ],
    [
      "fractional election",
      { electionTicks: 1.5 },
      'Cannot use raft config: "electionTicks" must be a positive integer, got 1.5',
    ],
    [
      "election equal to heartbeat",
      { electionTicks: 3, heartbeatTicks: 3 },
      "Cannot use raft config: electionTicks must be greater than heartbeatTicks",
    ],
    [
      "election below heartbeat",
      { electionTicks: 2, heartbeatTicks: 3 },
      "Cannot use raft config: electionTicks must be greater than heartbeatTicks",
    ],
    [
      "zero max message size",
      { maxSizePerMsgBytes: 0 },
      'Cannot use raft config: "maxSizePerMsgBytes" must be a positive integer, got 0',
    ],
    [
      "zero inflight messages",
      { maxInflightMsgs: 0 },
      'Cannot use raft config: "maxInflightMsgs" must be a positive integer, got 0',
    ],
    [
      "negative uncommitted bytes",
      { maxUncommittedEntriesBytes: -1 },
      'Cannot use raft config: "maxUncommittedEntriesBytes" must be a positive integer, got -1',
    ],
    [
      "NaN committed size per Ready",
      { maxCommittedSizePerReadyBytes: Number.NaN },
      'Cannot use raft config: "maxCommittedSizePerReadyBytes" must be a positive integer, got NaN',
    ],
    [
      "zero pending reads",
      { readIndexPendingMax: 0 },
      'Cannot use raft config: "readIndexPendingMax" must be a positive integer, got 0',
    ],
    [
      "negative inflight bytes",
      { maxInflightBytes: -1 },
      "Cannot use raft config: maxInflightBytes must be a non-negative integer",
    ],
    [
      "inflight bytes below the message size",
      { maxInflightBytes: 10, maxSizePerMsgBytes: 11 },
      "Cannot use raft config: maxInflightBytes must be at least maxSizePerMsgBytes",
    ],
    [
      "default inflight bytes below a large message size",
      { maxSizePerMsgBytes: 64 * 1024 * 1024 },
      "Cannot use raft config: maxInflightBytes must be at least maxSizePerMsgBytes",
    ],
    [
      "negative applied",
      { applied: -1 },
      "Cannot use raft config: applied must be a non-negative integer",
    ],
  ];
  for (const [label, patch, want] of cases) {
    const config = { ...baseConfig(), ...patch } as RaftConfig;
    assert.throws(
      () => validateConfig(config),
      (error: unknown) => {
        assert.ok(error instanceof RaftConfigError, `${label}: ${String(error)}`);
        assert.ok(error instanceof RangeError, `${label}: RaftConfigError is a RangeError`);
        assert.equal(error.message, want, label);
        return true;
      },
      label,
    );
  }
});

Deno.test("config: defaults are filled in and valid edge values are accepted", () => {
  const full = validateConfig(baseConfig());
  assert.equal(full.applied, 0);
  assert.equal(full.checkQuorum, false);
  assert.equal(full.preVote, false);
  assert.equal(full.bugs.size, 0);
  assert.ok(full.maxInflightBytes >= full.maxSizePerMsgBytes);
  assert.equal(validateConfig({ ...baseConfig(), maxInflightBytes: 0 }).maxInflightBytes, 0);
  assert.equal(validateConfig({ ...baseConfig(), electionTicks: 2 }).electionTicks, 2);
  assert.equal(
    validateConfig({ ...baseConfig(), maxInflightBytes: 5, maxSizePerMsgBytes: 5 })
      .maxInflightBytes,
    5,
  );
});

Deno.test("config: RawNode refuses an invalid config with RaftConfigError", () => {
  assert.throws(() => new RawNode({ ...baseConfig(), heartbeatTicks: 10 }), RaftConfigError);
});
