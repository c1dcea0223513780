import assert from "node:assert/strict";
import { hasZeroSector, SECTOR_BYTES } from "./decoder.ts";
import { WalCorruptError } from "./errors.ts";
import { Wal, type WalOptions, type WalReadResult } from "./wal.ts";
import {
  DIR,
  entry,
  expectedOfRecords,
  fsWith,
  layout,
  type Located,
  META,
  plain,
  recordsOf,
  script,
  segmentFiles,
  type WalOp,
  writeWal,
} from "./_testing.ts";
import type { WalRecord } from "./record.ts";
import { encodeRecords } from "./encoder.ts";

const OPTIONS: WalOptions = { segmentBytes: 1024 };
const FROM = { index: 0, term: 0 };

/** A small WAL of several segments; the last holds a handful of records. */
function smallWal(): Map<string, Uint8Array> {
  const files = segmentFiles(writeWal(script(22, 30), OPTIONS));
  assert.ok(files.size >= 3, `${files.size} segments`);
  assert.ok(layout(files).last.length >= 5, "the last segment holds several records");
  return files;
}

function withLast(files: Map<string, Uint8Array>, bytes: Uint8Array): Map<string, Uint8Array> {
  const copy = new Map(files);
  copy.set([...files.keys()].at(-1)!, bytes);
  return copy;
}

function open(files: Map<string, Uint8Array>) {
  const fs = fsWith(files);
  return { fs, result: Wal.open(fs, DIR, FROM, OPTIONS) };
}

function assertReads(result: WalReadResult, records: readonly WalRecord[], note: string): void {
  const expected = expectedOfRecords(records, FROM);
  assert.deepEqual(plain(result.entries), plain(expected.entries), note);
  assert.deepEqual(result.hardState, expected.hardState, note);
  assert.deepEqual(result.snapshots, expected.snapshots, note);
}

function assertCorrupt(run: () => unknown, file: string, offset: number, note: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof WalCorruptError, `${note}: ${error}`);
    assert.equal(error.file, file, note);
    assert.equal(error.offset, offset, `${note}: ${error.message}`);
    assert.ok(error.message.includes(`${file} at offset ${offset}`), error.message);
    return true;
  });
}

/** The record holding byte `at`, and the records wholly before it. */
function holding(records: readonly Located[], at: number): { record: Located; index: number } {
  const index = records.findIndex((located) => at < located.end);
  return { record: records[index]!, index };
}

Deno.test("repair: truncating the last segment at every offset keeps exactly the whole records", () => {
  const files = smallWal();
  const { before, lastPath, last } = layout(files);
  const dataEnd = last.at(-1)!.end;
  const original = files.get(lastPath)!;
  let repairs = 0;
  for (let cut = 0; cut <= dataEnd + 16; cut++) {
    const note = `cut at ${cut}`;
    const whole = last.filter((located) => located.end <= cut);
    const boundary = cut === 0 || last.some((located) => located.end === cut) || cut >= dataEnd;
    const headerWhole = whole.length >= 2;
    const { fs, result } = open(withLast(files, original.slice(0, cut)));
    assertReads(result, [...before, ...whole.map((located) => located.record)], note);
    const wantRepair = !headerWhole ? 0 : boundary ? null : whole.at(-1)!.end;
    assert.deepEqual(
      result.repaired,
      wantRepair === null ? null : { file: lastPath, offset: wantRepair },
      note,
    );
    if (result.repaired !== null) {
      repairs++;
      assert.deepEqual(fs.readFile(`${lastPath}.broken`), original.slice(0, cut), note);
    }
    assert.equal(fs.readFile(lastPath).length, 1024, "preallocated again");
    // The repaired log takes appends and reads back whole.
    const next = result.wal.lastIndex() + 1;
    result.wal.save({ term: 5, vote: 1n, commit: next }, [entry(next, 5)]);
    result.wal.close();
    const again = Wal.open(fs, DIR, FROM, OPTIONS);
    assert.equal(again.repaired, null, note);
    assert.deepEqual(plain(again.entries), plain([...result.entries, entry(next, 5)]), note);
    assert.deepEqual(again.hardState, { term: 5, vote: 1n, commit: next });
    again.wal.close();
  }
  assert.ok(repairs > dataEnd / 2, "most offsets cut a record in two");
});

Deno.test("repair: a single bit flipped in a segment other than the last is refused with its file and offset", () => {
  const files = smallWal();
  const paths = [...files.keys()];
  for (const path of [paths[0]!, paths[1]!]) {
    const original = files.get(path)!;
    const records = recordsOf(original);
    const isFirst = path === paths[0];
    for (let at = 0; at < records.at(-1)!.end; at++) {
      const { record, index } = holding(records, at);
      // The first segment's CRC record cannot be checked (nothing precedes it): the
      // damage shows in the record after it.
      const inFirstCrc = isFirst && index === 0 && at >= record.offset + 9 &&
        at < record.offset + 13;
      const offset = inFirstCrc ? records[1]!.offset : record.offset;
      for (let bit = 0; bit < 8; bit++) {
        const bytes = original.slice();
        bytes[at]! ^= 1 << bit;
        const mutated = new Map(files).set(path, bytes);
        assertCorrupt(() => open(mutated), path, offset, `${path} byte ${at} bit ${bit}`);
      }
    }
  }
});

