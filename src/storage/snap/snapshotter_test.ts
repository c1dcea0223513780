import assert from "node:assert/strict";
import type { ConfState, Snapshot } from "../../raft/types.ts";
import { crc32c, crc32Range } from "../../util/crc.ts";
import { snapshotBytesMax } from "../../util/limits.ts";
import { SeededPrng } from "../../util/prng.ts";
import {
  type FileHandle,
  type FileSystem,
  joinPath,
  type OpenOptions,
  writeFileAtomic,
} from "../fs.ts";
import { MemFileSystem } from "../mem_fs.ts";
import {
  decodeSnapshotFile,
  encodeSnapshotFile,
  parseSnapshotFileName,
  SnapshotDecodeError,
  snapshotFileName,
  Snapshotter,
  type SnapshotterLog,
  SnapshotTooLargeError,
} from "./snapshotter.ts";

const DIR = "/member/snap";

const SIMPLE_CONF: ConfState = {
  voters: [1n, 2n, 3n],
  learners: [],
  votersOutgoing: [],
  learnersNext: [],
  autoLeave: false,
};

const JOINT_CONF: ConfState = {
  voters: [0xffff_ffff_ffff_fffen, 0x8e9e05c52164694dn],
  learners: [0x1234_5678_9abc_def0n],
  votersOutgoing: [0x8e9e05c52164694dn, 3n],
  learnersNext: [3n],
  autoLeave: true,
};

function snapshot(
  index: number,
  term: number,
  data = `state@${index}`,
  conf = SIMPLE_CONF,
): Snapshot {
  return { data: new TextEncoder().encode(data), metadata: { index, term, confState: conf } };
}

interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

function setup(maxSnapshots?: number): { fs: MemFileSystem; snap: Snapshotter; logs: LogLine[] } {
  const fs = new MemFileSystem();
  fs.mkdirAll(DIR);
  fs.syncDir("/");
  fs.syncDir("/member");
  const logs: LogLine[] = [];
  const log: SnapshotterLog = (level, message, fields) => logs.push({ level, message, fields });
  const options = maxSnapshots === undefined ? { log } : { log, maxSnapshots };
  return { fs, snap: new Snapshotter(fs, DIR, options), logs };
}

Deno.test("snapshotFileName: %016x-%016x.snap of term and index, parsed back", () => {
  assert.equal(snapshotFileName(2, 0x1f), "0000000000000002-000000000000001f.snap");
  assert.deepEqual(parseSnapshotFileName("0000000000000002-000000000000001f.snap"), {
    name: "0000000000000002-000000000000001f.snap",
    term: 2,
    index: 31,
  });
  for (
    const name of [
      "0000000000000002-000000000000001f.snap.broken",
      "0000000000000002-000000000000001F.snap",
      "2-1f.snap",
      "ffffffffffffffff-0000000000000001.snap",
      "0000000000000002-000000000000001f.snap.tmp",
    ]
  ) {
    assert.equal(parseSnapshotFileName(name), null, name);
  }
});

Deno.test("Snapshotter: round trip with bigint ids and a joint configuration", () => {
  const { fs, snap } = setup();
  const original = snapshot(100, 7, "payload", JOINT_CONF);
  snap.save(original);
  assert.deepEqual(fs.readDir(DIR), ["0000000000000007-0000000000000064.snap"]);
  assert.deepEqual(snap.load(), original);
  const empty = {
    data: new Uint8Array(0),
    metadata: { index: 5, term: 1, confState: SIMPLE_CONF },
  };
  snap.save(empty);
  assert.deepEqual(snap.loadNewestAvailable([{ index: 5, term: 1 }]), empty);
});

Deno.test("Snapshotter: the file format starts with the magic and a CRC of the rest", () => {
  const bytes = encodeSnapshotFile(snapshot(3, 1, "xyz"));
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), "ETSSNAP2");
  const view = new DataView(bytes.buffer);
  assert.equal(view.getUint32(8), crc32Range(bytes, 12, bytes.length, 0));
  const metadataBytes = view.getUint32(12);
  const json = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + metadataBytes)));
  assert.deepEqual(json, {
    index: 3,
    term: 1,
    confState: {
      voters: ["1", "2", "3"],
      learners: [],
      votersOutgoing: [],
      learnersNext: [],
      autoLeave: false,
    },
  });
  assert.equal(new TextDecoder().decode(bytes.subarray(16 + metadataBytes)), "xyz");
});

