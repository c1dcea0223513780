/**
 * Tests' single member on an in-memory disk: etcd's default name and data
 * dir, fast timing (10 ms heartbeat, 100 ms election), no API server.
 *
 * @module
 */

import type { MemFileSystem } from "../storage/mem_fs.ts";
import { createLogger } from "./logger.ts";
import { type MemberSettings, type RunningMember, startMember } from "./member.ts";

/** The member's settings, with `overrides`. */
export function singleMemberSettings(overrides: Partial<MemberSettings> = {}): MemberSettings {
  return {
    name: "default",
    dataDir: "/data/default.etcd",
    advertiseClientUrls: ["http://localhost:2379"],
    listenPeerUrls: [],
    initialAdvertisePeerUrls: ["http://localhost:2380"],
    initialCluster: new Map([["default", ["http://localhost:2380"]]]),
    initialClusterToken: "etcd-cluster",
    heartbeatIntervalMs: 10,
    electionTimeoutMs: 100,
    snapshotCount: 100_000,
    maxSnapshots: 5,
    maxWals: 5,
    requestBytesMax: 1.5 * 1024 * 1024,
    quotaBackendBytes: 0,
    txnOpsMax: 128,
    autoCompaction: { mode: "off" },
    ...overrides,
  };
}

/** Starts the member on `fs`; its log lines go to `lines` (errors only). */
export async function startSingleMember(
  fs: MemFileSystem,
  overrides: Partial<MemberSettings> = {},
  lines: string[] = [],
): Promise<RunningMember> {
  return await startMember(singleMemberSettings(overrides), {
    fs,
    log: createLogger({ level: "error", write: (line) => lines.push(line) }),
    startApi: () => Promise.resolve({ shutdown: () => Promise.resolve() }),
  });
}
