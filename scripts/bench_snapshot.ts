/**
 * Timing of the MVCC snapshot on a large store: the whole `toSnapshot()`
 * against the incremental cursor's steps (what the Ready loop runs between
 * Readys), with a put between steps as the store moves on.
 *
 * Usage: `deno run -A scripts/bench_snapshot.ts [--keys 1000000] [--step-bytes 262144]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { KvStore } from "../src/mvcc/mod.ts";
import { putRequest } from "../src/proto/rpc.ts";

const encoder = new TextEncoder();

function main(args: string[]): void {
  const { values } = parseArgs({
    args,
    options: {
      keys: { type: "string", default: "1000000" },
      "step-bytes": { type: "string", default: String(256 * 1024) },
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
}

if (import.meta.main) main(Deno.args);