Deno.test("Snapshotter: load on an empty or missing directory is null", () => {
  const { snap } = setup();
  assert.equal(snap.load(), null);
  assert.deepEqual(snap.list(), []);
  const missing = new Snapshotter(new MemFileSystem(), "/nowhere");
  assert.equal(missing.load(), null);
  assert.deepEqual(missing.list(), []);
});

Deno.test("Snapshotter: an empty snapshot (index 0) is not written", () => {
  const { fs, snap } = setup();
  snap.save(snapshot(0, 0));
  assert.deepEqual(fs.readDir(DIR), []);
});

Deno.test("Snapshotter: the newest wins; list is newest first", () => {
  const { snap } = setup(0);
  snap.save(snapshot(20, 2));
  snap.save(snapshot(300, 3));
  snap.save(snapshot(10, 1));
  assert.deepEqual(snap.list().map(({ index, term }) => [index, term]), [[300, 3], [20, 2], [
    10,
    1,
  ]]);
  assert.deepEqual(snap.load(), snapshot(300, 3));
});

Deno.test("Snapshotter: a damaged newest falls back to the older one and is renamed .broken", () => {
  const { fs, snap, logs } = setup();
  snap.save(snapshot(10, 1));
  snap.save(snapshot(20, 2));
  const newest = snapshotFileName(2, 20);
  const bytes = fs.readFile(joinPath(DIR, newest));
  bytes[bytes.length - 1]! ^= 0x01;
  writeFileAtomic(fs, DIR, newest, bytes);
  assert.deepEqual(snap.load(), snapshot(10, 1));
  assert.deepEqual(fs.readDir(DIR), [snapshotFileName(1, 10), `${newest}.broken`]);
  assert.equal(logs.length, 1);
  assert.equal(logs[0]!.level, "warn");
  assert.equal(logs[0]!.fields.file, joinPath(DIR, newest));
  assert.match(String(logs[0]!.fields.reason), /CRC mismatch/);
  assert.deepEqual(snap.load(), snapshot(10, 1), "the .broken file is not tried again");
  assert.equal(logs.length, 1);
});

Deno.test("Snapshotter: every single-bit flip of a small snapshot file is detected", () => {
  const original = snapshot(9, 4, "tiny state", JOINT_CONF);
  const name = snapshotFileName(4, 9);
  const bytes = encodeSnapshotFile(original);
  for (let bit = 0; bit < bytes.length * 8; bit++) {
    const damaged = bytes.slice();
    damaged[bit >> 3]! ^= 1 << (bit & 7);
    assert.throws(() => decodeSnapshotFile(name, damaged), SnapshotDecodeError, `bit ${bit}`);
  }
  // And through the Snapshotter, on a sample of them: renamed .broken, null.
  for (let bit = 0; bit < bytes.length * 8; bit += 37) {
    const { fs, snap, logs } = setup();
    const damaged = bytes.slice();
    damaged[bit >> 3]! ^= 1 << (bit & 7);
    writeFileAtomic(fs, DIR, name, damaged);
    assert.equal(snap.load(), null, `bit ${bit}`);
    assert.deepEqual(fs.readDir(DIR), [`${name}.broken`]);
    assert.equal(logs[0]!.level, "warn");
  }
});

Deno.test("Snapshotter: truncation at every offset is detected", () => {
  const name = snapshotFileName(4, 9);
  const bytes = encodeSnapshotFile(snapshot(9, 4, "some state bytes", JOINT_CONF));
  for (let length = 0; length < bytes.length; length++) {
    assert.throws(
      () => decodeSnapshotFile(name, bytes.subarray(0, length)),
      SnapshotDecodeError,
      `length ${length}`,
    );
    const { fs, snap } = setup();
    writeFileAtomic(fs, DIR, name, bytes.subarray(0, length));
    assert.equal(snap.load(), null, `length ${length}`);
    assert.deepEqual(fs.readDir(DIR), [`${name}.broken`]);
  }
  assert.deepEqual(decodeSnapshotFile(name, bytes), snapshot(9, 4, "some state bytes", JOINT_CONF));
});

