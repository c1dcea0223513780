/**
 * {@linkcode DiskStorage.createSnapshotAsync}: a member's own snapshot saved
 * while Readys go on. The file must be durable before its WAL marker is
 * written, the marker durable before old segments go, entries saved past the
 * snapshot before its marker must all come back after a crash, and a
 * snapshot superseded or abandoned meanwhile must leave nothing recovery
 * could take. Every async file operation is held by the in-memory file
 * system's gate, so the tests choose what happens between them, and where
 * the crash falls.
 *
 * @module
 */

import { strict as assert } from "node:assert";
import { type ConfState, EMPTY_CONF_STATE, type Entry, type Snapshot } from "../raft/types.ts";
import { DenoFileSystem } from "./deno_fs.ts";
import type { FileSystem } from "./fs.ts";
import { type MemAsyncOp, MemFileSystem } from "./mem_fs.ts";
import { DiskStorage, type DiskStorageOptions } from "./raft_storage.ts";
import { snapshotFileName } from "./snap/snapshotter.ts";
import { recordsOf } from "./wal/_testing.ts";
import { isSegmentName } from "./wal/segment_name.ts";
import type { WalRecord } from "./wal/mod.ts";

const META = { memberId: 1n, clusterId: 0xc1n };
const CONF: ConfState = { ...EMPTY_CONF_STATE, voters: [1n, 2n, 3n] };
/** Small segments, and released ones deleted at once: a release too early loses the log. */
const OPTIONS: DiskStorageOptions = { wal: { segmentBytes: 4096, maxWals: 1 }, maxSnapshots: 1 };
const encoder = new TextEncoder();
const SNAP_INDEX = 150;
/** Spans three write chunks of the snapshotter. */
const STATE = new Uint8Array(2.5 * 1024 * 1024).map((_, i) => (i * 7) % 251);

function entries(from: number, count: number, term = 1): Entry[] {
  return Array.from({ length: count }, (_, i) => ({
    term,
    index: from + i,
    type: "normal" as const,
    data: encoder.encode(`v${from + i}`),
  }));
}

/** A bootstrapped storage holding entries 2..201, committed and synced. */
function started(fs: FileSystem, dir = "m"): DiskStorage {
  const storage = DiskStorage.create(fs, dir, META, OPTIONS);
  storage.bootstrap(CONF, encoder.encode("initial"));
  for (let i = 0; i < 20; i++) {
    storage.save({ term: 1, vote: 1n, commit: 2 + i * 10 + 9 }, entries(2 + i * 10, 10));
  }
  storage.syncSync();
  return storage;
}

/** A Ready saved and synced while the snapshot is saved: ten more entries, committed. */
function readyGoesOn(storage: DiskStorage): void {
  const from = storage.lastIndex() + 1;
  storage.save({ term: 1, vote: 1n, commit: from + 9 }, entries(from, 10));
  storage.syncSync();
}

interface Held {
  readonly op: MemAsyncOp;
  release(): void;
  /** Makes it fail, as an I/O error would. */
  fail(error: Error): void;
}

/** Holds every async operation of `fs` until the test releases it, one by one. */
function holdAll(fs: MemFileSystem) {
  const queue: Held[] = [];
  let arrived: (() => void) | null = null;
  const ops: MemAsyncOp[] = [];
  fs.asyncGate = (op) => {
    ops.push(op);
    return new Promise<void>((release, fail) => {
      queue.push({ op, release, fail });
      arrived?.();
      arrived = null;
    });
  };
  return {
    ops,
    /** The next held operation, or null once `work` settled with none held. */
    async next(work: Promise<unknown>): Promise<Held | null> {
      while (queue.length === 0) {
        const wait = new Promise<void>((resolve) => (arrived = resolve));
        const settled = work.then(() => true, () => true);
        if (await Promise.race([wait.then(() => false), settled]) && queue.length === 0) {
          return null;
        }
      }
      return queue.shift()!;
    },
  };
}

