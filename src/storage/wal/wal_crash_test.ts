/**
 * Crashes of the in-memory file system in the middle of a WAL's life: what
 * was synced survives, and what recovery finds is always what a prefix of
 * the written records gives, with or without a torn last write, across
 * cuts, releases and several crash-recover rounds.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Entry } from "../../raft/types.ts";
import { type Prng, SeededPrng } from "../../util/prng.ts";
import type { MemFileSystem } from "../mem_fs.ts";
import type { WalRecord, WalSnapshotMarker } from "./record.ts";
import { Wal, type WalOptions } from "./wal.ts";
import { DIR, entry, expectedOfRecords, META, newFs, plain } from "./_testing.ts";

const OPTIONS: WalOptions = { segmentBytes: 2048, maxWals: 3 };

/** What the test knows about the log: every record written, and how many are durable. */
interface History {
  records: WalRecord[];
  durable: number;
  from: WalSnapshotMarker;
  lastIndex: number;
}

/** Writes a random batch (sometimes rewriting the last entries, as a new leader would). */
function randomSave(wal: Wal, prng: Prng, history: History): void {
  const rewrite = history.lastIndex > history.from.index + 2 && prng.nextInt(8) === 0;
  let index = rewrite ? history.lastIndex - 1 - prng.nextInt(2) : history.lastIndex;
  const term = 1 + prng.nextInt(3);
  const entries: Entry[] = [];
  for (let i = 0, count = 1 + prng.nextInt(5); i < count; i++) {
    entries.push(entry(++index, term, 1 + prng.nextInt(600)));
  }
  const hardState = prng.nextInt(3) === 0 ? null : { term, vote: 1n, commit: index - 1 };
  wal.save(hardState, entries);
  history.records.push(...entries.map((item): WalRecord => ({ type: "entry", entry: item })));
  if (hardState !== null) history.records.push({ type: "state", hardState });
  history.lastIndex = index;
}

/** One step: a save or a marker, then no sync, a blocking one, an awaited one or one left running. */
async function randomStep(wal: Wal, prng: Prng, history: History): Promise<void> {
  if (prng.nextInt(6) === 0 && history.lastIndex > history.from.index) {
    const marker = { index: history.lastIndex - prng.nextInt(2), term: 1 };
    wal.saveSnapshot(marker);
    history.records.push({ type: "snapshot", marker });
    wal.syncSync();
    history.durable = history.records.length;
    wal.releaseTo(marker.index);
    history.from = marker;
    return;
  }
  randomSave(wal, prng, history);
  const mode = prng.nextInt(4);
  if (mode === 1) wal.syncSync();
  if (mode === 2) await wal.sync();
  if (mode === 3) wal.sync().catch(() => {}); // may still be queued when the crash comes
  if (mode === 1 || mode === 2) history.durable = history.records.length;
}

function outcomeKey(result: { entries: Entry[]; hardState: unknown }): string {
  return JSON.stringify(
    [plain(result.entries), result.hardState],
    (_, value) => typeof value === "bigint" ? value.toString() : value,
  );
}

/**
 * Recovers after a crash: the outcome must be what some prefix of the
 * records gives, no shorter than the durable part. Returns the history cut
 * to that prefix.
 */
function recover(
  fs: MemFileSystem,
  history: History,
  note: string,
): { wal: Wal; history: History } {
  const result = Wal.open(fs, DIR, history.from, OPTIONS);
  if (result.repaired !== null) stats.repaired++;
  const key = outcomeKey(result);
  for (let count = history.records.length; count >= history.durable; count--) {
    const records = history.records.slice(0, count);
    const expected = expectedOfRecords(records, history.from);
    if (outcomeKey(expected) !== key) continue;
    if (count < history.records.length) stats.cut++;
    if (count > history.durable) stats.beyondDurable++;
    const lastIndex = Math.max(history.from.index, result.wal.lastIndex());
    return { wal: result.wal, history: { ...history, records, durable: count, lastIndex } };
  }
  assert.fail(
    `${note}: recovered ${result.entries.length} entries, no prefix of the records gives that`,
  );
}

/** How often recovery repaired, lost unsynced records, or kept some. */
const stats = { repaired: 0, cut: 0, beyondDurable: 0 };

async function crashRounds(seed: number, torn: boolean): Promise<void> {
  const prng = new SeededPrng(seed);
  const fs = newFs();
  let wal = Wal.create(fs, DIR, META, OPTIONS);
  let history: History = { records: [], durable: 0, from: { index: 0, term: 0 }, lastIndex: 0 };
  for (let round = 0; round < 4; round++) {
    for (let step = 0, steps = 1 + prng.nextInt(30); step < steps; step++) {
      await randomStep(wal, prng, history);
    }
    fs.crash(torn ? { tornWrite: { prng } } : {});
    ({ wal, history } = recover(fs, history, `seed ${seed} round ${round}`));
  }
  wal.close();
}

Deno.test("crash: everything synced survives a crash, across cuts and releases", async () => {
  for (let seed = 1; seed <= 60; seed++) {
    const prng = new SeededPrng(seed);
    const fs = newFs();
    const wal = Wal.create(fs, DIR, META, OPTIONS);
    const history: History = { records: [], durable: 0, from: { index: 0, term: 0 }, lastIndex: 0 };
    for (let step = 0; step < 40; step++) {
      randomSave(wal, prng, history);
      if (step % 2 === 0) wal.syncSync();
      else await wal.sync();
    }
    fs.crash({ tornWrite: { prng } });
    const result = Wal.open(fs, DIR, history.from, OPTIONS);
    const expected = expectedOfRecords(history.records, history.from);
    assert.deepEqual(plain(result.entries), plain(expected.entries), `seed ${seed}`);
    assert.deepEqual(result.hardState, expected.hardState);
    assert.equal(result.repaired, null);
    result.wal.close();
  }
});

Deno.test("crash: without a sync, recovery finds a prefix of what was saved", async () => {
  for (let seed = 1; seed <= 150; seed++) await crashRounds(seed, false);
  assert.ok(stats.cut > 100, JSON.stringify(stats));
});

Deno.test("crash: with a torn last write, recovery still finds a prefix of what was saved", async () => {
  const before = { ...stats };
  for (let seed = 1000; seed <= 1300; seed++) await crashRounds(seed, true);
  assert.ok(stats.repaired - before.repaired >= 25, JSON.stringify(stats));
  assert.ok(stats.beyondDurable - before.beyondDurable > 100, JSON.stringify(stats));
});

Deno.test("crash: a crash right after a cut loses only the unsynced segment", async () => {
  const fs = newFs();
  const wal = Wal.create(fs, DIR, META, { segmentBytes: 1024 });
  let index = 0;
  for (let i = 0; i < 6; i++) wal.save(null, [entry(++index, 1, 100)]);
  await wal.sync();
  const names = fs.readDir(DIR);
  while (fs.readDir(DIR).length === names.length) wal.save(null, [entry(++index, 1, 100)]);
  assert.ok(fs.readDir(DIR).some((name) => name.endsWith(".wal.tmp")));
  fs.crash();
  const result = Wal.open(fs, DIR, { index: 0, term: 0 }, { segmentBytes: 1024 });
  assert.deepEqual(result.entries.map((item) => item.index), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(fs.readDir(DIR), names, "the stale temporary segment is gone");
  result.wal.save(null, [entry(7, 2)]);
  result.wal.close();
});
