import assert from "node:assert/strict";
import { SeededPrng } from "../../util/prng.ts";
import { crc32c, crc32cByte, crc32cRange } from "../../util/crc.ts";
import { bytesSource, SegmentDecoder } from "./decoder.ts";
import { encodedBytes, encodeRecords } from "./encoder.ts";
import { WalRecordTooLargeError } from "./errors.ts";
import {
  decodeRecordData,
  frameBytes,
  readLengthWord,
  RECORD_TYPE_CODES,
  type WalRecord,
  writeLengthWord,
} from "./record.ts";
import { isSegmentName, parseSegmentName, searchIndex, segmentName } from "./segment_name.ts";
import { entry, META } from "./_testing.ts";

const MAX_U64 = (1n << 64n) - 1n;

/** A header followed by `records`, encoded and decoded back. */
function roundTrip(records: WalRecord[]): WalRecord[] {
  const all: WalRecord[] = [
    { type: "crc", crc: 0 },
    { type: "metadata", metadata: META },
    ...records,
  ];
  const { bytes, crc } = encodeRecords(all, 0);
  const decoder = new SegmentDecoder(bytesSource(bytes), {
    crc: 0,
    isLast: false,
    recordBytesMax: 1 << 20,
  });
  const out: WalRecord[] = [];
  for (;;) {
    const step = decoder.next();
    if (step.kind !== "record") {
      assert.equal(step.kind, "end");
      assert.equal(step.offset, bytes.length);
      break;
    }
    out.push(step.record);
  }
  assert.equal(decoder.crc, crc);
  return out.slice(2);
}

Deno.test("record: every record type survives encode and decode", () => {
  const records: WalRecord[] = [
    { type: "entry", entry: entry(1) },
    {
      type: "entry",
      entry: { term: 7, index: 2, type: "confChange", data: new Uint8Array([1, 2]) },
    },
    { type: "entry", entry: { term: 7, index: 3, type: "normal", data: new Uint8Array(0) } },
    {
      type: "entry",
      entry: { ...entry(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 3) },
    },
    { type: "state", hardState: { term: 3, vote: MAX_U64, commit: 2 } },
    { type: "state", hardState: { term: Number.MAX_SAFE_INTEGER, vote: 0n, commit: 0 } },
    { type: "snapshot", marker: { index: 0, term: 0 } },
    { type: "snapshot", marker: { index: Number.MAX_SAFE_INTEGER, term: 12 } },
    { type: "metadata", metadata: { memberId: MAX_U64, clusterId: 0n } },
    { type: "crc", crc: 0xdead_beef },
  ];
  for (const record of records) {
    const [decoded] = record.type === "metadata" || record.type === "crc"
      ? decodeSingle(record)
      : roundTrip([record]);
    assert.deepEqual(decoded, record);
  }
});

/** Metadata and crc records only stand in a header: decode them through the payload codec. */
function decodeSingle(record: WalRecord): WalRecord[] {
  const { bytes } = encodeRecords([record], 0);
  const code = bytes[8]!;
  assert.equal(code, RECORD_TYPE_CODES[record.type]);
  const crcField = new DataView(bytes.buffer).getUint32(9);
  const size = readLengthWord(new DataView(bytes.buffer), 0);
  assert.ok(size !== null && size !== 0);
  const decoded = decodeRecordData(record.type, bytes.subarray(13, 8 + size.recordBytes), crcField);
  assert.notEqual(typeof decoded, "string");
  return [decoded as WalRecord];
}

Deno.test("record: many records in one encoding decode in order with the chained CRC", () => {
  const records: WalRecord[] = [];
  for (let i = 1; i <= 50; i++) {
    records.push({ type: "entry", entry: entry(i, 1, i * 3) });
    if (i % 7 === 0) records.push({ type: "state", hardState: { term: 1, vote: 1n, commit: i } });
    if (i % 11 === 0) records.push({ type: "snapshot", marker: { index: i, term: 1 } });
  }
  assert.deepEqual(roundTrip(records), records);
});

Deno.test("record: frames are 8-byte aligned and the length word carries the padding", () => {
  for (let dataBytes = 0; dataBytes < 40; dataBytes++) {
    const frame = frameBytes(dataBytes);
    assert.equal(frame % 8, 0);
    assert.ok(frame - 8 - 5 - dataBytes < 8);
    const view = new DataView(new ArrayBuffer(8));
    writeLengthWord(view, 0, 5 + dataBytes);
    const word = readLengthWord(view, 0);
    assert.ok(word !== null && word !== 0);
    assert.equal(word.recordBytes, 5 + dataBytes);
    assert.equal(8 + word.recordBytes + word.paddingBytes, frame);
    const top = view.getUint8(7);
    assert.equal(top, word.paddingBytes === 0 ? 0 : 0x80 | word.paddingBytes);
  }
});