/** Whether the torn-tail rules explain the damaged record `record` of the last segment. */
function tornExplains(bytes: Uint8Array, record: Located, isLastRecord: boolean): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const recordBytes = view.getUint32(record.offset, true);
  const covered = bytes.subarray(record.offset + 8, record.offset + 8 + recordBytes);
  if (hasZeroSector(covered, record.offset + 8)) return true;
  const tail = bytes.subarray(record.offset + 8 + recordBytes - 1);
  return isLastRecord && tail.every((byte) => byte === 0);
}

Deno.test("repair: a flipped bit in the last segment is refused unless a torn write explains it", () => {
  const files = smallWal();
  const { before, lastPath, last } = layout(files);
  const original = files.get(lastPath)!;
  const counts = { corrupt: 0, tornLengthWord: 0, tornData: 0 };
  for (let at = 0; at < last.at(-1)!.end; at++) {
    const { record, index } = holding(last, at);
    const inLengthWord = at < record.offset + 8;
    for (let bit = 0; bit < 8; bit++) {
      const note = `byte ${at} bit ${bit}`;
      const bytes = original.slice();
      bytes[at]! ^= 1 << bit;
      const explained = inLengthWord
        ? null
        : tornExplains(bytes, record, index === last.length - 1);
      let result: WalReadResult;
      try {
        result = open(withLast(files, bytes)).result;
      } catch (error) {
        assert.notEqual(explained, true, `${note}: torn, yet refused: ${error}`);
        assertCorrupt(
          () => {
            throw error;
          },
          lastPath,
          record.offset,
          note,
        );
        counts.corrupt++;
        continue;
      }
      assert.notEqual(explained, false, `${note}: repaired damage a torn write does not explain`);
      const kept = index < 2 ? [] : last.slice(0, index);
      assert.deepEqual(
        result.repaired,
        { file: lastPath, offset: index < 2 ? 0 : record.offset },
        note,
      );
      assertReads(result, [...before, ...kept.map((located) => located.record)], note);
      result.wal.close();
      if (inLengthWord) counts.tornLengthWord++;
      else counts.tornData++;
    }
  }
  assert.ok(
    counts.corrupt > (counts.tornLengthWord + counts.tornData) * 10,
    JSON.stringify(counts),
  );
});

/** A WAL whose last segment ends with a few entries of 1500 bytes each. */
function bigTailWal(): Map<string, Uint8Array> {
  const ops: WalOp[] = script(10, 30);
  let index = 0;
  for (const op of ops) {
    if (op.kind === "save") {
      index = Math.max(
        index,
        ...op.entries.map((e) => e.index),
      );
    }
  }
  for (let i = 0; i < 3; i++) {
    ops.push({ kind: "save", hardState: null, entries: [entry(++index, 3, 1500)] });
  }
  return segmentFiles(writeWal(ops, { segmentBytes: 8192 }));
}

Deno.test("repair: a zeroed sector inside a record of the last segment is a torn tail", () => {
  const files = bigTailWal();
  const { before, lastPath, last } = layout(files);
  const original = files.get(lastPath)!;
  for (let position = last.length - 3; position < last.length; position++) {
    const record = last[position]!;
    const sector = Math.ceil((record.offset + 8) / SECTOR_BYTES) * SECTOR_BYTES;
    assert.ok(sector + SECTOR_BYTES <= record.end, "a whole sector inside the record");
    const bytes = original.slice();
    bytes.fill(0, sector, sector + SECTOR_BYTES);
    const { fs, result } = open(withLast(files, bytes));
    assert.deepEqual(result.repaired, { file: lastPath, offset: record.offset });
    assertReads(
      result,
      [...before, ...last.slice(0, position).map((located) => located.record)],
      `${position}`,
    );
    assert.deepEqual(fs.readFile(`${lastPath}.broken`), bytes);
    result.wal.close();
  }
});

Deno.test("repair: a zeroed sector in a segment other than the last is corruption", () => {
  const files = bigTailWal();
  const ops: WalOp[] = [];
  let index = 0;
  for (const [, bytes] of files) {
    for (const located of recordsOf(bytes)) {
      if (located.record.type === "entry") index = located.record.entry.index;
    }
  }
  const fs = fsWith(files);
  const opened = Wal.open(fs, DIR, FROM, { segmentBytes: 8192 });
  for (let i = 0; i < 8; i++) {
    ops.push({ kind: "save", hardState: null, entries: [entry(++index, 3, 1500)] });
  }
  for (const op of ops) if (op.kind === "save") opened.wal.save(op.hardState, op.entries);
  opened.wal.close();
  const grown = segmentFiles(fs);
  const paths = [...grown.keys()];
  const path = paths.at(-2)!;
  const records = recordsOf(grown.get(path)!);
  const record = records.at(-1)!;
  const sector = Math.ceil((record.offset + 8) / SECTOR_BYTES) * SECTOR_BYTES;
  const bytes = grown.get(path)!.slice();
  bytes.fill(0, sector, sector + SECTOR_BYTES);
  assertCorrupt(() => open(new Map(grown).set(path, bytes)), path, record.offset, "zeroed");
});