/**
 * Builds a file with a correct CRC around arbitrary metadata bytes: a
 * CRC-32, or with `ETSSNAP1` (older builds' files) a CRC-32C.
 */
function fileWithMetadata(json: string, magic = "ETSSNAP2", data = ""): Uint8Array {
  const metadata = new TextEncoder().encode(json);
  const tail = new TextEncoder().encode(data);
  const out = new Uint8Array(16 + metadata.length + tail.length);
  out.set(new TextEncoder().encode(magic), 0);
  new DataView(out.buffer).setUint32(12, metadata.length);
  out.set(metadata, 16);
  out.set(tail, 16 + metadata.length);
  const crc = magic === "ETSSNAP1" ? crc32c(out.subarray(12)) : crc32Range(out, 12, out.length, 0);
  new DataView(out.buffer).setUint32(8, crc);
  return out;
}

Deno.test("Snapshotter: older builds' files (ETSSNAP1, a CRC-32C) still load; each magic checks its own CRC", () => {
  const name = snapshotFileName(1, 5);
  const json =
    '{"index":5,"term":1,"confState":{"voters":["1"],"learners":[],"votersOutgoing":[],"learnersNext":[],"autoLeave":false}}';
  const legacy = fileWithMetadata(json, "ETSSNAP1", "state");
  const decoded = decodeSnapshotFile(name, legacy);
  assert.equal(new TextDecoder().decode(decoded.data), "state");
  assert.equal(decoded.metadata.index, 5);
  const current = fileWithMetadata(json, "ETSSNAP2", "state");
  assert.deepEqual(decodeSnapshotFile(name, current), decoded);
  const swapped = (file: Uint8Array, magic: string) => {
    const copy = file.slice();
    copy.set(new TextEncoder().encode(magic), 0);
    return copy;
  };
  assert.throws(() => decodeSnapshotFile(name, swapped(legacy, "ETSSNAP2")), /CRC mismatch/);
  assert.throws(() => decodeSnapshotFile(name, swapped(current, "ETSSNAP1")), /CRC mismatch/);
});

Deno.test("Snapshotter: decode names each reason", () => {
  const name = snapshotFileName(1, 5);
  const conf =
    '{"voters":["1"],"learners":[],"votersOutgoing":[],"learnersNext":[],"autoLeave":false}';
  const cases: [Uint8Array, RegExp][] = [
    [new Uint8Array(5), /truncated/],
    [fileWithMetadata("{}", "NOTSNAP1"), /bad magic/],
    [fileWithMetadata("{not json"), /bad metadata JSON/],
    [fileWithMetadata("[]"), /not an object/],
    [fileWithMetadata(`{"index":5,"term":-1,"confState":${conf}}`), /term/],
    [fileWithMetadata(`{"index":5.5,"term":1,"confState":${conf}}`), /index/],
    [fileWithMetadata(`{"index":5,"term":1,"confState":null}`), /confState/],
    [fileWithMetadata(`{"index":5,"term":1,"confState":${conf.replace('"1"', "1")}}`), /voters/],
    [
      fileWithMetadata(
        `{"index":5,"term":1,"confState":${conf.replace('"1"', '"18446744073709551616"')}}`,
      ),
      /uint64/,
    ],
    [fileWithMetadata(`{"index":6,"term":1,"confState":${conf}}`), /name says term 1 index 5/],
  ];
  for (const [bytes, reason] of cases) {
    assert.throws(() => decodeSnapshotFile(name, bytes), (error: unknown) => {
      assert.ok(error instanceof SnapshotDecodeError);
      assert.equal(error.file, name);
      assert.match(error.reason, reason);
      assert.match(error.message, new RegExp(name));
      return true;
    });
  }
  const ok = fileWithMetadata(`{"index":5,"term":1,"confState":${conf}}`);
  assert.equal(decodeSnapshotFile(name, ok).metadata.confState.voters[0], 1n);
});

