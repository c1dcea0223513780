/**
 * Child process for the crash test: appends batches of entries to a
 * DiskStorage on the real file system and prints `ACK <lastIndex>` after
 * each batch is durable, until it is killed.
 *
 *   deno run -A tests/storage/wal_writer_child.ts <memberDir> <segmentBytes>
 *
 * @module
 */

import { DenoFileSystem } from "../../src/storage/deno_fs.ts";
import { DiskStorage } from "../../src/storage/raft_storage.ts";
import type { Entry } from "../../src/raft/types.ts";

/** The data of entry `index`: deterministic, so the parent can check it. */
export function entryData(index: number): Uint8Array {
  const data = new Uint8Array(64 + (index % 200));
  for (let i = 0; i < data.length; i++) data[i] = (index * 31 + i) & 0xff;
  return data;
}

async function main(): Promise<void> {
  const [memberDir, segmentBytes] = Deno.args;
  const fs = new DenoFileSystem();
  const storage = DiskStorage.create(fs, memberDir!, { memberId: 1n, clusterId: 7n }, {
    wal: { segmentBytes: Number(segmentBytes) },
  });
  storage.bootstrap({
    voters: [1n],
    learners: [],
    votersOutgoing: [],
    learnersNext: [],
    autoLeave: false,
  });
  const out = Deno.stdout;
  const encoder = new TextEncoder();
  let index = storage.lastIndex();
  for (let batch = 0;; batch++) {
    const entries: Entry[] = [];
    for (let i = 0; i < 1 + (batch % 7); i++) {
      index++;
      entries.push({ term: 1, index, type: "normal", data: entryData(index) });
    }
    storage.save({ term: 1, vote: 1n, commit: index }, entries);
    await storage.sync();
    await out.write(encoder.encode(`ACK ${index}\n`));
  }
}

if (import.meta.main) await main();
