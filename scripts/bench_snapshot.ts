/**
 * Timing of the MVCC snapshot on a large store: the whole `toSnapshot()`
 * against the incremental cursor's steps (what the Ready loop runs between
 * Readys), with a put between steps as the store moves on. Then the save of
 * those bytes on the real disk (in `--dir`, default a temporary directory):
 * the blocking `createSnapshot` against `createSnapshotAsync`, each with the
 * longest event-loop stall a `setTimeout(0)` ticker saw meanwhile (a tick
 * costs about 1 ms idle, 4 ms once timers nest).
 *
 * Usage: `deno run -A scripts/bench_snapshot.ts [--keys 1000000] [--step-bytes 262144] [--dir D]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { KvStore } from "../src/mvcc/mod.ts";
import { putRequest } from "../src/proto/rpc.ts";
import { EMPTY_CONF_STATE, type Entry } from "../src/raft/types.ts";
import { DenoFileSystem } from "../src/storage/deno_fs.ts";
import { DiskStorage } from "../src/storage/raft_storage.ts";

const encoder = new TextEncoder();

/** How long `work` took, and the longest gap between ticks of a setTimeout(0) ticker meanwhile. */
async function withStallMeter(work: () => unknown): Promise<{ ms: number; stallMs: number }> {
  let running = true;
  let last = performance.now();
  let stall = 0;
  const tick = () => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
    if (running) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  await new Promise((resolve) => setTimeout(resolve, 20)); // the ticker runs
  stall = 0;
  const start = performance.now();
  await work();
  const ms = performance.now() - start;
  await new Promise((resolve) => setTimeout(resolve, 10)); // it sees the end of a stall
  running = false;
  return { ms, stallMs: stall };
}

/** Saves `data` as a snapshot of a small log, blocking then asynchronously, on the real disk. */
async function benchSave(data: Uint8Array, dir: string | undefined) {
  const root = dir ?? await Deno.makeTempDir({ prefix: "etcd_ts_bench_snap_" });
  const memberDir = `${root}/member-${Date.now()}`;
  const storage = DiskStorage.create(new DenoFileSystem(), memberDir, {
    memberId: 1n,
    clusterId: 2n,
  });
  try {
    storage.bootstrap({ ...EMPTY_CONF_STATE, voters: [1n] });
    const entries: Entry[] = Array.from({ length: 1000 }, (_, i) => ({
      term: 1,
      index: i + 2,
      type: "normal" as const,
      data: new Uint8Array(64),
    }));
    storage.save({ term: 1, vote: 1n, commit: 1001 }, entries);
    storage.syncSync();
    const idle = await withStallMeter(() => new Promise((resolve) => setTimeout(resolve, 100)));
    const blocking = await withStallMeter(() => storage.createSnapshot(500, null, data));
    const nonBlocking = await withStallMeter(() => storage.createSnapshotAsync(900, null, data));
    return { idle, blocking, nonBlocking };
  } finally {
    storage.close();
    await Deno.remove(dir === undefined ? root : memberDir, { recursive: true });
  }
}

async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      keys: { type: "string", default: "1000000" },
      "step-bytes": { type: "string", default: String(256 * 1024) },
      dir: { type: "string" },
    },
  });
  const keys = Number(values.keys);
  const stepBytes = Number(values["step-bytes"]);
  const store = new KvStore();
  const value = encoder.encode("v".repeat(64));
  const put = (key: string, v: Uint8Array) =>
    store.put(putRequest({ key: encoder.encode(key), value: v }));
  for (let i = 0; i < keys; i++) put(`key/${(i * 7919 % keys).toString().padStart(8, "0")}`, value);
  let t = performance.now();
  const expected = store.toSnapshot();
  const whole = performance.now() - t;
  const cursor = store.beginSnapshot();
  const steps: number[] = [];
  t = performance.now();
  for (let done = false; !done;) {
    const s = performance.now();
    done = cursor.step(stepBytes);
    steps.push(performance.now() - s);
    if (!done) put(`key/${steps.length}`, encoder.encode("x"));
  }
  const total = performance.now() - t;
  const same = cursor.result().length === expected.length;
  const sorted = [...steps].sort((a, b) => a - b);
  const ms = (x: number) => Math.round(x * 100) / 100;
  console.log(JSON.stringify({
    keys,
    snapshotMiB: ms(expected.length / 2 ** 20),
    toSnapshotMs: ms(whole),
    stepBytes,
    steps: steps.length,
    cursorTotalMs: ms(total),
    stepMedianMs: ms(sorted[sorted.length >> 1]!),
    stepP99Ms: ms(sorted[Math.floor(sorted.length * 0.99)]!),
    stepMaxMs: ms(sorted[sorted.length - 1]!),
    sameSize: same,
  }));
  const save = await benchSave(expected, values.dir);
  console.log(JSON.stringify({
    saveMiB: ms(expected.length / 2 ** 20),
    idleTickMaxMs: ms(save.idle.stallMs),
    createSnapshotMs: ms(save.blocking.ms),
    createSnapshotStallMs: ms(save.blocking.stallMs),
    createSnapshotAsyncMs: ms(save.nonBlocking.ms),
    createSnapshotAsyncStallMs: ms(save.nonBlocking.stallMs),
  }));
}

if (import.meta.main) await main(Deno.args);
