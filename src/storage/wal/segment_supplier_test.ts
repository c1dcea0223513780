import { strict as assert } from "node:assert";
import { EMPTY_HARD_STATE, type Entry } from "../../raft/types.ts";
import { DenoFileSystem } from "../deno_fs.ts";
import { joinPath } from "../fs.ts";
import { MemFileSystem } from "../mem_fs.ts";
import { Wal, ZeroFilledSegments } from "./mod.ts";

const SEGMENT_BYTES = 8192;

function entries(from: number, count: number): Entry[] {
  return Array.from({ length: count }, (_, i) => ({
    term: 1,
    index: from + i,
    type: "normal" as const,
    data: new Uint8Array(100).fill((from + i) & 0xff),
  }));
}

Deno.test("ZeroFilledSegments: a cut takes the prepared zero-filled file, and a WAL opened later removes leftovers", async () => {
  const fs = new MemFileSystem();
  const supplier = new ZeroFilledSegments(fs, "wal", SEGMENT_BYTES);
  const wal = Wal.create(fs, "wal", { memberId: 1n, clusterId: 2n }, {
    segmentBytes: SEGMENT_BYTES,
    zeroFill: true,
    supplier,
  });
  supplier.start();
  await supplier.whenReady();
  const prepared = fs.readDir("wal").filter((name) => name.endsWith(".fill"));
  assert.equal(prepared.length, 1, "one file is ready before the cut");
  for (let i = 0; i < 20; i++) wal.save(EMPTY_HARD_STATE, entries(1 + i * 5, 5));
  await wal.sync();
  const segments = fs.readDir("wal").filter((name) => name.endsWith(".wal"));
  assert.ok(segments.length >= 2, "the WAL was cut");
  assert.ok(!fs.readDir("wal").includes(prepared[0]!), "the prepared file became a segment");
  await supplier.whenReady();
  await supplier.stop();
  wal.close();
  const reopened = Wal.open(fs, "wal", { index: 0, term: 0 }, { segmentBytes: SEGMENT_BYTES });
  assert.deepEqual(reopened.entries, entries(1, 100));
  assert.deepEqual(fs.readDir("wal").filter((name) => name.includes(".fill")), []);
  reopened.wal.close();
});

Deno.test("Wal with zeroFill reads back every entry across cuts", () => {
  const fs = new MemFileSystem();
  const wal = Wal.create(fs, "wal", { memberId: 1n, clusterId: 2n }, {
    segmentBytes: SEGMENT_BYTES,
    zeroFill: true,
  });
  for (let i = 0; i < 20; i++) wal.save(EMPTY_HARD_STATE, entries(1 + i * 5, 5));
  wal.syncSync();
  wal.close();
  const reopened = Wal.open(fs, "wal", { index: 0, term: 0 }, { segmentBytes: SEGMENT_BYTES });
  assert.deepEqual(reopened.entries, entries(1, 100));
  reopened.wal.close();
});

/** Bytes of disk the file at `path` holds (stat blocks are 512 bytes). */
function allocatedBytes(path: string): number {
  const blocks = Deno.statSync(path).blocks;
  assert.ok(blocks !== null, "the platform reports allocated blocks");
  return blocks * 512;
}

Deno.test("on disk, zeroFill writes the first segment's blocks and a cut without a prepared file stays sparse", () => {
  const root = Deno.makeTempDirSync({ prefix: "wal-zero-fill-" });
  try {
    const segmentBytes = 1024 * 1024;
    const dir = joinPath(root, "wal");
    const wal = Wal.create(new DenoFileSystem(), dir, { memberId: 1n, clusterId: 2n }, {
      segmentBytes,
      zeroFill: true,
    });
    const segments = () => [...Deno.readDirSync(dir)].map((entry) => entry.name).sort();
    const [first] = segments();
    assert.ok(first !== undefined);
    assert.ok(
      allocatedBytes(joinPath(dir, first)) >= segmentBytes,
      "the first segment is not sparse",
    );
    const big = new Uint8Array(100_000).fill(1);
    for (let i = 1; i <= 12; i++) {
      wal.save(EMPTY_HARD_STATE, [{ term: 1, index: i, type: "normal", data: big }]);
    }
    wal.syncSync();
    const cut = segments().filter((name) => name !== first);
    assert.equal(cut.length, 1, "the WAL was cut once");
    assert.ok(
      allocatedBytes(joinPath(dir, cut[0]!)) < segmentBytes,
      "no 1 MiB of zeros at the cut",
    );
    wal.close();
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("ZeroFilledSegments: a file is flushed a chunk at a time, never 64 MiB in one fsync", async () => {
  const fs = new MemFileSystem();
  const chunkBytes = 1024 * 1024;
  const segmentBytes = 3 * chunkBytes + 100;
  const syncedSizes: number[] = [];
  fs.asyncGate = (op) => {
    if (op.kind === "sync" && op.path.endsWith(".fill.tmp")) {
      syncedSizes.push(fs.readFile(op.path).length);
    }
  };
  const supplier = new ZeroFilledSegments(fs, "wal", segmentBytes);
  fs.mkdirAll("wal");
  supplier.start();
  await supplier.whenReady();
  await supplier.stop();
  assert.deepEqual(syncedSizes, [chunkBytes, 2 * chunkBytes, 3 * chunkBytes, segmentBytes]);
  const [ready] = fs.readDir("wal");
  assert.equal(fs.readFile(joinPath("wal", ready!)).length, segmentBytes);
});

Deno.test("ZeroFilledSegments: a disk failure while preparing stops it quietly (a cut then extends its own file)", async () => {
  const fs = new MemFileSystem();
  fs.mkdirAll("wal");
  let crashed = false;
  fs.asyncGate = (op) => {
    if (op.kind === "sync" && !crashed) {
      crashed = true;
      fs.crash(); // the handle being filled dies with the disk's old life
    }
  };
  const supplier = new ZeroFilledSegments(fs, "wal", 3 * 1024 * 1024);
  supplier.start();
  await supplier.whenReady(); // settles: no rejection escapes
  assert.ok(crashed);
  assert.equal(supplier.take(), null);
  await supplier.whenReady();
  assert.equal(supplier.take(), null, "nothing more is prepared");
  await supplier.stop();
});