/** Every WAL record, segment after segment. */
function walRecords(fs: MemFileSystem): WalRecord[] {
  const names = fs.readDir("m/wal").filter(isSegmentName);
  return names.flatMap((name) => recordsOf(fs.readFile(`m/wal/${name}`)).map((r) => r.record));
}

function reopen(fs: MemFileSystem): DiskStorage {
  return DiskStorage.open(fs, "m", OPTIONS).storage;
}

/** The recovered storage holds every entry 2..last (those past its snapshot readable). */
function assertWholeLog(storage: DiskStorage, last: number): void {
  assert.equal(storage.lastIndex(), last);
  const first = storage.firstIndex();
  assert.deepEqual(storage.entries(first, last + 1, Infinity), entries(first, last - first + 1));
}

Deno.test("createSnapshotAsync: entries past the snapshot saved before its marker all come back after a crash", async () => {
  const fs = new MemFileSystem();
  const storage = started(fs);
  const gate = holdAll(fs);
  const saving = storage.createSnapshotAsync(SNAP_INDEX, null, STATE);
  assert.equal(storage.savingSnapshot(), SNAP_INDEX);
  for (let held = await gate.next(saving); held !== null; held = await gate.next(saving)) {
    readyGoesOn(storage);
    held.release();
  }
  const saved = await saving;
  assert.equal(saved?.metadata.index, SNAP_INDEX);
  assert.equal(storage.savingSnapshot(), null);
  assert.equal(storage.snapshot().metadata.index, SNAP_INDEX);
  const last = storage.lastIndex();
  assert.ok(last >= 260, `Readys went on: last index ${last}`);

  // The marker really is behind entries past the snapshot.
  const records = walRecords(fs);
  const marker = records.findIndex((r) => r.type === "snapshot" && r.marker.index === SNAP_INDEX);
  const firstPast = records.findIndex((r) => r.type === "entry" && r.entry.index > SNAP_INDEX);
  assert.ok(marker > 0 && firstPast >= 0 && firstPast < marker, "entries past it come first");
  // Old segments were released after the marker's sync: the first ones are gone.
  assert.ok(!records.some((r) => r.type === "entry" && r.entry.index < 50));

  fs.asyncGate = null;
  fs.crash();
  const again = reopen(fs);
  assert.equal(again.snapshot().metadata.index, SNAP_INDEX);
  assert.deepEqual(again.snapshot().data, STATE);
  assert.equal(again.firstIndex(), SNAP_INDEX + 1);
  assertWholeLog(again, last);
});

/**
 * Crashes at the `crashAt`-th async operation of the save (never finishing
 * it), right after one more Ready or with none since the previous step; null
 * when the save has fewer operations.
 */
async function crashDuringSave(
  crashAt: number,
  readyFirst: boolean,
): Promise<{ fs: MemFileSystem; last: number } | null> {
  const fs = new MemFileSystem();
  const storage = started(fs);
  const gate = holdAll(fs);
  const saving = storage.createSnapshotAsync(SNAP_INDEX, null, STATE);
  saving.catch(() => {}); // a crash makes it fail: that is the point
  let count = 0;
  for (let held = await gate.next(saving); held !== null; held = await gate.next(saving)) {
    const crashNow = count++ === crashAt;
    if (!crashNow || readyFirst) readyGoesOn(storage);
    if (crashNow) {
      const last = storage.lastIndex();
      fs.asyncGate = null;
      fs.crash(); // the held operation never finishes
      return { fs, last };
    }
    held.release();
  }
  await saving;
  return null;
}

