/**
 * A member's own snapshots are saved while it goes on serving: the snapshot
 * file's writes and fsyncs are held by the in-memory file system's gate, and
 * writes must still be acknowledged meanwhile, no second snapshot may start,
 * the log may not be compacted before the file is durable (DiskStorage
 * refuses it, which would stop the member), a crash in the middle loses no
 * acknowledged write, stop waits for the save, and a failed save stops the
 * member with a log line.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type MemAsyncOp, MemFileSystem } from "../storage/mem_fs.ts";
import { putRequest, rangeRequest } from "../proto/rpc.ts";
import type { RunningMember } from "./member.ts";
import { startSingleMember } from "./_single_member.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text: string) => encoder.encode(text);
const SNAP_DIR = "/data/default.etcd/member/snap";

/** A member that snapshots every 20 entries; its log lines go to `lines`. */
function start(fs: MemFileSystem, lines: string[] = []): Promise<RunningMember> {
  return startSingleMember(fs, { snapshotCount: 20 }, lines);
}

/** A member restarted from `fs` (nothing held any more) has every acknowledged write. */
async function assertRecovers(fs: MemFileSystem, acked: Array<[string, string]>): Promise<void> {
  fs.asyncGate = null;
  const restarted = await start(fs);
  try {
    await assertHolds(restarted, acked);
  } finally {
    await restarted.stop();
  }
}

/** Holds the snapshot directory's async operations until released; counts the files begun. */
function holdSnapshots(fs: MemFileSystem) {
  const held: Array<() => void> = [];
  const files = new Set<string>();
  let first: () => void = () => {};
  const started = new Promise<void>((resolve) => (first = resolve));
  let holding = true;
  fs.asyncGate = (op: MemAsyncOp) => {
    if (!op.path.startsWith(SNAP_DIR)) return;
    if (op.kind === "write") files.add(op.path);
    first();
    if (!holding) return;
    return new Promise<void>((resolve) => held.push(resolve));
  };
  return {
    files,
    /** Resolves when the first snapshot operation is held. */
    started,
    releaseAll(): void {
      holding = false;
      for (const release of held.splice(0)) release();
    },
  };
}

async function putAll(member: RunningMember, from: number, count: number) {
  const acked: Array<[string, string]> = [];
  for (let i = from; i < from + count; i++) {
    const key = `k${i % 17}`;
    const value = `v${i}`;
    await member.server.put(putRequest({ key: bytes(key), value: bytes(value) }));
    acked.push([key, value]);
  }
  return acked;
}

async function assertHolds(member: RunningMember, acked: Array<[string, string]>) {
  const latest = new Map(acked);
  for (const [key, value] of latest) {
    const response = await member.server.range(rangeRequest({ key: bytes(key) }));
    assert.equal(decoder.decode(response.kvs[0]!.value), value, key);
  }
}

function snapFiles(fs: MemFileSystem): string[] {
  return fs.readDir(SNAP_DIR).filter((name) => name.endsWith(".snap"));
}

Deno.test("a member serves while its snapshot file is written; a crash then loses no acknowledged write", async () => {
  const fs = new MemFileSystem();
  const member = await start(fs);
  const gate = holdSnapshots(fs);
  const before = snapFiles(fs).length;
  const acked = await putAll(member, 0, 25); // past --snapshot-count: one begins
  await gate.started;
  // The file's write is held: the member goes on acknowledging writes, well
  // past another --snapshot-count, without starting a second snapshot.
  acked.push(...await putAll(member, 25, 60));
  assert.equal(gate.files.size, 1, `one snapshot at a time: ${[...gate.files]}`);
  assert.equal(snapFiles(fs).length, before, "not renamed while unwritten");
  fs.crash(); // kill -9 with the snapshot half written
  gate.releaseAll();
  await member.stop().catch(() => {});
  await assertRecovers(fs, acked);
  assert.ok(!fs.readDir(SNAP_DIR).some((name) => name.endsWith(".tmp")));
});

Deno.test("a member's snapshot saved after a hold is recovered with every later write", async () => {
  const fs = new MemFileSystem();
  const member = await start(fs);
  const gate = holdSnapshots(fs);
  const before = snapFiles(fs).length;
  const acked = await putAll(member, 0, 25);
  await gate.started;
  acked.push(...await putAll(member, 25, 30)); // entries past the snapshot, before its marker
  gate.releaseAll();
  acked.push(...await putAll(member, 55, 60)); // more snapshots, unheld now
  assert.ok(snapFiles(fs).length > before, "snapshots were saved");
  fs.crash();
  await member.stop().catch(() => {});
  await assertRecovers(fs, acked);
});

Deno.test("stop waits for a snapshot being saved, which a restart then finds", async () => {
  const fs = new MemFileSystem();
  const member = await start(fs);
  const gate = holdSnapshots(fs);
  const before = snapFiles(fs).length;
  const acked = await putAll(member, 0, 25);
  await gate.started;
  let stopped = false;
  const stopping = member.stop().then(() => (stopped = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(stopped, false, "stop waits for the save");
  gate.releaseAll();
  await stopping;
  fs.asyncGate = null;
  assert.equal(snapFiles(fs).length, before + 1);
  fs.crash();
  await assertRecovers(fs, acked);
});

Deno.test("a snapshot that cannot be saved stops the member with an error line", async () => {
  const fs = new MemFileSystem();
  const lines: string[] = [];
  const member = await start(fs, lines);
  fs.failNextSync(SNAP_DIR); // the directory fsync after the rename fails
  try {
    await assert.rejects(putAll(member, 0, 100), /server stopped/);
    assert.ok(
      lines.some((line) => line.includes("raft loop stopped") && line.includes("injected fault")),
      lines.join("\n"),
    );
  } finally {
    await member.stop().catch(() => {});
  }
});
