/**
 * Three members in one process on the in-memory peer network, for tests of
 * what the members do together (partitions, membership checks, leases):
 * each member's settings as the seed's recipe gives them (ports nobody
 * listens on: the in-memory network routes by URL), fast timing, in-memory
 * disks, no HTTP API.
 */

import { MemFileSystem } from "../storage/mem_fs.ts";
import { createLogger } from "./logger.ts";
import { type MemberSettings, type RunningMember, startMember } from "./member.ts";
import { MemoryNetwork } from "./transport/mod.ts";

/** Member `i`'s peer URL (a loopback port nobody listens on). */
export const peerUrl = (i: number): string => `http://127.0.0.1:${i}`;

const initialCluster = new Map([1, 2, 3].map((i) => [`m${i}`, [peerUrl(i)]] as const));

/** Member `i`'s settings (`m1`…`m3`, 10 ms heartbeat, 100 ms election), with `overrides`. */
export function memberSettings(i: number, overrides: Partial<MemberSettings> = {}): MemberSettings {
  return {
    name: `m${i}`,
    dataDir: `/data/m${i}.etcd`,
    advertiseClientUrls: [`http://127.0.0.1:${10 + i}`],
    listenPeerUrls: [],
    initialAdvertisePeerUrls: [peerUrl(i)],
    initialCluster,
    initialClusterToken: "in-process-test",
    heartbeatIntervalMs: 10,
    electionTimeoutMs: 100,
    snapshotCount: 100_000,
    maxSnapshots: 5,
    maxWals: 5,
    requestBytesMax: 1024 * 1024,
    quotaBackendBytes: 0,
    txnOpsMax: 128,
    autoCompaction: { mode: "off" },
    ...overrides,
  };
}

/** Starts members 1…3 on `network`, each with `memberSettings(i, overrides)`. */
export async function startInProcessCluster(
  network: MemoryNetwork,
  overrides: Partial<MemberSettings> = {},
): Promise<RunningMember[]> {
  const log = createLogger({ level: "error", write: () => {} });
  return await Promise.all([1, 2, 3].map((i) =>
    startMember(memberSettings(i, overrides), {
      fs: new MemFileSystem(),
      log,
      startApi: () => Promise.resolve({ shutdown: () => Promise.resolve() }),
      transport: (options) =>
        Object.assign(network.transport(options.memberId, options.handler, peerUrl(i)), {
          listenUrls: [peerUrl(i)],
        }),
    })
  ));
}
