import assert from "node:assert/strict";
import { EMPTY_HARD_STATE } from "../../raft/types.ts";
import { DenoFileSystem } from "../deno_fs.ts";
import { FileNotFoundError, type FileSystem, joinPath } from "../fs.ts";
import { MemFileSystem } from "../mem_fs.ts";
import { WalRecordTooLargeError, WalSnapshotNotFoundError } from "./errors.ts";
import { Wal, type WalOptions } from "./wal.ts";
import {
  applyOps,
  DIR,
  entry,
  expectedOf,
  META,
  newFs,
  plain,
  recordsOf,
  script,
  segmentPaths,
  type WalOp,
  writeWal,
} from "./_testing.ts";

const SMALL: WalOptions = { segmentBytes: 4096 };

function readBack(fs: FileSystem, from = { index: 0, term: 0 }, options: WalOptions = SMALL) {
  const result = Wal.open(fs, DIR, from, options);
  result.wal.close();
  return result;
}

Deno.test("Wal.create builds the first segment with crc, metadata and a marker at (0, 0)", () => {
  const fs = newFs();
  assert.equal(Wal.exists(fs, DIR), false);
  const wal = Wal.create(fs, DIR, META, SMALL);
  assert.equal(Wal.exists(fs, DIR), true);
  assert.equal(fs.exists(`${DIR}.tmp`), false);
  assert.deepEqual(fs.readDir(DIR), ["0000000000000000-0000000000000000.wal"]);
  const bytes = fs.readFile(segmentPaths(fs)[0]!);
  assert.equal(bytes.length, 4096, "preallocated");
  assert.deepEqual(recordsOf(bytes).map((located) => located.record), [
    { type: "crc", crc: 0 },
    { type: "metadata", metadata: META },
    { type: "snapshot", marker: { index: 0, term: 0 } },
  ]);
  assert.equal(wal.lastIndex(), 0);
  wal.close();
  fs.crash();
  assert.equal(Wal.exists(fs, DIR), true, "durable without any sync by the caller");
  assert.throws(() => Wal.create(fs, DIR, META), /already holds a WAL/);
});

Deno.test("Wal.open reads back saves, cuts and markers exactly, from any recorded snapshot", () => {
  const ops = script(60);
  const fs = writeWal(ops, SMALL);
  assert.ok(segmentPaths(fs).length >= 4, "the script cuts several segments");
  const expected = expectedOf(ops, { index: 0, term: 0 });
  const result = readBack(fs);
  assert.deepEqual(plain(result.entries), plain(expected.entries));
  assert.deepEqual(result.hardState, expected.hardState);
  assert.deepEqual(result.snapshots, expected.snapshots);
  assert.deepEqual(result.metadata, META);
  assert.equal(result.repaired, null);
  for (const marker of expected.snapshots.slice(1)) {
    const from = readBack(fs, marker);
    const want = expectedOf(ops, marker);
    assert.deepEqual(plain(from.entries), plain(want.entries), `from ${marker.index}`);
    assert.deepEqual(from.hardState, want.hardState);
    assert.ok(from.snapshots.some((seen) => seen.index === marker.index));
  }
});

Deno.test("Wal.open continues the log: appends after reopening read back with the rest", () => {
  const ops = script(20);
  const fs = writeWal(ops, SMALL);
  const opened = Wal.open(fs, DIR, { index: 0, term: 0 }, SMALL);
  let next = opened.wal.lastIndex();
  assert.equal(next, opened.entries.at(-1)!.index);
  const extra: WalOp[] = [];
  for (let batch = 0; batch < 30; batch++) {
    const entries = Array.from({ length: 1 + (batch % 3) }, () => entry(++next, 9, 77));
    extra.push({ kind: "save", hardState: { term: 9, vote: 3n, commit: next - 1 }, entries });
    if (batch % 10 === 9) extra.push({ kind: "marker", marker: { index: next - 1, term: 9 } });
  }
  applyOps(opened.wal, extra);
  opened.wal.close();
  const all = [...ops, ...extra];
  const result = readBack(fs);
  const expected = expectedOf(all, { index: 0, term: 0 });
  assert.deepEqual(plain(result.entries), plain(expected.entries));
  assert.deepEqual(result.hardState, { term: 9, vote: 3n, commit: next - 1 });
  assert.deepEqual(result.snapshots, expected.snapshots);
});