Deno.test("Snapshotter: keeps at most maxSnapshots files, never deleting the one just written", () => {
  const { fs, snap, logs } = setup(3);
  for (let index = 1; index <= 6; index++) snap.save(snapshot(index * 10, 1));
  assert.deepEqual(fs.readDir(DIR), [60, 50, 40].map((i) => snapshotFileName(1, i)).sort());
  assert.equal(logs.filter(({ level }) => level === "info").length, 3);
  snap.save(snapshot(5, 1)); // older than the others: still kept
  assert.ok(fs.exists(joinPath(DIR, snapshotFileName(1, 5))));
  assert.equal(fs.readDir(DIR).length, 3);
});

Deno.test("Snapshotter: the default keeps 5; 0 keeps all; .broken files are left alone", () => {
  const defaults = setup();
  for (let index = 1; index <= 8; index++) defaults.snap.save(snapshot(index, 1));
  assert.equal(defaults.snap.list().length, 5);
  const unlimited = setup(0);
  writeFileAtomic(
    unlimited.fs,
    DIR,
    "0000000000000001-0000000000000001.snap.broken",
    new Uint8Array(1),
  );
  for (let index = 1; index <= 8; index++) unlimited.snap.save(snapshot(index, 1));
  assert.equal(unlimited.snap.list().length, 8);
  assert.equal(unlimited.fs.readDir(DIR).length, 9);
  assert.throws(() => new Snapshotter(unlimited.fs, DIR, { maxSnapshots: -1 }), RangeError);
});

Deno.test("Snapshotter: loadNewestAvailable takes only snapshots the WAL knows", () => {
  const { fs, snap } = setup(0);
  snap.save(snapshot(5, 1));
  snap.save(snapshot(10, 2));
  snap.save(snapshot(15, 2));
  assert.deepEqual(
    snap.loadNewestAvailable([{ index: 10, term: 2 }, { index: 5, term: 1 }]),
    snapshot(10, 2),
  );
  assert.equal(snap.loadNewestAvailable([]), null);
  assert.equal(snap.loadNewestAvailable([{ index: 15, term: 3 }]), null, "term must match too");
  const newest = joinPath(DIR, snapshotFileName(2, 15));
  const bytes = fs.readFile(newest);
  writeFileAtomic(fs, DIR, snapshotFileName(2, 15), bytes.subarray(0, bytes.length - 1));
  const available = [{ index: 15, term: 2 }, { index: 10, term: 2 }];
  assert.deepEqual(snap.loadNewestAvailable(available), snapshot(10, 2));
  assert.ok(fs.exists(`${newest}.broken`));
  assert.deepEqual(fs.readDir(DIR).length, 3, "nothing else renamed or removed");
});

Deno.test("Snapshotter: a file over snapshotBytesMax is refused with a typed error", () => {
  const { fs, snap } = setup();
  const name = snapshotFileName(1, 1);
  const file = fs.open(joinPath(DIR, name), { create: true, write: true });
  file.truncate(snapshotBytesMax + 1); // sparse in memory
  file.close();
  assert.throws(() => snap.load(), (error: unknown) => {
    assert.ok(error instanceof SnapshotTooLargeError);
    assert.equal(error.file, name);
    assert.equal(error.sizeBytes, snapshotBytesMax + 1);
    return true;
  });
  assert.ok(fs.exists(joinPath(DIR, name)), "not renamed: the operator must look");
});

Deno.test("Snapshotter: a leftover temporary file is removed on load", () => {
  const { fs, snap } = setup();
  snap.save(snapshot(4, 1));
  writeFileAtomic(fs, DIR, `${snapshotFileName(1, 9)}.tmp`, new Uint8Array(3));
  assert.deepEqual(snap.load(), snapshot(4, 1));
  assert.deepEqual(fs.readDir(DIR), [snapshotFileName(1, 4)]);
});

/** Thrown by {@linkcode CrashingFs} at the chosen step. */
class CrashPoint extends Error {}

