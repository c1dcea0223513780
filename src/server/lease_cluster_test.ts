/**
 * Leases on three members in one process (the in-memory peer network),
 * with a lease clock the test moves: only the leader keeps time and
 * revokes through Raft, followers forward renewals and time-to-live
 * questions to it, and a new leader extends every lease so none expires
 * early because of the election.
 */

import assert from "node:assert/strict";
import { putRequest, rangeRequest } from "../proto/rpc.ts";
import type { RunningMember } from "./member.ts";
import { startInProcessCluster } from "./_in_process_cluster.ts";
import { MemoryNetwork } from "./transport/mod.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text: string) => encoder.encode(text);

/** A clock the test moves by hand (all members share it). */
class TestClock {
  ms = 1_000_000;
  readonly now = () => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

async function startCluster(network: MemoryNetwork, clock: TestClock): Promise<RunningMember[]> {
  return await startInProcessCluster(network, {
    initialClusterToken: "lease-test",
    leaseClock: clock.now,
  });
}

async function waitFor(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The member that leads and keeps the leases' time, once there is one. */
async function primary(members: readonly RunningMember[]): Promise<RunningMember> {
  let found: RunningMember | undefined;
  await waitFor(
    () => (found = members.find((m) => m.server.leasePrimary)) !== undefined,
    "a primary lessor",
  );
  return found!;
}

async function keys(member: RunningMember): Promise<string[]> {
  const all = rangeRequest({ key: new Uint8Array([0]), rangeEnd: new Uint8Array([0]) });
  const response = await member.server.range(all);
  return response.kvs.map((kv) => decoder.decode(kv.key));
}

async function withCluster(body: (members: RunningMember[], clock: TestClock) => Promise<void>) {
  const clock = new TestClock();
  const members = await startCluster(new MemoryNetwork(), clock);
  try {
    await body(members, clock);
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
}

Deno.test("leases: expiry at the leader removes the keys on every member; keep-alive through a follower holds them", async () => {
  await withCluster(async (members, clock) => {
    const leader = await primary(members);
    const follower = members.find((m) => m !== leader)!;
    const { id, ttl } = await follower.server.leaseGrant({ id: 0n, ttl: 5 });
    assert.equal(ttl, 5);
    await follower.server.put(putRequest({ key: bytes("a"), value: bytes("1"), lease: id }));
    await follower.server.put(putRequest({ key: bytes("b"), value: bytes("2"), lease: id }));

    clock.advance(4);
    const ttlAnswer = await follower.server.leaseTimeToLive({ id, keys: true });
    assert.equal(ttlAnswer.ttl, 1); // the leader's bookkeeping, truncated
    assert.equal(ttlAnswer.grantedTtl, 5);
    assert.deepEqual(ttlAnswer.keys.map((k) => decoder.decode(k)), ["a", "b"]);
    const renewed = await follower.server.leaseKeepAlive({ id });
    assert.equal(renewed.ttl, 5);
    assert.equal(renewed.header.memberId, follower.memberId);

    clock.advance(4); // 8 s after the grant, 4 s after the renewal
    await new Promise((resolve) => setTimeout(resolve, 50)); // a few ticks at the leader
    for (const m of members) assert.deepEqual(await keys(m), ["a", "b"]);

    clock.advance(1.5); // past the renewed TTL
    for (const m of members) {
      await waitFor(async () => (await keys(m)).length === 0, "the keys gone");
    }
    assert.equal((await follower.server.leaseTimeToLive({ id, keys: false })).ttl, -1);
    assert.equal((await follower.server.leaseKeepAlive({ id })).ttl, 0);
    assert.deepEqual((await leader.server.leaseLeases()).leases, []);
  });
});

Deno.test("leases: revoke through a follower deletes every attached key in one revision", async () => {
  await withCluster(async (members) => {
    const leader = await primary(members);
    const follower = members.find((m) => m !== leader)!;
    const { id } = await follower.server.leaseGrant({ id: 0x1000n, ttl: 60 });
    assert.equal(id, 0x1000n);
    for (const key of ["x", "y", "z"]) {
      await leader.server.put(putRequest({ key: bytes(key), value: bytes("v"), lease: id }));
    }
    const before = leader.server.currentRevision;
    const revoked = await follower.server.leaseRevoke({ id });
    assert.equal(revoked.header.revision, before + 1);
    for (const m of members) {
      await waitFor(() => m.server.currentRevision === before + 1, "the revoke applied");
      assert.deepEqual(await keys(m), []);
      assert.deepEqual((await m.server.leaseLeases()).leases, []);
    }
    await assert.rejects(follower.server.leaseRevoke({ id }), /requested lease not found/);
    await assert.rejects(
      follower.server.put(putRequest({ key: bytes("x"), value: bytes("v"), lease: id })),
      /requested lease not found/,
    );
    await assert.rejects(
      follower.server.leaseGrant({ id: 0x2000n, ttl: 9_000_000_001 }),
      /too large lease TTL/,
    );
    await follower.server.leaseGrant({ id: 0x2000n, ttl: 1 });
    await assert.rejects(
      follower.server.leaseGrant({ id: 0x2000n, ttl: 1 }),
      /lease already exists/,
    );
  });
});

Deno.test("leases: after a leader change the remaining TTL starts afresh, extended; then the lease expires", async () => {
  await withCluster(async (members, clock) => {
    const oldLeader = await primary(members);
    const { id } = await oldLeader.server.leaseGrant({ id: 0n, ttl: 10 });
    await oldLeader.server.put(putRequest({ key: bytes("k"), value: bytes("v"), lease: id }));
    const survivors = members.filter((m) => m !== oldLeader);
    for (const m of survivors) {
      await waitFor(async () => (await keys(m)).length === 1, "the put replicated");
    }

    clock.advance(8); // 2 s of the TTL left at the old leader
    await oldLeader.stop();
    const newLeader = await primary(survivors);
    const remaining = (await newLeader.server.leaseTimeToLive({ id, keys: false })).ttl;
    assert.equal(
      remaining,
      10,
      "a new leader gives the full TTL plus an election timeout (10.1 s)",
    );

    clock.advance(9); // 17 s after the grant: the old leader would have revoked it 7 s ago
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const m of survivors) assert.deepEqual(await keys(m), ["k"]);

    clock.advance(1.2); // past 10.1 s since the promotion
    for (const m of survivors) {
      await waitFor(async () => (await keys(m)).length === 0, "the lease expired");
    }
    assert.equal((await survivors[0]!.server.leaseTimeToLive({ id, keys: false })).ttl, -1);
  });
});
