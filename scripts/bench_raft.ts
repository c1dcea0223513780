/**
 * Benchmark of the Raft core alone: members with MemoryStorage joined by an
 * in-process queue, no disk and no sockets. Proposals of `--value-bytes`
 * bytes are made at the leader in batches of `--batch`, and the run counts
 * entries committed and applied on every member per second. One JSON line
 * per configuration.
 *
 *   deno task bench [--members 3] [--seconds 3] [--batch 1,16,64] [--value-bytes 256]
 *
 * @module
 */

import { parseArgs } from "node:util";
import { decodeConfChange, MemoryStorage, type Message, RawNode } from "../src/raft/mod.ts";
import { SeededPrng } from "../src/util/prng.ts";

interface Member {
  readonly id: bigint;
  readonly storage: MemoryStorage;
  readonly node: RawNode;
  applied: number;
}

function makeCluster(size: number): Member[] {
  const voters = Array.from({ length: size }, (_, i) => BigInt(i + 1));
  return voters.map((id) => {
    const storage = new MemoryStorage();
    storage.bootstrap({
      voters,
      learners: [],
      votersOutgoing: [],
      learnersNext: [],
      autoLeave: false,
    });
    const node = new RawNode({
      id,
      storage,
      prng: new SeededPrng(Number(id)),
      electionTicks: 10,
      heartbeatTicks: 1,
      preVote: true,
      checkQuorum: true,
    });
    return { id, storage, node, applied: 0 };
  });
}

/** Handles every Ready of every member and delivers messages until quiet. */
function stabilize(members: Member[]): void {
  const byId = new Map(members.map((m) => [m.id, m]));
  for (;;) {
    const outbox: Message[] = [];
    for (const member of members) {
      while (member.node.hasReady()) {
        const rd = member.node.ready();
        if (rd.snapshot !== null) member.storage.applySnapshot(rd.snapshot);
        member.storage.append(rd.entries);
        if (rd.hardState !== null) member.storage.setHardState(rd.hardState);
        outbox.push(...rd.messages);
        for (const entry of rd.committedEntries) {
          if (entry.type === "confChange") {
            member.node.applyConfChange(decodeConfChange(entry.data));
          } else if (entry.data.byteLength > 0) {
            member.applied++;
          }
        }
        member.node.advance();
      }
    }
    if (outbox.length === 0) return;
    for (const m of outbox) byId.get(m.to)?.node.step(m);
  }
}

function runOne(size: number, batch: number, valueBytes: number, seconds: number) {
  const members = makeCluster(size);
  const leader = members[0]!;
  leader.node.campaign();
  stabilize(members);
  const value = new Uint8Array(valueBytes).fill(7);
  const started = performance.now();
  let proposed = 0;
  let rounds = 0;
  while (performance.now() - started < seconds * 1000) {
    for (let i = 0; i < batch; i++) leader.node.propose(value);
    proposed += batch;
    stabilize(members);
    rounds++;
    // Keep the log bounded, as a real member would after a snapshot.
    if (rounds % 256 === 0) {
      for (const member of members) {
        const applied = member.node.status().applied;
        member.storage.createSnapshot(applied, null, new Uint8Array(0));
        member.storage.compact(applied);
      }
    }
  }
  const elapsedSeconds = (performance.now() - started) / 1000;
  const appliedEverywhere = Math.min(...members.map((m) => m.applied));
  return {
    bench: "raft-core",
    members: size,
    batch,
    valueBytes,
    seconds: Number(elapsedSeconds.toFixed(2)),
    proposed,
    appliedOnAllMembers: appliedEverywhere,
    entriesPerSecond: Math.round(appliedEverywhere / elapsedSeconds),
  };
}

function main(): void {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      members: { type: "string", default: "3" },
      seconds: { type: "string", default: "3" },
      batch: { type: "string", default: "1,16,64" },
      "value-bytes": { type: "string", default: "256" },
    },
  });
  const size = Number(values.members);
  const seconds = Number(values.seconds);
  const valueBytes = Number(values["value-bytes"]);
  const batches = values.batch.split(",").map(Number);
  if (![size, seconds, valueBytes, ...batches].every((n) => Number.isFinite(n) && n > 0)) {
    console.error(
      "Error: --members, --seconds, --batch and --value-bytes must be positive numbers",
    );
    Deno.exit(2);
  }
  for (const batch of batches) {
    console.log(JSON.stringify(runOne(size, batch, valueBytes, seconds)));
  }
}

if (import.meta.main) main();