Deno.test("createSnapshotAsync: a crash at any step recovers every synced entry, from the old or the new snapshot", async () => {
  const seen = new Set<number>();
  let steps = 0;
  for (const readyFirst of [false, true]) {
    for (let crashAt = 0;; crashAt++) {
      const crashed = await crashDuringSave(crashAt, readyFirst);
      if (crashed === null) {
        steps = crashAt;
        break;
      }
      const where = `crash at step ${crashAt}${readyFirst ? " after a Ready" : ""}`;
      let again: DiskStorage;
      try {
        again = reopen(crashed.fs);
      } catch (error) {
        throw new Error(`${where}: recovery failed: ${error}`, { cause: error });
      }
      const index = again.snapshot().metadata.index;
      assert.ok(index === 1 || index === SNAP_INDEX, `${where}: snapshot ${index}`);
      if (index === SNAP_INDEX) assert.deepEqual(again.snapshot().data, STATE, where);
      assertWholeLog(again, crashed.last);
      assert.ok(!crashed.fs.readDir("m/snap").some((name) => name.endsWith(".tmp")), where);
      seen.add(index);
    }
  }
  assert.ok(steps >= 6, `${steps} async steps: writes, fsync, directory fsync, WAL sync`);
  assert.deepEqual([...seen].sort((a, b) => a - b), [1, SNAP_INDEX]);
});

Deno.test("createSnapshotAsync: the file is durable before the marker is written, the marker before segments go", async () => {
  const fs = new MemFileSystem();
  const storage = started(fs);
  const gate = holdAll(fs);
  const saving = storage.createSnapshotAsync(SNAP_INDEX, null, STATE);
  const name = snapshotFileName(1, SNAP_INDEX);
  const hasMarker = () =>
    walRecords(fs).some((r) => r.type === "snapshot" && r.marker.index === SNAP_INDEX);
  const segments = () => fs.readDir("m/wal").filter(isSegmentName).length;
  const before = segments();
  for (let held = await gate.next(saving); held !== null; held = await gate.next(saving)) {
    if (held.op.path.startsWith("m/wal/")) {
      // The marker's sync: the file is durable by now, the segments still there.
      assert.ok(hasMarker());
      assert.ok(fs.snapshotFiles().get(`m/snap/${name}`)!.durable.length > STATE.length);
      assert.equal(segments(), before, "no segment released before the marker is durable");
      assert.equal(storage.firstIndex(), 2, "the in-memory log is whole");
    } else {
      assert.ok(!hasMarker(), `no marker while the file is not durable (${held.op.kind})`);
      assert.equal(storage.snapshot().metadata.index, 1);
    }
    held.release();
  }
  await saving;
  assert.ok(segments() < before, "released after the marker's sync");
});

Deno.test("createSnapshotAsync: a leader's snapshot installed meanwhile wins; the local one leaves no file and no marker", async () => {
  for (const installAt of ["write", "syncDir"] as const) {
    const fs = new MemFileSystem();
    const storage = started(fs);
    const gate = holdAll(fs);
    const saving = storage.createSnapshotAsync(SNAP_INDEX, null, STATE);
    const leader: Snapshot = {
      data: encoder.encode("leader@300"),
      metadata: { index: 300, term: 2, confState: CONF },
    };
    for (let held = await gate.next(saving); held !== null; held = await gate.next(saving)) {
      if (held.op.kind === installAt && storage.snapshot().metadata.index < 300) {
        storage.save({ term: 2, vote: 2n, commit: 300 }, [], leader);
        storage.save({ term: 2, vote: 2n, commit: 305 }, entries(301, 5, 2));
        storage.syncSync();
      }
      held.release();
    }
    assert.equal(await saving, null, installAt);
    assert.equal(storage.snapshot().metadata.index, 300);
    assert.ok(!walRecords(fs).some((r) => r.type === "snapshot" && r.marker.index === SNAP_INDEX));
    const files = fs.readDir("m/snap");
    assert.deepEqual(files, [snapshotFileName(2, 300)], `${installAt}: ${files}`);
    fs.asyncGate = null;
    fs.crash();
    const again = reopen(fs);
    assert.deepEqual(again.snapshot(), leader);
    assert.deepEqual(again.entries(301, 306, Infinity), entries(301, 5, 2));
  }
});

