/**
 * One seed's simulation parameters, drawn from the seed (swarm testing):
 * cluster size, Raft options, network rates, which fault kinds are enabled
 * and how often, workload shape and compaction. Every parameter is drawn
 * whether or not its fault is enabled, so toggling one kind never shifts
 * the others.
 *
 * @module
 */

import type { RaftBug } from "../../src/raft/mod.ts";
import type { SeededPrng } from "../../src/util/prng.ts";

/** Fault kinds a seed may enable. */
export const FAULT_KINDS = [
  "drop",
  "duplicate",
  "reorder",
  "partition",
  "oneWay",
  "bridge",
  "isolateLeader",
  "clog",
  "crash",
  "crashInReady",
  "pause",
  "membership",
  "transfer",
  "tickSkew",
  "leaderChurn",
  "unsyncedLoss",
  // The member's disk is the real WAL and snapshot files on a simulated file
  // system (a crash keeps only synced data), so recovery runs in the seed.
  "walDisk",
  // With walDisk: a crash keeps a random prefix of unsynced writes (a torn tail).
  "tornWrite",
] as const;

/** One kind of fault. */
export type FaultKind = typeof FAULT_KINDS[number];

/** Network behaviour of a seed. */
export interface NetworkConfig {
  readonly latencyMs: number;
  readonly jitterMs: number;
  readonly dropRate: number;
  readonly duplicateRate: number;
  /** Share of messages given an extra delay of up to `reorderDelayMs`. */
  readonly reorderRate: number;
  readonly reorderDelayMs: number;
  /** Whether each link delivers in order (TCP-like); off when the seed reorders. */
  readonly fifo: boolean;
}

/** Everything one seed runs with. */
export interface SimConfig {
  readonly seed: number;
  readonly memberCount: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly tickMs: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  /** Snapshot and compact every this many applied entries; 0 = never. */
  readonly compactEveryEntries: number;
  /** Entries kept before the snapshot index when compacting. */
  readonly catchUpEntries: number;
  readonly clientCount: number;
  readonly keyCount: number;
  /** Share of client operations that are reads. */
  readonly readShare: number;
  readonly clientThinkMs: number;
  readonly opTimeoutMs: number;
  readonly network: NetworkConfig;
  readonly faults: ReadonlySet<FaultKind>;
  /** Mean time between fault actions. */
  readonly faultIntervalMs: number;
  readonly faultDurationMs: number;
  readonly crashInReadyRate: number;
  readonly membershipIntervalMs: number;
  /** Whether a new cut also drops messages already in flight on the link (else only new sends). */
  readonly cutDropsInFlight: boolean;
  /** Raft flow-control limits (small ones split appends and batches). */
  readonly maxSizePerMsgBytes: number;
  readonly maxInflightMsgs: number;
  readonly maxCommittedSizePerReadyBytes: number;
  readonly maxUncommittedEntriesBytes: number;
  /** Chance that a member crashes shortly after it becomes leader ("leaderChurn"). */
  readonly leaderChurnRate: number;
  /** WAL segment size with walDisk (small ones cut segments often). */
  readonly walSegmentBytes: number;
  readonly maxEvents: number;
  readonly bugs: ReadonlySet<RaftBug>;
}

/** Overrides for a run (CLI and tests). */
export interface SimOverrides {
  readonly bugs?: ReadonlySet<RaftBug>;
  readonly maxEvents?: number;
}

function pick<T>(prng: SeededPrng, values: readonly T[]): T {
  return values[prng.nextInt(values.length)]!;
}

function logUniform(prng: SeededPrng, low: number, high: number): number {
  return Math.round(Math.exp(Math.log(low) + prng.nextFloat() * (Math.log(high) - Math.log(low))));
}

function drawNetwork(prng: SeededPrng, faults: ReadonlySet<FaultKind>): NetworkConfig {
  const latencyMs = 1 + prng.nextInt(5);
  const jitterMs = prng.nextInt(4);
  const dropRate = prng.nextFloat() * 0.3;
  const duplicateRate = prng.nextFloat() * 0.1;
  const reorderRate = prng.nextFloat() * 0.3;
  const reorderDelayMs = 5 + prng.nextInt(100);
  return {
    latencyMs,
    jitterMs,
    dropRate: faults.has("drop") ? dropRate : 0,
    duplicateRate: faults.has("duplicate") ? duplicateRate : 0,
    reorderRate: faults.has("reorder") ? reorderRate : 0,
    reorderDelayMs,
    fifo: !faults.has("reorder"),
  };
}

function drawFaults(prng: SeededPrng): Set<FaultKind> {
  const share = 0.2 + prng.nextFloat() * 0.6;
  const faults = new Set<FaultKind>();
  for (const kind of FAULT_KINDS) {
    if (prng.nextFloat() < share) faults.add(kind);
  }
  return faults;
}

