import { strict as assert } from "node:assert";
import { storageConformance } from "../raft/storage_conformance.ts";
import { type ConfState, EMPTY_CONF_STATE, type Entry } from "../raft/types.ts";
import { SeededPrng } from "../util/prng.ts";
import { MemFileSystem } from "./mem_fs.ts";
import { DiskStorage } from "./raft_storage.ts";
import { WalCorruptError } from "./wal/mod.ts";

const META = { memberId: 1n, clusterId: 0xc1n };
const CONF: ConfState = { ...EMPTY_CONF_STATE, voters: [1n, 2n, 3n] };
const encoder = new TextEncoder();

function entries(from: number, count: number, term = 1): Entry[] {
  return Array.from({ length: count }, (_, i) => ({
    term,
    index: from + i,
    type: "normal" as const,
    data: encoder.encode(`v${from + i}`),
  }));
}

storageConformance(
  "DiskStorage",
  () => DiskStorage.create(new MemFileSystem(), "m", META),
  Deno.test,
);

function bootstrapped(fs: MemFileSystem): DiskStorage {
  const storage = DiskStorage.create(fs, "m", META, { wal: { segmentBytes: 4096 } });
  storage.bootstrap(CONF, encoder.encode("initial"));
  return storage;
}

function reopen(fs: MemFileSystem): DiskStorage {
  return DiskStorage.open(fs, "m", { wal: { segmentBytes: 4096 } }).storage;
}

Deno.test("DiskStorage: a reopened storage holds exactly what was saved and synced", () => {
  const fs = new MemFileSystem();
  const storage = bootstrapped(fs);
  storage.save({ term: 1, vote: 1n, commit: 3 }, entries(2, 40));
  storage.save({ term: 2, vote: 2n, commit: 10 }, entries(20, 5, 2)); // replaces 20..41
  storage.syncSync();
  storage.close();
  fs.crash();
  const again = reopen(fs);
  assert.deepEqual(again.initialState(), {
    hardState: { term: 2, vote: 2n, commit: 10 },
    confState: CONF,
  });
  assert.equal(again.lastIndex(), 24);
  assert.deepEqual(again.entries(2, 25, Infinity), [...entries(2, 18), ...entries(20, 5, 2)]);
  assert.deepEqual(again.snapshot().data, encoder.encode("initial"));
});

Deno.test("DiskStorage: unsynced writes may be lost in a crash, synced ones never", () => {
  const fs = new MemFileSystem();
  const storage = bootstrapped(fs);
  storage.save({ term: 1, vote: 1n, commit: 11 }, entries(2, 10));
  storage.syncSync();
  storage.save({ term: 1, vote: 1n, commit: 30 }, entries(12, 20));
  fs.crash({ tornWrite: { prng: new SeededPrng(5) } });
  const again = reopen(fs);
  const last = again.lastIndex();
  assert.ok(last >= 11 && last <= 31, `recovered up to ${last}`);
  assert.deepEqual(again.entries(2, last + 1, Infinity), entries(2, last - 1));
});

Deno.test("DiskStorage: a snapshot bounds the log; recovery starts from it", () => {
  const fs = new MemFileSystem();
  const storage = bootstrapped(fs);
  for (let i = 0; i < 20; i++) {
    storage.save({ term: 1, vote: 1n, commit: 2 + i * 10 + 9 }, entries(2 + i * 10, 10));
  }
  storage.syncSync();
  storage.createSnapshot(150, null, encoder.encode("state@150"));
  storage.compact(150);
  storage.close();
  const names = fs.readDir("m/wal").filter((name) => name.endsWith(".wal"));
  const again = reopen(fs);
  assert.equal(again.firstIndex(), 151);
  assert.equal(again.lastIndex(), 201);
  assert.deepEqual(again.snapshot().data, encoder.encode("state@150"));
  assert.deepEqual(again.entries(151, 202, Infinity), entries(151, 51));
  assert.ok(names.length >= 1);
});

Deno.test("DiskStorage: a damaged newest snapshot is set aside and an older one used while the WAL covers it", () => {
  const fs = new MemFileSystem();
  const storage = DiskStorage.create(fs, "m", META, { wal: { segmentBytes: 1 << 20 } });
  storage.bootstrap(CONF);
  storage.save({ term: 1, vote: 1n, commit: 41 }, entries(2, 40));
  storage.syncSync();
  storage.createSnapshot(20, null, encoder.encode("state@20"));
  storage.createSnapshot(30, null, encoder.encode("state@30"));
  storage.close();
  const newest = fs.readDir("m/snap").filter((name) => name.endsWith(".snap")).sort().pop()!;
  const bytes = fs.readFile(`m/snap/${newest}`);
  bytes[bytes.length - 1]! ^= 0x40;
  const file = fs.open(`m/snap/${newest}`, { write: true });
  file.writeAt(bytes, 0);
  file.syncSync();
  file.close();
  const again = reopen(fs);
  assert.deepEqual(again.snapshot().data, encoder.encode("state@20"));
  assert.equal(again.lastIndex(), 41);
  assert.ok(fs.readDir("m/snap").includes(`${newest}.broken`));
});

Deno.test("DiskStorage: damage before the WAL's tail refuses to start with the file and offset", () => {
  const fs = new MemFileSystem();
  const storage = bootstrapped(fs);
  for (let i = 0; i < 10; i++) {
    storage.save({ term: 1, vote: 1n, commit: 1 }, entries(2 + i * 20, 20));
  }
  storage.syncSync();
  storage.close();
  const first = fs.readDir("m/wal").filter((name) => name.endsWith(".wal"))[0]!;
  const path = `m/wal/${first}`;
  const bytes = fs.readFile(path);
  bytes[200]! ^= 0x01;
  const file = fs.open(path, { write: true });
  file.writeAt(bytes, 0);
  file.syncSync();
  file.close();
  assert.throws(() => reopen(fs), (error: unknown) => {
    assert.ok(error instanceof WalCorruptError, String(error));
    assert.match(error.message, new RegExp(first));
    return true;
  });
});

Deno.test("DiskStorage: a suffix overwritten by a new leader stays gone after a snapshot and a restart", () => {
  // Simulator seed 1822: entries 9..10 of term 1 are overwritten from 7 on by
  // term 2; a snapshot at 8 is taken; after a restart the replay from the
  // snapshot must not resurrect the stale 9..10 of term 1.
  const fs = new MemFileSystem();
  const storage = bootstrapped(fs);
  storage.save({ term: 1, vote: 1n, commit: 5 }, entries(2, 9, 1)); // 2..10, term 1
  storage.save({ term: 2, vote: 2n, commit: 8 }, entries(7, 2, 2)); // 7..8, term 2
  storage.syncSync();
  storage.createSnapshot(8, null, encoder.encode("state@8"));
  storage.close();
  fs.crash();
  const again = reopen(fs);
  assert.equal(again.lastIndex(), 8);
  assert.equal(again.term(8), 2);
  assert.equal(again.firstIndex(), 9);
});