Deno.test("record: malformed length words are refused, a zero word is the end", () => {
  const view = new DataView(new ArrayBuffer(8));
  assert.equal(readLengthWord(view, 0), 0);
  view.setUint32(0, 3, true); // below type + CRC
  assert.equal(readLengthWord(view, 0), null);
  view.setUint32(0, 13, true); // needs 3 bytes of padding, top byte says none
  assert.equal(readLengthWord(view, 0), null);
  view.setUint8(7, 0x80 | 2); // wrong padding
  assert.equal(readLengthWord(view, 0), null);
  view.setUint8(7, 0x80 | 3);
  assert.deepEqual(readLengthWord(view, 0), { recordBytes: 13, paddingBytes: 3 });
});

Deno.test("record: the CRC covers the type byte and chains from the previous record", () => {
  const record: WalRecord = { type: "snapshot", marker: { index: 5, term: 2 } };
  const { bytes, crc } = encodeRecords([record], 0x1234_5678);
  const data = bytes.subarray(13, 29);
  assert.equal(
    crc,
    crc32c(data, crc32c(new Uint8Array([RECORD_TYPE_CODES.snapshot]), 0x1234_5678)),
  );
  assert.equal(new DataView(bytes.buffer).getUint32(9), crc);
  const crcRecord = encodeRecords([{ type: "crc", crc: 99 }], 5);
  assert.equal(crcRecord.crc, 99, "a crc record sets the running CRC to what it carries");
});

Deno.test("record: bad payloads decode to a reason, never an exception", () => {
  const cases: [WalRecord["type"], Uint8Array][] = [
    ["entry", new Uint8Array(16)],
    ["state", new Uint8Array(23)],
    ["snapshot", new Uint8Array(17)],
    ["metadata", new Uint8Array(15)],
    ["crc", new Uint8Array(1)],
    ["entry", new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 2])], // entry type 2
    ["entry", new Uint8Array([0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0])], // term 2^53
    ["state", new Uint8Array([...new Uint8Array(16), 0xff, ...new Uint8Array(7)])], // commit
    ["snapshot", new Uint8Array([0xff, ...new Uint8Array(15)])],
  ];
  for (const [type, data] of cases) {
    assert.equal(typeof decodeRecordData(type, data, 0), "string", `${type} ${data}`);
  }
});

Deno.test("record: a record over the limit is refused before anything is encoded", () => {
  const big: WalRecord = { type: "entry", entry: entry(1, 1, 1000) };
  assert.equal(encodedBytes([big], 1024), frameBytes(1017));
  assert.throws(() => encodedBytes([big], 1000), (error: unknown) => {
    assert.ok(error instanceof WalRecordTooLargeError);
    assert.ok(error instanceof RangeError);
    assert.equal(error.recordBytes, 5 + 17 + 1000 + 2);
    assert.equal(error.recordBytesMax, 1000);
    return true;
  });
});

Deno.test("record: segment names are %016x-%016x.wal and parse back", () => {
  assert.equal(segmentName(1, 16), "0000000000000001-0000000000000010.wal");
  assert.equal(segmentName(0, 0), "0000000000000000-0000000000000000.wal");
  assert.deepEqual(parseSegmentName("00000000000000ff-0000000000000abc.wal", "d"), {
    seq: 255,
    firstIndex: 0xabc,
    name: "00000000000000ff-0000000000000abc.wal",
  });
  for (const name of ["0-0.wal", "0000000000000001-0000000000000010.wal.broken", "x.wal.tmp"]) {
    assert.equal(isSegmentName(name), false);
    assert.equal(parseSegmentName(name, "d"), null);
  }
  assert.equal(isSegmentName("0000000000000001-000000000000001A.wal"), false, "lowercase only");
  const segments = [0, 10, 20].map((index, seq) => ({ seq, firstIndex: index, name: "" }));
  assert.deepEqual([0, 9, 10, 15, 20, 99].map((index) => searchIndex(segments, index)), [
    0,
    0,
    1,
    1,
    2,
    2,
  ]);
  assert.equal(searchIndex(segments.slice(1), 5), -1);
});

Deno.test("record: the WAL's sliced CRC-32C equals util/crc32c on any range", () => {
  const prng = new SeededPrng(7);
  const bytes = new Uint8Array(4096).map(() => prng.nextInt(256));
  for (let i = 0; i < 500; i++) {
    const from = prng.nextInt(bytes.length);
    const to = from + prng.nextInt(bytes.length - from + 1);
    const previous = prng.nextUint32();
    assert.equal(
      crc32cRange(bytes, from, to, previous),
      crc32c(bytes.subarray(from, to), previous),
    );
  }
  assert.equal(crc32cRange(new TextEncoder().encode("123456789"), 0, 9, 0), 0xe3069283);
  assert.equal(crc32cByte(0x42, 99), crc32c(new Uint8Array([0x42]), 99));
});
