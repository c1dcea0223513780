/**
 * The decoder under random and mutated input (fast-check, fixed seeds): it
 * ends every segment with a record stream, an end, a torn tail (last segment
 * only) or corruption, never another exception, never a hang, and never
 * reads (allocates) more for a record than the record limit allows.
 *
 * @module
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import type { Entry } from "../../raft/types.ts";
import { type ByteSource, bytesSource, SegmentDecoder } from "./decoder.ts";
import { encodeRecords } from "./encoder.ts";
import { WalCorruptError, WalSnapshotNotFoundError } from "./errors.ts";
import type { WalRecord } from "./record.ts";
import { Wal } from "./wal.ts";
import {
  DIR,
  entry,
  expectedOfRecords,
  fsWith,
  META,
  recordsOf,
  script,
  segmentFiles,
  writeWal,
} from "./_testing.ts";

const SEED = 4242;
const RUNS = 3000;
const SCAN_BYTES_MAX = 64 * 1024;

/** A source that records the largest read asked of it. */
function measured(bytes: Uint8Array): { source: ByteSource; largest: () => number } {
  const inner = bytesSource(bytes);
  let largest = 0;
  return {
    source: {
      size: inner.size,
      read(offset, length) {
        largest = Math.max(largest, length);
        return inner.read(offset, length);
      },
    },
    largest: () => largest,
  };
}

const HEADER =
  encodeRecords([{ type: "crc", crc: 0 }, { type: "metadata", metadata: META }], 0).bytes;

/** A valid header and records, then arbitrary bytes. */
const validThenGarbage = fc.tuple(
  fc.integer({ min: 0, max: 12 }),
  fc.uint8Array({ maxLength: 600 }),
)
  .map(([count, garbage]) => {
    const records: WalRecord[] = [{ type: "crc", crc: 0 }, { type: "metadata", metadata: META }];
    for (let i = 1; i <= count; i++) records.push({ type: "entry", entry: entry(i, 1, i * 11) });
    const valid = encodeRecords(records, 0).bytes;
    const out = new Uint8Array(valid.length + garbage.length);
    out.set(valid);
    out.set(garbage, valid.length);
    return out;
  });

/** A valid header, then a length word of any 64-bit value and a little data. */
const hugeLength = fc.tuple(
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  fc.uint8Array({ maxLength: 64 }),
)
  .map(([word, tail]) => {
    const out = new Uint8Array(HEADER.length + 8 + tail.length);
    out.set(HEADER);
    new DataView(out.buffer).setBigUint64(HEADER.length, word, true);
    out.set(tail, HEADER.length + 8);
    return out;
  });

const segmentBytes = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc.uint8Array({ maxLength: 600 }).map((tail) => {
    const out = new Uint8Array(HEADER.length + tail.length);
    out.set(HEADER);
    out.set(tail, HEADER.length);
    return out;
  }),
  validThenGarbage,
  hugeLength,
);

Deno.test("decoder fuzz: random segments end cleanly, bounded, with only typed outcomes", () => {
  fc.assert(
    fc.property(
      segmentBytes,
      fc.boolean(),
      fc.option(fc.integer({ min: 0, max: 0xffff_ffff })),
      fc.constantFrom(64, 512, 4096),
      (bytes, isLast, crc, recordBytesMax) => {
        const { source, largest } = measured(bytes);
        const decoder = new SegmentDecoder(source, { crc, isLast, recordBytesMax });
        let steps = 0;
        for (;;) {
          const step = decoder.next();
          steps++;
          assert.ok(steps <= bytes.length / 8 + 2, "every step advances at least 8 bytes");
          if (step.kind === "record") continue;
          if (!isLast) assert.notEqual(step.kind, "torn", "only the last segment has a torn tail");
          assert.ok(step.offset >= 0 && step.offset <= bytes.length);
          assert.equal(step.offset, decoder.offset, "the data ends where the last record ended");
          break;
        }
        assert.ok(largest() <= Math.max(recordBytesMax, SCAN_BYTES_MAX), `read ${largest()}`);
      },
    ),
    { seed: SEED, numRuns: RUNS },
  );
});

/** The base WAL of the mutation fuzzing: several segments of 1 KiB. */
const BASE = segmentFiles(writeWal(script(22, 30), { segmentBytes: 1024 }));
const PATHS = [...BASE.keys()];

