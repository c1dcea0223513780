/**
 * Real multi-member clusters for end-to-end tests: free ports, the seed's
 * ETCD_* variables, start, and waiting for a leader.
 */

import { MemberProcess } from "./_member_process.ts";

/** Where the ports {@linkcode freePort} picks from: below Linux's ephemeral range (32768–60999). */
const PICK_FROM = 10_000;
const PICK_TO = 32_000;
/**
 * The next port to try: from a random start, onwards, so this test module
 * never hands out one port twice (a port just checked and closed is free
 * again) and modules running in parallel start far apart.
 */
let nextPick = PICK_FROM + Math.floor(Math.random() * (PICK_TO - PICK_FROM));

/**
 * A port free right now on 127.0.0.1, outside the kernel's ephemeral range:
 * a member restarted on its old port must find it free, and in the ephemeral
 * range any outgoing connection (a peer redialling the stopped member, a
 * parallel test's client) may have taken it as its local port meanwhile.
 */
export function freePort(): number {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = nextPick;
    nextPick = nextPick + 1 < PICK_TO ? nextPick + 1 : PICK_FROM;
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return port;
    } catch (error) {
      if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    }
  }
  throw new Error(`no free port in [${PICK_FROM}, ${PICK_TO}) after 100 attempts`);
}

/** One member of a planned cluster: its name and ETCD_* variables. */
export interface Planned {
  readonly name: string;
  readonly env: Record<string, string>;
}

/** Free loopback ports and the seed's ETCD_* variables for `size` members. */
export function planCluster(dir: string, size: number): Planned[] {
  const ports = Array.from({ length: size }, () => ({ client: freePort(), peer: freePort() }));
  const initialCluster = ports.map((p, i) => `m${i + 1}=http://127.0.0.1:${p.peer}`).join(",");
  return ports.map((p, i) => ({
    name: `m${i + 1}`,
    env: {
      ETCD_NAME: `m${i + 1}`,
      ETCD_DATA_DIR: `${dir}/m${i + 1}.etcd`,
      ETCD_LISTEN_CLIENT_URLS: `http://127.0.0.1:${p.client}`,
      ETCD_ADVERTISE_CLIENT_URLS: `http://127.0.0.1:${p.client}`,
      ETCD_LISTEN_PEER_URLS: `http://127.0.0.1:${p.peer}`,
      ETCD_INITIAL_ADVERTISE_PEER_URLS: `http://127.0.0.1:${p.peer}`,
      ETCD_INITIAL_CLUSTER: initialCluster,
      ETCD_INITIAL_CLUSTER_STATE: "new",
      ETCD_INITIAL_CLUSTER_TOKEN: "e2e-cluster",
      ETCD_HEARTBEAT_INTERVAL: "50",
      ETCD_ELECTION_TIMEOUT: "500",
    },
  }));
}

/** Starts a planned member. */
export async function start(plan: Planned): Promise<MemberProcess> {
  return await MemberProcess.start(plan.env.ETCD_DATA_DIR!, [], plan.env);
}

/** Waits until `member` knows a leader; returns the leader's id (decimal string). */
export async function leaderOf(member: MemberProcess, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const status = await member.post("/v3/maintenance/status", {});
      if (status.status === 200 && status.body.leader) return status.body.leader;
    } catch {
      // not answering yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${member.clientUrl} found no leader`);
}

/**
 * Waits until every member names the same leader (an election right after
 * start may leave one member a moment behind); returns it (decimal string).
 */
export async function agreedLeader(
  members: readonly MemberProcess[],
  timeoutMs = 10_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let leaders: string[] = [];
  while (Date.now() < deadline) {
    leaders = await Promise.all(
      members.map((m) => leaderOf(m, Math.max(1, deadline - Date.now()))),
    );
    if (new Set(leaders).size === 1) return leaders[0]!;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`members disagree on the leader: ${leaders}`);
}