Deno.test("repair: nonzero bytes after the end of the last segment are cut off as a torn tail", () => {
  const files = smallWal();
  const { before, lastPath, last } = layout(files);
  const bytes = files.get(lastPath)!.slice();
  const end = last.at(-1)!.end;
  bytes[end + 100] = 7; // a torn write whose first sector never reached the disk
  const { fs, result } = open(withLast(files, bytes));
  assert.deepEqual(result.repaired, { file: lastPath, offset: end });
  assertReads(result, [...before, ...last.map((located) => located.record)], "after end");
  assert.ok(fs.readFile(lastPath).every((byte, i) => i < end || byte === 0), "zeroed again");
  result.wal.close();
});

/** A segment holding `records` after a header chained from `crc`, preallocated to 1024 bytes. */
function segmentOf(crc: number, records: WalRecord[], metadata = META): Uint8Array {
  const header: WalRecord[] = [{ type: "crc", crc }, { type: "metadata", metadata }];
  const out = new Uint8Array(1024);
  out.set(encodeRecords([...header, ...records], crc).bytes);
  return out;
}

/** The same segment with its records re-encoded after `change` (CRCs consistent within it). */
function reencoded(bytes: Uint8Array, change: (record: WalRecord) => WalRecord): Uint8Array {
  const records = recordsOf(bytes).map((located) => located.record);
  const first = records[0]!;
  assert.equal(first.type, "crc");
  const crc = first.type === "crc" ? first.crc : 0;
  const out = new Uint8Array(bytes.length);
  out.set(encodeRecords(records.map(change), crc).bytes);
  return out;
}

Deno.test("repair: a missing or duplicated segment is refused", () => {
  const files = smallWal();
  const paths = [...files.keys()];
  const missing = new Map(files);
  missing.delete(paths[1]!);
  assertCorrupt(() => open(missing), paths[2]!, 0, "missing");
  const duplicate = new Map(files);
  const twin = paths[2]!.replace(/-[0-9a-f]{16}\.wal$/, "-00000000000000ff.wal");
  duplicate.set(twin, files.get(paths[2]!)!);
  assert.throws(() => open(duplicate), /duplicate segment sequence 2/);
});

Deno.test("repair: metadata that differs between segments is refused", () => {
  const files = smallWal();
  const last = [...files.keys()].at(-1)!;
  const foreign = reencoded(
    files.get(last)!,
    (record) =>
      record.type === "metadata" ? { ...record, metadata: { ...META, clusterId: 99n } } : record,
  );
  assertCorrupt(() => open(new Map(files).set(last, foreign)), last, 16, "metadata");
});

Deno.test("repair: a segment whose records differ from what the next segment chained is refused", () => {
  const files = smallWal();
  const paths = [...files.keys()];
  const changed = reencoded(
    files.get(paths[2]!)!,
    (record) =>
      record.type === "entry"
        ? { ...record, entry: { ...record.entry, data: new Uint8Array(3) } }
        : record,
  );
  assertCorrupt(() => open(new Map(files).set(paths[2]!, changed)), paths[3]!, 0, "chain");
});

Deno.test("repair: an entry index gap is refused, at the entry after the gap", () => {
  const path = `${DIR}/0000000000000000-0000000000000000.wal`;
  const marker: WalRecord = { type: "snapshot", marker: { index: 0, term: 0 } };
  const entries = [1, 2, 4].map((index): WalRecord => ({ type: "entry", entry: entry(index) }));
  const bytes = segmentOf(0, [marker, ...entries]);
  const offset = recordsOf(bytes).at(-1)!.offset;
  assertCorrupt(() => open(new Map([[path, bytes]])), path, offset, "gap");
  const late = segmentOf(0, [marker, { type: "entry", entry: entry(2) }]);
  assertCorrupt(() => open(new Map([[path, late]])), path, recordsOf(late).at(-1)!.offset, "late");
  // From a snapshot at 1, entry 2 is the next one: no gap.
  const from = segmentOf(0, [
    marker,
    { type: "snapshot", marker: { index: 1, term: 1 } },
    entries[1]!,
  ]);
  const read = Wal.open(fsWith(new Map([[path, from]])), DIR, { index: 1, term: 1 }, OPTIONS);
  assert.deepEqual(read.entries.map((item) => item.index), [2]);
  read.wal.close();
});