Deno.test("Wal.open: a missing or mismatched marker is WalSnapshotNotFoundError and changes nothing", () => {
  const ops = script(12);
  const fs = writeWal(ops, SMALL);
  const before = fs.snapshotFiles();
  for (const from of [{ index: 5, term: 7 }, { index: 2, term: 1 }]) {
    assert.throws(() => Wal.open(fs, DIR, from, SMALL), (error: unknown) => {
      assert.ok(error instanceof WalSnapshotNotFoundError);
      assert.equal(error.index, from.index);
      assert.match(error.message, new RegExp(`index ${from.index}, term ${from.term}`));
      return true;
    });
  }
  assert.deepEqual(fs.snapshotFiles(), before);
  assert.throws(
    () => Wal.open(new MemFileSystem(), "nowhere", { index: 0, term: 0 }),
    FileNotFoundError,
  );
});

Deno.test("Wal.save refuses a record over recordBytesMax and writes nothing", () => {
  const fs = newFs();
  const wal = Wal.create(fs, DIR, META, { segmentBytes: 4096, recordBytesMax: 1024 });
  wal.save({ term: 1, vote: 1n, commit: 0 }, [entry(1, 1, 900)]);
  assert.throws(() => wal.save(null, [entry(2, 1, 10), entry(3, 1, 1100)]), WalRecordTooLargeError);
  assert.equal(wal.lastIndex(), 1);
  wal.save(null, [entry(2, 1, 10)]);
  wal.close();
  const result = readBack(fs, { index: 0, term: 0 }, { recordBytesMax: 1024 });
  assert.deepEqual(result.entries.map((item) => item.index), [1, 2]);
});

Deno.test("Wal.save writes a batch bigger than a segment into a segment of its own", () => {
  const fs = newFs();
  const wal = Wal.create(fs, DIR, META, SMALL);
  wal.save(null, [entry(1)]);
  const big = Array.from({ length: 10 }, (_, i) => entry(i + 2, 1, 1000));
  wal.save({ term: 1, vote: 0n, commit: 0 }, big);
  wal.save(null, [entry(12)]);
  wal.syncSync();
  wal.close();
  const paths = segmentPaths(fs);
  assert.equal(paths.length, 3);
  assert.ok(fs.readFile(paths[1]!).length > 10_000, "the oversized segment grew");
  assert.deepEqual(
    readBack(fs).entries.map((item) => item.index),
    Array.from({ length: 12 }, (_, i) => i + 1),
  );
});

Deno.test("Wal: a cut segment stays a temporary file until sync makes it and its predecessor durable", async () => {
  const fs = newFs();
  const wal = Wal.create(fs, DIR, META, SMALL);
  let index = 0;
  while (fs.readDir(DIR).length === 1) wal.save(null, [entry(++index, 1, 300)]);
  const names = fs.readDir(DIR);
  assert.equal(names.length, 2);
  assert.match(names[1]!, /^0000000000000001-[0-9a-f]{16}\.wal\.tmp$/);
  const syncs = fs.syncCount;
  await wal.sync();
  assert.ok(fs.syncCount >= syncs + 2, "the old segment and the new one were synced");
  assert.deepEqual(fs.readDir(DIR), [names[0], names[1]!.replace(/\.tmp$/, "")]);
  fs.crash();
  const result = readBack(fs);
  assert.equal(result.entries.length, index);
});

Deno.test("Wal.sync: concurrent calls are safe and each covers the saves before it", async () => {
  const fs = newFs();
  const wal = Wal.create(fs, DIR, META, SMALL);
  const pending: Promise<void>[] = [];
  let index = 0;
  for (let round = 0; round < 40; round++) {
    wal.save({ term: 1, vote: 1n, commit: index }, [entry(++index, 1, 200), entry(++index, 1, 90)]);
    pending.push(wal.sync());
    if (round % 3 === 0) wal.syncSync();
  }
  await Promise.all(pending);
  fs.crash();
  assert.equal(readBack(fs).entries.length, index);
});

Deno.test("Wal.sync: a failed sync fails the WAL for good", async () => {
  const fs = newFs();
  const wal = Wal.create(fs, DIR, META, SMALL);
  wal.save(null, [entry(1)]);
  fs.failNextSync(segmentPaths(fs)[0]!);
  await assert.rejects(wal.sync(), /injected fault/);
  assert.throws(() => wal.save(null, [entry(2)]), /injected fault/);
  await assert.rejects(wal.sync(), /injected fault/);
  assert.throws(() => wal.syncSync(), /injected fault/);
  wal.close();
  assert.throws(() => wal.save(null, [entry(2)]), /closed/);
});

