/**
 * Benchmark of durable WAL appends on the real disk: 256-byte entries saved
 * in batches (with a hard state, as one Ready would) through `Wal.save` +
 * `await Wal.sync()` on {@linkcode DenoFileSystem}, next to the raw rate of
 * the same disk measured in the same run with the same bytes per sync: one
 * `writeSync` of the batch's bytes into a preallocated file, then
 * `await syncData()`. Two raw files: one preallocated as WAL segments are
 * (truncate-extended, sparse) and one filled with zeros (blocks allocated).
 *
 * The work runs in a temporary directory under the repository (not /tmp,
 * which may be tmpfs), removed at the end. The three writers take turns of
 * `--slice-ms` until each has run `--seconds` in all, so drifts in the
 * disk's speed (other load on the machine) hit them alike. One JSON line per
 * batch size.
 *
 *   deno run -A scripts/bench_wal.ts [--seconds 3] [--slice-ms 50] [--batch 1,4,16,64] [--entry-bytes 256]
 *
 * @module
 */

import { parseArgs } from "node:util";
import { DenoFileSystem } from "../src/storage/deno_fs.ts";
import { joinPath } from "../src/storage/fs.ts";
import { Wal, ZeroFilledSegments } from "../src/storage/wal/mod.ts";
import { walSegmentBytesDefault } from "../src/util/limits.ts";
import { encodedBytes } from "../src/storage/wal/encoder.ts";
import type { WalRecord } from "../src/storage/wal/record.ts";
import type { Entry, HardState } from "../src/raft/types.ts";

const FILLED_FILE_BYTES = 256 * 1024 * 1024;
const SPARSE_FILE_BYTES = 4 * 1024 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;

/** Appends and time spent, accumulated over slices. */
class Tally {
  appends = 0;
  syncs = 0;
  milliseconds = 0;

  add(appends: number, syncs: number, milliseconds: number): void {
    this.appends += appends;
    this.syncs += syncs;
    this.milliseconds += milliseconds;
  }

  get appendsPerSecond(): number {
    return (this.appends * 1000) / this.milliseconds;
  }

  get syncsPerSecond(): number {
    return (this.syncs * 1000) / this.milliseconds;
  }
}

function batchOf(first: number, count: number, data: Uint8Array): Entry[] {
  return Array.from(
    { length: count },
    (_, i) => ({ term: 1, index: first + i, type: "normal", data }),
  );
}

function hardStateAt(commit: number): HardState {
  return { term: 1, vote: 1n, commit };
}

/** Bytes one save of `batch` entries (and its hard state) writes to the WAL. */
function bytesPerSave(batch: number, data: Uint8Array): number {
  const records: WalRecord[] = batchOf(1, batch, data).map((entry) => ({ type: "entry", entry }));
  records.push({ type: "state", hardState: hardStateAt(1) });
  return encodedBytes(records, Number.MAX_SAFE_INTEGER);
}

/** Durable WAL appends: save a batch, await its sync, for one slice of time. */
class WalWriter {
  readonly #wal: Wal;
  readonly #supplier: ZeroFilledSegments;
  readonly #batch: number;
  readonly #data: Uint8Array;
  #index = 0;

