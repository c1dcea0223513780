/**
 * kill -9 in the middle of a stream of durable appends: after a restart,
 * every acknowledged entry is there, intact, and nothing after a torn tail
 * appears.
 *
 * @module
 */

import { strict as assert } from "node:assert";
import { DenoFileSystem } from "../../src/storage/deno_fs.ts";
import { DiskStorage } from "../../src/storage/raft_storage.ts";
import { entryData } from "./wal_writer_child.ts";

const CHILD = new URL("./wal_writer_child.ts", import.meta.url).pathname;

/** Starts the writer, waits for `acks` acknowledgements, kills it with SIGKILL. */
async function runAndKill(memberDir: string, acks: number, segmentBytes: number): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CHILD, memberDir, String(segmentBytes)],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let lastAcked = 0;
  let seen = 0;
  let buffered = "";
  const decoder = new TextDecoder();
  const reader = child.stdout.getReader();
  while (seen < acks) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    const lines = buffered.split("\n");
    buffered = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith("ACK ")) continue;
      lastAcked = Number(line.slice(4));
      seen++;
    }
  }
  child.kill("SIGKILL");
  // Drain what is left so the pipe closes, then reap the child.
  for (;;) {
    const { done } = await reader.read();
    if (done) break;
  }
  const status = await child.status;
  assert.equal(status.signal, "SIGKILL", "the writer was killed, not finished");
  return lastAcked;
}

Deno.test("crash: after SIGKILL mid-stream every acknowledged entry survives and the log is a clean prefix", async () => {
  const root = await Deno.makeTempDir({ dir: Deno.cwd(), prefix: ".crash-test-" });
  try {
    for (const [round, acks, segmentBytes] of [[1, 300, 64 * 1024], [2, 1500, 16 * 1024]]) {
      const memberDir = `${root}/member-${round}`;
      const lastAcked = await runAndKill(memberDir, acks!, segmentBytes!);
      assert.ok(lastAcked > 1, "the writer acknowledged entries");
      const { storage } = DiskStorage.open(new DenoFileSystem(), memberDir);
      try {
        const last = storage.lastIndex();
        assert.ok(last >= lastAcked, `acked up to ${lastAcked}, recovered only up to ${last}`);
        const entries = storage.entries(storage.firstIndex(), last + 1, Number.MAX_SAFE_INTEGER);
        entries.forEach((entry, i) => {
          assert.equal(entry.index, storage.firstIndex() + i, "indexes are contiguous");
          assert.deepEqual(entry.data, entryData(entry.index), `entry ${entry.index} is intact`);
        });
        assert.ok(storage.hardState().commit >= lastAcked, "the acknowledged commit survived");
      } finally {
        storage.close();
      }
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