Deno.test("Wal.releaseTo deletes the oldest released segments beyond maxWals", () => {
  const fs = newFs();
  const wal = Wal.create(fs, DIR, META, { segmentBytes: 1024, maxWals: 3 });
  let index = 0;
  for (let i = 0; i < 80; i++) {
    wal.save({ term: 1, vote: 1n, commit: index }, [entry(++index, 1, 100)]);
    wal.syncSync();
  }
  const before = fs.readDir(DIR);
  assert.ok(before.length >= 8);
  wal.releaseTo(0);
  assert.deepEqual(fs.readDir(DIR), before, "nothing is released before a snapshot");
  const middle = Math.floor(index / 2);
  wal.saveSnapshot({ index: middle, term: 1 });
  wal.syncSync();
  wal.releaseTo(middle);
  const after = fs.readDir(DIR);
  assert.ok(after.length >= 3 && after.length < before.length, `${after.length} files left`);
  assert.deepEqual(after, before.slice(before.length - after.length), "the oldest went first");
  wal.close();
  const result = Wal.open(fs, DIR, { index: middle, term: 1 }, { segmentBytes: 1024, maxWals: 3 });
  assert.equal(result.entries.at(-1)?.index, index);
  assert.equal(result.entries[0]?.index, middle + 1);
  result.wal.saveSnapshot({ index, term: 1 });
  result.wal.syncSync();
  result.wal.releaseTo(index);
  assert.equal(fs.readDir(DIR).length, 3);
  result.wal.close();
  assert.deepEqual(readBack(fs, { index, term: 1 }).entries, []);
});

Deno.test("Wal.releaseTo keeps every segment with maxWals 0, and the one holding the marker", () => {
  const fs = newFs();
  const wal = Wal.create(fs, DIR, META, { segmentBytes: 1024, maxWals: 0 });
  for (let index = 1; index <= 40; index++) wal.save(null, [entry(index, 1, 100)]);
  wal.saveSnapshot({ index: 40, term: 1 });
  wal.syncSync();
  const count = fs.readDir(DIR).length;
  wal.releaseTo(40);
  assert.equal(fs.readDir(DIR).length, count);
  wal.close();
  const keepOne = Wal.open(fs, DIR, { index: 40, term: 1 }, { segmentBytes: 1024, maxWals: 1 });
  keepOne.wal.releaseTo(40);
  assert.equal(fs.readDir(DIR).length, 1);
  keepOne.wal.close();
  const reopened = readBack(fs, { index: 40, term: 1 }, { segmentBytes: 1024 });
  assert.deepEqual(reopened.entries, []);
  assert.throws(() => readBack(fs, { index: 0, term: 0 }), WalSnapshotNotFoundError);
});

Deno.test("Wal.save: an empty hard state and no entries write nothing", () => {
  const fs = newFs();
  const wal = Wal.create(fs, DIR, META, SMALL);
  const before = fs.readFile(segmentPaths(fs)[0]!);
  wal.save(EMPTY_HARD_STATE, []);
  wal.save(null, []);
  assert.deepEqual(fs.readFile(segmentPaths(fs)[0]!), before);
  assert.throws(() => wal.save(null, [entry(3)]), /gap/);
  assert.throws(() => wal.save(null, [entry(1), entry(3)]), /consecutive/);
  wal.close();
});

Deno.test("Wal on the real file system: saves, concurrent syncs, cuts and reopen", async () => {
  const root = await Deno.makeTempDir({ dir: Deno.cwd(), prefix: ".wal-test-" });
  try {
    const fs = new DenoFileSystem();
    const dir = joinPath(root, "member", "wal");
    fs.mkdirAll(joinPath(root, "member"));
    const wal = Wal.create(fs, dir, META, { segmentBytes: 8192 });
    const syncs: Promise<void>[] = [];
    let index = 0;
    for (let round = 0; round < 60; round++) {
      const entries = Array.from({ length: 1 + (round % 5) }, () => entry(++index, 2, 256));
      wal.save({ term: 2, vote: 1n, commit: index - 1 }, entries);
      syncs.push(wal.sync());
      if (round % 20 === 19) await Promise.all(syncs.splice(0));
    }
    await Promise.all(syncs);
    wal.close();
    const names = fs.readDir(dir);
    assert.ok(names.length > 3 && names.every((name) => name.endsWith(".wal")), names.join());
    const result = Wal.open(fs, dir, { index: 0, term: 0 }, { segmentBytes: 8192 });
    assert.equal(result.entries.length, index);
    assert.deepEqual(result.entries.at(-1), entry(index, 2, 256));
    assert.deepEqual(result.hardState, { term: 2, vote: 1n, commit: index - 1 });
    result.wal.close();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