Deno.test("createSnapshotAsync: closing the storage meanwhile abandons it safely", async () => {
  const fs = new MemFileSystem();
  const storage = started(fs);
  const gate = holdAll(fs);
  const saving = storage.createSnapshotAsync(SNAP_INDEX, null, STATE);
  const first = (await gate.next(saving))!;
  readyGoesOn(storage);
  storage.close();
  first.release();
  for (let held = await gate.next(saving); held !== null; held = await gate.next(saving)) {
    held.release();
  }
  assert.equal(await saving, null);
  const files = fs.readDir("m/snap");
  assert.deepEqual(files, [snapshotFileName(0, 1)], "the temporary file is gone, nothing renamed");
  fs.asyncGate = null;
  fs.crash();
  const again = reopen(fs);
  assert.equal(again.snapshot().metadata.index, 1);
  assertWholeLog(again, 211);
});

Deno.test("createSnapshotAsync: a failed write or fsync rejects and records nothing", async () => {
  const tmp = `m/snap/${snapshotFileName(1, SNAP_INDEX)}.async.tmp`;
  for (const fail of [tmp, "m/snap"]) {
    const fs = new MemFileSystem();
    const storage = started(fs);
    fs.failNextSync(fail);
    await assert.rejects(storage.createSnapshotAsync(SNAP_INDEX, null, STATE), /injected fault/);
    assert.equal(storage.snapshot().metadata.index, 1, fail);
    assert.equal(storage.savingSnapshot(), null);
    assert.ok(!walRecords(fs).some((r) => r.type === "snapshot" && r.marker.index === SNAP_INDEX));
    fs.crash();
    const again = reopen(fs);
    assert.equal(again.snapshot().metadata.index, 1);
    assertWholeLog(again, 201);
  }
});

Deno.test("createSnapshotAsync: a failed sync of the marker rejects (the WAL is failed for good)", async () => {
  const fs = new MemFileSystem();
  const storage = started(fs);
  const gate = holdAll(fs);
  const saving = storage.createSnapshotAsync(SNAP_INDEX, null, STATE);
  for (let held = await gate.next(saving); held !== null; held = await gate.next(saving)) {
    if (held.op.path.startsWith("m/wal/")) held.fail(new Error("injected: disk full"));
    else held.release();
  }
  await assert.rejects(saving, /disk full/);
  assert.throws(() => readyGoesOn(storage), /disk full/);
});

Deno.test("createSnapshotAsync: one at a time, and the log is never compacted past a durable snapshot", async () => {
  const fs = new MemFileSystem();
  const storage = started(fs);
  const gate = holdAll(fs);
  const saving = storage.createSnapshotAsync(SNAP_INDEX, null, STATE);
  await assert.rejects(storage.createSnapshotAsync(160, null, STATE), /being saved already/);
  assert.throws(() => storage.compact(100), /past the durable snapshot 1/);
  for (let held = await gate.next(saving); held !== null; held = await gate.next(saving)) {
    held.release();
  }
  await saving;
  storage.compact(100);
  assert.equal(storage.firstIndex(), 101);
  assert.throws(() => storage.compact(151), /past the durable snapshot 150/);
  await assert.rejects(
    storage.createSnapshotAsync(SNAP_INDEX, null, STATE),
    /SnapOutOfDate|out of date/i,
  );
});

Deno.test("createSnapshotAsync: on the real file system, Readys between its steps, then reopened", async () => {
  const root = await Deno.makeTempDir({ prefix: "etcd_ts_async_snap_" });
  try {
    const fs = new DenoFileSystem();
    const dir = `${root}/m`;
    const storage = started(fs, dir);
    const saving = storage.createSnapshotAsync(SNAP_INDEX, null, STATE);
    let settled = false;
    saving.finally(() => (settled = true));
    while (!settled) {
      readyGoesOn(storage);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    assert.equal((await saving)?.metadata.index, SNAP_INDEX);
    const last = storage.lastIndex();
    storage.close();
    // maxSnapshots 1: the bootstrap snapshot went once the new marker was durable.
    assert.deepEqual(fs.readDir(`${dir}/snap`), [snapshotFileName(1, SNAP_INDEX)]);
    const again = DiskStorage.open(fs, dir, OPTIONS).storage;
    assert.deepEqual(again.snapshot().data, STATE);
    assertWholeLog(again, last);
    again.close();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