/** Draws the configuration of `seed` from its config stream. */
export function drawSimConfig(seed: number, prng: SeededPrng, overrides: SimOverrides): SimConfig {
  const memberCount = pick(prng, [1, 3, 3, 3, 3, 5, 5, 5, 5, 5]);
  const electionTicks = pick(prng, [5, 8, 10, 10, 10, 15]);
  const heartbeatTicks = pick(prng, [1, 1, 2]);
  const optionsOff = prng.nextFloat() < 0.15;
  const preVote = optionsOff ? prng.nextFloat() < 0.5 : true;
  const checkQuorum = optionsOff ? prng.nextFloat() < 0.5 : true;
  const compacts = prng.nextFloat() < 0.75;
  const compactEvery = logUniform(prng, 5, 1000);
  const catchUpEntries = prng.nextFloat() < 0.5 ? 0 : prng.nextInt(compactEvery + 1);
  // Own stream: adding a fault kind must not shift the parameters drawn after it.
  const faults = drawFaults(prng.fork());
  const network = drawNetwork(prng, faults);
  const faultIntervalMs = logUniform(prng, 50, 3000);
  const faultDurationMs = 100 + prng.nextInt(1500);
  const crashInReadyRate = 0.001 + prng.nextFloat() * 0.01;
  const membershipIntervalMs = 100 + prng.nextInt(1000);
  const clientCount = 1 + prng.nextInt(6);
  const keyCount = 1 + prng.nextInt(8);
  const readShare = 0.1 + prng.nextFloat() * 0.5;
  const clientThinkMs = prng.nextInt(30);
  const cutDropsInFlight = prng.nextFloat() < 0.5;
  const maxSizePerMsgBytes = pick(prng, [1024 * 1024, 1024 * 1024, 1, 64 + prng.nextInt(256)]);
  const maxInflightMsgs = prng.nextFloat() < 0.7 ? 256 : 1 + prng.nextInt(4);
  const maxCommittedSizePerReadyBytes = prng.nextFloat() < 0.8
    ? 64 * 1024 * 1024
    : 1 + prng.nextInt(200);
  const maxUncommittedEntriesBytes = prng.nextFloat() < 0.8 ? 1 << 30 : 200 + prng.nextInt(2000);
  const leaderChurnRate = 0.05 + prng.nextFloat() * 0.4;
  // Some clients give up during a pause (and retry elsewhere), some outlast it.
  const opTimeoutMs = (3 + prng.nextInt(6)) * electionTicks * 10;
  const walSegmentBytes = 4096 << prng.nextInt(5);
  return {
    seed,
    memberCount,
    electionTicks,
    heartbeatTicks,
    tickMs: 10,
    preVote,
    checkQuorum,
    compactEveryEntries: compacts ? compactEvery : 0,
    catchUpEntries: compacts ? catchUpEntries : 0,
    clientCount,
    keyCount,
    readShare,
    clientThinkMs,
    opTimeoutMs,
    network,
    faults,
    faultIntervalMs,
    faultDurationMs,
    crashInReadyRate,
    membershipIntervalMs,
    cutDropsInFlight,
    maxSizePerMsgBytes,
    maxInflightMsgs,
    maxCommittedSizePerReadyBytes,
    maxUncommittedEntriesBytes,
    leaderChurnRate,
    walSegmentBytes,
    maxEvents: overrides.maxEvents ?? 20_000,
    bugs: overrides.bugs ?? new Set(),
  };
}

/** A one-line description of a configuration for failure reports. */
export function describeConfig(config: SimConfig): string {
  const net = config.network;
  return [
    `members=${config.memberCount}`,
    `election=${config.electionTicks}`,
    `heartbeat=${config.heartbeatTicks}`,
    `preVote=${config.preVote}`,
    `checkQuorum=${config.checkQuorum}`,
    `compactEvery=${config.compactEveryEntries}`,
    `catchUp=${config.catchUpEntries}`,
    `clients=${config.clientCount}`,
    `msgBytes=${config.maxSizePerMsgBytes}`,
    `inflight=${config.maxInflightMsgs}`,
    `readyBytes=${config.maxCommittedSizePerReadyBytes}`,
    `uncommittedBytes=${config.maxUncommittedEntriesBytes}`,
    `cutInFlight=${config.cutDropsInFlight}`,
    `keys=${config.keyCount}`,
    `drop=${net.dropRate.toFixed(2)}`,
    `dup=${net.duplicateRate.toFixed(2)}`,
    `reorder=${net.reorderRate.toFixed(2)}`,
    `faults=[${[...config.faults].join(",")}]`,
    `bugs=[${[...config.bugs].join(",")}]`,
  ].join(" ");
}
