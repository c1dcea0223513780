/**
 * Three members in one process on the in-memory peer network, with a
 * peer-link fault injector: a minority cut off from the majority never
 * acknowledges a write and never answers a linearizable read with stale
 * data, while the majority keeps serving; after the heal all agree.
 */

import assert from "node:assert/strict";
import { EtcdError } from "../proto/errors.ts";
import { putRequest, rangeRequest } from "../proto/rpc.ts";
import type { RunningMember } from "./member.ts";
import { startInProcessCluster } from "./_in_process_cluster.ts";
import { MemoryNetwork } from "./transport/mod.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text: string) => encoder.encode(text);
async function startCluster(network: MemoryNetwork): Promise<RunningMember[]> {
  return await startInProcessCluster(network, { initialClusterToken: "partition-test" });
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function leaderIndex(members: readonly RunningMember[]): Promise<number> {
  let index = -1;
  await waitFor(async () => {
    const statuses = await Promise.all(members.map((m) => m.server.status()));
    index = statuses.findIndex((s) => s.leader !== 0n && s.leader === s.header.memberId);
    return index >= 0;
  }, "a leader");
  return index;
}

async function value(member: RunningMember, serializable: boolean): Promise<string> {
  const r = await member.server.range(rangeRequest({ key: bytes("x"), serializable }));
  return decoder.decode(r.kvs[0]?.value ?? new Uint8Array());
}

Deno.test("a partitioned minority never acknowledges a write nor serves a stale linearizable read", async () => {
  const network = new MemoryNetwork();
  const members = await startCluster(network);
  try {
    const first = await leaderIndex(members);
    await members[first]!.server.put(putRequest({ key: bytes("x"), value: bytes("old") }));
    for (const m of members) assert.equal(await value(m, false), "old");

    // Cut the leader off: it becomes the minority of one.
    const minority = members[first]!;
    const majority = members.filter((_, i) => i !== first);
    network.partition([minority.memberId], majority.map((m) => m.memberId));

    const minorityWrite = minority.server.put(putRequest({ key: bytes("x"), value: bytes("lost") }))
      .then(
        () => "acknowledged",
        (error) => (error instanceof EtcdError ? error.message : String(error)),
      );
    const minorityRead = minority.server.range(rangeRequest({ key: bytes("x") })).then(
      (r) => decoder.decode(r.kvs[0]?.value ?? new Uint8Array()),
      (error) => (error instanceof EtcdError ? error.message : String(error)),
    );

    // The majority elects a leader and takes a new write.
    await waitFor(async () => {
      try {
        await majority[0]!.server.put(putRequest({ key: bytes("x"), value: bytes("new") }));
        return true;
      } catch {
        return false;
      }
    }, "a write on the majority");
    for (const m of majority) assert.equal(await value(m, false), "new");

    assert.notEqual(await minorityWrite, "acknowledged");
    const read = await minorityRead;
    assert.notEqual(read, "old", "the minority served a stale linearizable read");
    assert.ok(read === "new" || read.startsWith("etcdserver: request timed out"), read);
    // A serializable read on the minority may be stale, and says so by being local.
    assert.equal(await value(minority, true), "old");

    network.heal();
    await waitFor(async () => (await value(minority, true)) === "new", "the minority to catch up");
    for (const m of members) assert.equal(await value(m, false), "new");
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});