/** Passes calls to a file system, throwing {@linkcode CrashPoint} before the `crashAt`-th change. */
class CrashingFs implements FileSystem {
  steps = 0;
  #inner: FileSystem;
  #crashAt: number;

  constructor(inner: FileSystem, crashAt: number) {
    this.#inner = inner;
    this.#crashAt = crashAt;
  }

  step(): void {
    if (this.steps++ === this.#crashAt) throw new CrashPoint();
  }

  open(path: string, options?: OpenOptions): FileHandle {
    if (options?.create === true || options?.createNew === true) this.step();
    const file = this.#inner.open(path, options);
    return {
      writeAt: (bytes, offset) => (this.step(), file.writeAt(bytes, offset)),
      writeAtAsync: (bytes, offset) => (this.step(), file.writeAtAsync(bytes, offset)),
      readAt: (offset, length) => file.readAt(offset, length),
      size: () => file.size(),
      truncate: (size) => (this.step(), file.truncate(size)),
      sync: () => (this.step(), file.sync()),
      syncSync: () => (this.step(), file.syncSync()),
      close: () => file.close(),
    };
  }
  readFile(path: string): Uint8Array {
    return this.#inner.readFile(path);
  }
  readDir(path: string): string[] {
    return this.#inner.readDir(path);
  }
  mkdirAll(path: string): void {
    this.step();
    this.#inner.mkdirAll(path);
  }
  exists(path: string): boolean {
    return this.#inner.exists(path);
  }
  rename(from: string, to: string): void {
    this.step();
    this.#inner.rename(from, to);
  }
  remove(path: string): void {
    this.step();
    this.#inner.remove(path);
  }
  syncDir(path: string): void {
    this.step();
    this.#inner.syncDir(path);
  }
  syncDirAsync(path: string): Promise<void> {
    this.step();
    return this.#inner.syncDirAsync(path);
  }
}

Deno.test("Snapshotter: a crash at any step of a save leaves the old or the new snapshot, never a damaged one", () => {
  const old = snapshot(10, 1, "old state ".repeat(100));
  const next = snapshot(20, 2, "new state ".repeat(300), JOINT_CONF);
  const prng = new SeededPrng(2024);
  let stepsInSave = 0;
  const outcomes = new Set<string>();
  for (let crashAt = 0; stepsInSave === 0 || crashAt <= stepsInSave; crashAt++) {
    for (let round = 0; round < 8; round++) {
      const { fs } = setup(1);
      new Snapshotter(fs, DIR, { maxSnapshots: 1 }).save(old);
      const crashing = new CrashingFs(fs, crashAt);
      try {
        new Snapshotter(crashing, DIR, { maxSnapshots: 1 }).save(next);
        stepsInSave = crashing.steps;
      } catch (error) {
        if (!(error instanceof CrashPoint)) throw error;
      }
      fs.crash(round % 2 === 0 ? {} : { tornWrite: { prng } });
      const logs: LogLine[] = [];
      const after = new Snapshotter(fs, DIR, {
        log: (level, message, fields) => logs.push({ level, message, fields }),
      });
      const loaded = after.load();
      assert.ok(loaded !== null, `crash at step ${crashAt}: nothing loaded`);
      assert.ok(
        loaded.metadata.index === 10 ? deepEqualTo(loaded, old) : deepEqualTo(loaded, next),
        `crash at step ${crashAt}: a different snapshot`,
      );
      assert.deepEqual(
        logs.filter(({ level }) => level === "warn"),
        [],
        `crash at step ${crashAt}`,
      );
      assert.ok(!fs.readDir(DIR).some((name) => name.endsWith(".broken")));
      outcomes.add(String(loaded.metadata.index));
    }
  }
  assert.ok(stepsInSave > 3);
  assert.deepEqual([...outcomes].sort(), ["10", "20"]);
});

function deepEqualTo(actual: Snapshot, expected: Snapshot): boolean {
  try {
    assert.deepEqual(actual, expected);
    return true;
  } catch {
    return false;
  }
}

Deno.test("Snapshotter: saveAsync writes the same file as save, in chunks each flushed, and prunes nothing", async () => {
  const big = snapshot(30, 3, "0123456789".repeat(250_000), JOINT_CONF); // 2.5 MB: three chunks
  const { fs, snap } = setup(1);
  snap.save(snapshot(10, 1));
  const syncedBytes: number[] = []; // flushed a chunk at a time, not all at the end
  fs.asyncGate = (op) => {
    if (op.kind === "sync") syncedBytes.push(fs.readFile(op.path).length);
  };
  assert.equal(await snap.saveAsync(big), true);
  fs.asyncGate = null;
  const fileBytes = encodeSnapshotFile(big).length;
  const headBytes = fileBytes - big.data.length;
  const mib = 1024 * 1024;
  assert.deepEqual(syncedBytes, [headBytes + mib, headBytes + 2 * mib, fileBytes, fileBytes]);
  assert.deepEqual(fs.readFile(joinPath(DIR, snapshotFileName(3, 30))), encodeSnapshotFile(big));
  assert.deepEqual(fs.readDir(DIR), [snapshotFileName(1, 10), snapshotFileName(3, 30)]);
  snap.prune(30, 3);
  assert.deepEqual(fs.readDir(DIR), [snapshotFileName(3, 30)]);
  assert.deepEqual(snap.load(), big);
  fs.crash();
  assert.deepEqual(new Snapshotter(fs, DIR).load(), big, "durable: data, name and directory");
});

Deno.test("Snapshotter: saveAsync no longer wanted removes its temporary file and renames nothing", async () => {
  const { fs, snap } = setup();
  snap.save(snapshot(10, 1));
  assert.equal(await snap.saveAsync(snapshot(20, 2), () => false), false);
  assert.deepEqual(fs.readDir(DIR), [snapshotFileName(1, 10)]);
  snap.remove(10, 1);
  snap.remove(10, 1); // gone already: nothing to do
  assert.deepEqual(fs.readDir(DIR), []);
});

Deno.test("Snapshotter: saveAsync refuses a snapshot over snapshotBytesMax before writing", async () => {
  const { fs, snap } = setup();
  const huge = { data: new Uint8Array(0), metadata: snapshot(5, 1).metadata };
  Object.defineProperty(huge.data, "length", { value: snapshotBytesMax });
  await assert.rejects(snap.saveAsync(huge), SnapshotTooLargeError);
  assert.deepEqual(fs.readDir(DIR), []);
});

Deno.test("Snapshotter: a crash at any step of saveAsync leaves the old or the new snapshot, never a damaged one", async () => {
  const old = snapshot(10, 1, "old state ".repeat(100));
  const next = snapshot(20, 2, "new state ".repeat(300_000), JOINT_CONF); // three chunks
  const prng = new SeededPrng(2025);
  let stepsInSave = 0;
  const outcomes = new Set<string>();
  for (let crashAt = 0; stepsInSave === 0 || crashAt <= stepsInSave; crashAt++) {
    for (let round = 0; round < 4; round++) {
      const { fs } = setup(1);
      new Snapshotter(fs, DIR, { maxSnapshots: 1 }).save(old);
      const crashing = new CrashingFs(fs, crashAt);
      try {
        await new Snapshotter(crashing, DIR, { maxSnapshots: 1 }).saveAsync(next);
        stepsInSave = crashing.steps;
      } catch (error) {
        if (!(error instanceof CrashPoint)) throw error;
      }
      fs.crash(round % 2 === 0 ? {} : { tornWrite: { prng } });
      const after = new Snapshotter(fs, DIR);
      const loaded = after.load();
      assert.ok(loaded !== null, `crash at step ${crashAt}: nothing loaded`);
      assert.ok(
        loaded.metadata.index === 10 ? deepEqualTo(loaded, old) : deepEqualTo(loaded, next),
        `crash at step ${crashAt}: a different snapshot`,
      );
      assert.ok(!fs.readDir(DIR).some((name) => name.endsWith(".broken") || name.endsWith(".tmp")));
      outcomes.add(String(loaded.metadata.index));
    }
  }
  assert.ok(stepsInSave > 5);
  assert.deepEqual([...outcomes].sort(), ["10", "20"]);
});