  constructor(dir: string, batch: number, data: Uint8Array) {
    // As the server runs it: zero-filled segments, the next one prepared in the background.
    const fs = new DenoFileSystem();
    this.#supplier = new ZeroFilledSegments(fs, dir, walSegmentBytesDefault);
    this.#wal = Wal.create(fs, dir, { memberId: 1n, clusterId: 2n }, {
      zeroFill: true,
      supplier: this.#supplier,
    });
    this.#supplier.start();
    this.#batch = batch;
    this.#data = data;
  }

  async slice(milliseconds: number, tally: Tally): Promise<void> {
    let syncs = 0;
    const start = performance.now();
    const end = start + milliseconds;
    while (performance.now() < end) {
      this.#wal.save(
        hardStateAt(this.#index + this.#batch),
        batchOf(this.#index + 1, this.#batch, this.#data),
      );
      this.#index += this.#batch;
      await this.#wal.sync();
      syncs++;
    }
    tally.add(syncs * this.#batch, syncs, performance.now() - start);
  }

  async close(): Promise<void> {
    await this.#supplier.stop();
    this.#wal.close();
  }
}

/** The raw disk: one writeSync of the same bytes into a preallocated file, then await syncData. */
class RawWriter {
  readonly #file: Deno.FsFile;
  readonly #fileBytes: number;
  readonly #bytes: Uint8Array;
  readonly #batch: number;
  #offset = 0;

  constructor(file: Deno.FsFile, fileBytes: number, bytes: Uint8Array, batch: number) {
    this.#file = file;
    this.#fileBytes = fileBytes;
    this.#bytes = bytes;
    this.#batch = batch;
    file.seekSync(0, Deno.SeekMode.Start);
  }

  async slice(milliseconds: number, tally: Tally): Promise<void> {
    let syncs = 0;
    const start = performance.now();
    const end = start + milliseconds;
    while (performance.now() < end) {
      if (this.#offset + this.#bytes.length > this.#fileBytes) {
        this.#file.seekSync(0, Deno.SeekMode.Start);
        this.#offset = 0;
      }
      const bytes = this.#bytes;
      for (let written = 0; written < bytes.length;) {
        written += this.#file.writeSync(bytes.subarray(written));
      }
      this.#offset += bytes.length;
      await this.#file.syncData();
      syncs++;
    }
    tally.add(syncs * this.#batch, syncs, performance.now() - start);
  }
}

/** A fresh sparse file: preallocated the way WAL segments are (truncate-extend). */
function sparseFile(path: string): Deno.FsFile {
  const file = Deno.openSync(path, { read: true, write: true, create: true, truncate: true });
  file.truncateSync(SPARSE_FILE_BYTES);
  file.syncDataSync();
  return file;
}

/** A file filled with zeros (its blocks allocated), synced. */
function filledFile(path: string): Deno.FsFile {
  const file = Deno.openSync(path, { read: true, write: true, create: true, truncate: true });
  const zeros = new Uint8Array(CHUNK_BYTES);
  for (let at = 0; at < FILLED_FILE_BYTES; at += CHUNK_BYTES) {
    for (let written = 0; written < zeros.length;) {
      written += file.writeSync(zeros.subarray(written));
    }
  }
  file.syncSync();
  return file;
}

function round(value: number, digits = 0): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Runs the three writers in turns of `sliceMs` until each had `seconds` in all. */
async function measure(
  root: string,
  filled: Deno.FsFile,
  batch: number,
  data: Uint8Array,
  options: {
    readonly seconds: number;
    readonly sliceMs: number;
  },
): Promise<Record<"wal" | "sparse" | "filled", Tally>> {
  const bytes = new Uint8Array(bytesPerSave(batch, data)).fill(0xab);
  const walDir = joinPath(root, `wal-${batch}`);
  const wal = new WalWriter(walDir, batch, data);
  const sparseHandle = sparseFile(joinPath(root, `raw-sparse-${batch}`));
  const writers = {
    wal,
    sparse: new RawWriter(sparseHandle, SPARSE_FILE_BYTES, bytes, batch),
    filled: new RawWriter(filled, FILLED_FILE_BYTES, bytes, batch),
  };
  const tallies = { wal: new Tally(), sparse: new Tally(), filled: new Tally() };
  const turns = Math.max(1, Math.round((options.seconds * 1000) / options.sliceMs));
  for (let turn = 0; turn < turns; turn++) {
    for (const kind of ["wal", "sparse", "filled"] as const) {
      await writers[kind].slice(options.sliceMs, tallies[kind]);
    }
  }
  await wal.close();
  sparseHandle.close();
  Deno.removeSync(walDir, { recursive: true });
  Deno.removeSync(joinPath(root, `raw-sparse-${batch}`));
  return tallies;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      seconds: { type: "string", default: "3" },
      "slice-ms": { type: "string", default: "50" },
      batch: { type: "string", default: "1,4,16,64" },
      "entry-bytes": { type: "string", default: "256" },
    },
  });
  const options = { seconds: Number(values.seconds), sliceMs: Number(values["slice-ms"]) };
  const batches = values.batch.split(",").map(Number);
  const data = new Uint8Array(Number(values["entry-bytes"])).map((_, i) => (i * 7 + 1) & 0xff);
  const repo = new URL("..", import.meta.url).pathname;
  const root = Deno.makeTempDirSync({ dir: repo, prefix: ".bench-wal-" });
  try {
    const filled = filledFile(joinPath(root, "raw-filled"));
    for (const batch of batches) {
      const { wal, sparse, filled: full } = await measure(root, filled, batch, data, options);
      console.log(JSON.stringify({
        batch,
        entryBytes: data.length,
        bytesPerSync: bytesPerSave(batch, data),
        walAppendsPerSecond: round(wal.appendsPerSecond),
        rawAppendsPerSecond: round(sparse.appendsPerSecond),
        ratio: round(wal.appendsPerSecond / sparse.appendsPerSecond, 3),
        rawFilledAppendsPerSecond: round(full.appendsPerSecond),
        ratioVsFilled: round(wal.appendsPerSecond / full.appendsPerSecond, 3),
        walSyncsPerSecond: round(wal.syncsPerSecond),
        rawSyncsPerSecond: round(sparse.syncsPerSecond),
      }));
    }
    filled.close();
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
}

if (import.meta.main) await main();