/** Every outcome a prefix of the base WAL's records may read back as. */
const PREFIX_OUTCOMES: Set<string> = (() => {
  const records = PATHS.flatMap((path) =>
    recordsOf(BASE.get(path)!).map((located) => located.record)
  );
  const outcomes = new Set<string>();
  for (let count = 0; count <= records.length; count++) {
    const expected = expectedOfRecords(records.slice(0, count), { index: 0, term: 0 });
    outcomes.add(outcomeKey(expected.entries, expected.hardState, expected.snapshots));
  }
  return outcomes;
})();

function outcomeKey(entries: readonly Entry[], hardState: unknown, snapshots: unknown): string {
  const plainEntries = entries.map((item) => [item.index, item.term, item.type, [...item.data]]);
  return JSON.stringify(
    [plainEntries, snapshots, hardState],
    (_, value) => typeof value === "bigint" ? value.toString() : value,
  );
}

type Mutation =
  | { kind: "flip"; file: number; at: number; bit: number }
  | { kind: "set"; file: number; at: number; value: number }
  | { kind: "truncate"; file: number; at: number }
  | { kind: "zero"; file: number; at: number; length: number }
  | { kind: "garbage"; file: number; at: number; bytes: Uint8Array }
  | { kind: "length"; file: number; record: number; word: bigint }
  | { kind: "delete"; file: number };

const fileIndex = fc.integer({ min: 0, max: PATHS.length - 1 });
const position = fc.integer({ min: 0, max: 1100 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant("flip" as const),
    file: fileIndex,
    at: position,
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({
    kind: fc.constant("set" as const),
    file: fileIndex,
    at: position,
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ kind: fc.constant("truncate" as const), file: fileIndex, at: position }),
  fc.record({
    kind: fc.constant("zero" as const),
    file: fileIndex,
    at: position,
    length: fc.integer({ min: 1, max: 600 }),
  }),
  fc.record({
    kind: fc.constant("garbage" as const),
    file: fileIndex,
    at: position,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
  }),
  fc.record({
    kind: fc.constant("length" as const),
    file: fileIndex,
    record: fc.nat({ max: 40 }),
    word: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  }),
  fc.record({ kind: fc.constant("delete" as const), file: fileIndex }),
);

function mutate(files: Map<string, Uint8Array>, change: Mutation): void {
  const path = PATHS[change.file]!;
  const original = files.get(path);
  if (original === undefined) return;
  if (change.kind === "delete") {
    files.delete(path);
    return;
  }
  let bytes = original.slice();
  const at = "at" in change ? Math.min(change.at, bytes.length) : 0;
  switch (change.kind) {
    case "flip":
      if (at < bytes.length) bytes[at]! ^= 1 << change.bit;
      break;
    case "set":
      if (at < bytes.length) bytes[at] = change.value;
      break;
    case "truncate":
      bytes = bytes.slice(0, at);
      break;
    case "zero":
      bytes.fill(0, at, at + change.length);
      break;
    case "garbage":
      bytes.set(change.bytes.subarray(0, Math.max(0, bytes.length - at)), at);
      break;
    case "length": {
      const records = recordsOf(BASE.get(path)!);
      const target = records[change.record % records.length]!;
      if (target.offset + 8 > bytes.length) break;
      new DataView(bytes.buffer).setBigUint64(target.offset, change.word, true);
      break;
    }
  }
  files.set(path, bytes);
}

Deno.test("decoder fuzz: a mutated WAL opens as a prefix of what was written, or is refused with WalCorruptError", () => {
  const seen = { refused: 0, repaired: 0, intact: 0 };
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (changes) => {
      const files = new Map(BASE);
      for (const change of changes) mutate(files, change);
      let result;
      try {
        result = Wal.open(fsWith(files), DIR, { index: 0, term: 0 }, { segmentBytes: 1024 });
      } catch (error) {
        if (error instanceof WalSnapshotNotFoundError && !files.has(PATHS[0]!)) return; // (0, 0) is gone
        assert.ok(error instanceof WalCorruptError, `${error}`);
        assert.ok(PATHS.includes(error.file), error.file);
        assert.ok(error.message.includes(`${error.file} at offset ${error.offset}`));
        seen.refused++;
        return;
      }
      result.wal.close();
      seen[result.repaired === null ? "intact" : "repaired"]++;
      const key = outcomeKey(result.entries, result.hardState, result.snapshots);
      assert.ok(
        PREFIX_OUTCOMES.has(key),
        "the recovered log is what a prefix of the records gives",
      );
    }),
    { seed: SEED, numRuns: RUNS },
  );
});
