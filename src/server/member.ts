/**
 * Starting and stopping one member: open the data directory, start the
 * Ready loop and its clock, serve clients, and stop in order (stop taking
 * requests, finish the Ready in hand, close the WAL).
 *
 * @module
 */

import { SeededPrng } from "../util/prng.ts";
import type { Member } from "../proto/rpc.ts";
import type { FileSystem } from "../storage/fs.ts";
import { ZeroFilledSegments } from "../storage/wal/mod.ts";
import { joinPath } from "../storage/fs.ts";
import { validateSnapshotPolicy } from "../storage/snapshot_policy.ts";
import { snapshotCatchUpEntriesDefault, walSegmentBytesDefault } from "../util/limits.ts";
import { AutoCompactor } from "./auto_compactor.ts";
import type { AutoCompaction } from "./config.ts";
import { bootstrapMember, type Bootstrapped, memberDirOf } from "./bootstrap.ts";
import { EtcdServer, type EtcdServerOptions } from "./etcd_server.ts";
import { minLeaseTtlSeconds } from "../lease/mod.ts";
import { clusterIdOf, memberIdOf } from "./ids.ts";
import { type Logger, storageLogOf } from "./logger.ts";
import { RaftNode } from "./raft_node.ts";
import {
  fetchClusterInfo,
  TcpTransport,
  type TcpTransportOptions,
  type Transport,
} from "./transport/mod.ts";
import type { EtcdService } from "./service.ts";
import { StateMachine, type StateMachineOptions } from "./state_machine.ts";
import { raftPendingProposalsMax } from "../util/limits.ts";

/** Everything a member needs to start (from flags, variables or a config file). */
export interface MemberSettings {
  readonly name: string;
  readonly dataDir: string;
  readonly advertiseClientUrls: readonly string[];
  /** Where peers connect (`--listen-peer-urls`); empty for none. */
  readonly listenPeerUrls: readonly string[];
  readonly initialAdvertisePeerUrls: readonly string[];
  /** name → peer URLs. */
  readonly initialCluster: ReadonlyMap<string, readonly string[]>;
  readonly initialClusterToken: string;
  /**
   * Whether the token was set (flag, variable or config file) rather than
   * left at its default: a restart refuses a data directory created with
   * another token only then.
   */
  readonly initialClusterTokenExplicit?: boolean;
  readonly heartbeatIntervalMs: number;
  readonly electionTimeoutMs: number;
  readonly snapshotCount: number;
  readonly maxSnapshots: number;
  readonly maxWals: number;
  readonly requestBytesMax: number;
  readonly quotaBackendBytes: number;
  readonly txnOpsMax: number;
  readonly autoCompaction: AutoCompaction;
  /** etcd's --strict-reconfig-check (default true). */
  readonly strictReconfigCheck?: boolean;
  /** How long peers must have been connected for a membership change (etcd's 5 s; tests shorten it). */
  readonly healthIntervalMs?: number;
  /** Snapshot bytes written per step between Readys (tests make it tiny); default in limits.ts. */
  readonly snapshotStepBytes?: number;
  /** etcd's --experimental-watch-progress-notify-interval in ms (default 10 minutes). */
  readonly watchProgressNotifyIntervalMs?: number;
  /** The monotonic clock leases expire by, in ms (tests move it; default performance.now). */
  readonly leaseClock?: () => number;
  /**
   * Joining a running cluster (`--initial-cluster-state existing`, no data
   * yet): its id, the cluster's id and members as the peers told them.
   */
  readonly join?: {
    readonly memberId: bigint;
    readonly clusterId: bigint;
    readonly members: readonly Member[];
  };
}

/** What runs the client API (injected: the server module does not import the gateway). */
export type StartApi = (service: EtcdService) => Promise<{ shutdown(): Promise<void> }>;

/** A running member. */
export interface RunningMember {
  readonly memberId: bigint;
  readonly clusterId: bigint;
  readonly server: EtcdServer;
  /** Resolves when this member learns it was removed from the cluster (it should stop). */
  readonly removed: Promise<void>;
  /** The peer listener's URLs, with real ports when port 0 was asked for. */
  readonly peerUrls: readonly string[];
  /** Stops serving, finishes the Ready in hand and closes the storage. */
  stop(): Promise<void>;
}

/** etcd's default backend quota (2 GiB) when --quota-backend-bytes is 0. */
export const quotaBackendBytesDefault = 2 * 1024 * 1024 * 1024;

/** The initial members of a new cluster, with ids derived as etcd derives them. */
export function initialMembersOf(settings: MemberSettings): Member[] {
  return [...settings.initialCluster].map(([name, peerUrls]) => ({
    id: memberIdOf([...peerUrls], settings.initialClusterToken),
    name,
    peerUrls: [...peerUrls],
    clientUrls: [],
    isLearner: false,
  }));
}

/** What a member's peer transport is built from. */
export type PeerTransportFactory = (options: TcpTransportOptions) => PeerTransport;

/** A transport and the URLs it listens on. */
export type PeerTransport = Transport & { readonly listenUrls: readonly string[] };

function tcpTransport(options: TcpTransportOptions): PeerTransport {
  return new TcpTransport(options);
}

/** What a member runs on: its disk, its log, its client API and (tests) its peer network. */
export interface MemberDeps {
  readonly fs: FileSystem;
  readonly log: Logger;
  readonly startApi: StartApi;
  /** The peer transport (default: TCP on --listen-peer-urls). */
  readonly transport?: PeerTransportFactory;
}

/** A member's opened storage and state, with the segment preparer beside its WAL. */
interface Opened {
  readonly boot: Bootstrapped;
  readonly supplier: ZeroFilledSegments;
  readonly quotaBytes: number;
  /** The state machine's options; its writes reach `writes.server`'s watchers once it exists. */
  readonly machineOptions: StateMachineOptions;
  readonly writes: { server: EtcdServer | null };
}

/** Opens (or creates) the member's data directory; throws the storage's typed errors. */
function openMember(settings: MemberSettings, deps: MemberDeps): Opened {
  const { fs, log } = deps;
  const join = settings.join;
  const members = join?.members ?? initialMembersOf(settings);
  const self = members.find((m) => m.name === settings.name);
  const memberId = join?.memberId ?? self?.id ??
    memberIdOf([...settings.initialAdvertisePeerUrls], settings.initialClusterToken);
  const quotaBytes = settings.quotaBackendBytes > 0
    ? settings.quotaBackendBytes
    : quotaBackendBytesDefault;
  const writes: Opened["writes"] = { server: null };
  const machineOptions: StateMachineOptions = {
    quotaBytes,
    onWrite: (revision, events) => writes.server?.watch.onWrite(revision, events),
  };
  const walDir = joinPath(memberDirOf(settings.dataDir), "wal");
  const supplier = new ZeroFilledSegments(fs, walDir, walSegmentBytesDefault);
  const storageLog = storageLogOf(log);
  const boot = bootstrapMember({
    fs,
    dataDir: settings.dataDir,
    memberId,
    clusterId: join?.clusterId ?? clusterIdOf(members.map((m) => m.id)),
    initialMembers: members,
    join: join !== undefined,
    clusterToken: {
      value: settings.initialClusterToken,
      explicit: settings.initialClusterTokenExplicit ?? false,
    },
    storage: {
      wal: { maxWals: settings.maxWals, supplier, log: storageLog, zeroFill: true },
      maxSnapshots: settings.maxSnapshots,
      log: storageLog,
    },
    machine: machineOptions,
  });
  supplier.start();
  logBoot(log, settings, boot);
  return { boot, supplier, quotaBytes, machineOptions, writes };
}

/** The request side of the member; `activeSince` reads the peer transport. */
function createServer(
  settings: MemberSettings,
  opened: Opened,
  log: Logger,
  peers: () => Transport | null,
): EtcdServer {
  return new EtcdServer({
    memberId: opened.boot.memberId,
    clusterId: opened.boot.clusterId,
    requestTimeoutMs: 5000 + 2 * settings.electionTimeoutMs,
    requestBytesMax: settings.requestBytesMax,
    txnOpsMax: settings.txnOpsMax,
    quotaBytes: opened.quotaBytes,
    readRetryTicks: Math.max(1, Math.round(500 / settings.heartbeatIntervalMs)),
    strictReconfigCheck: settings.strictReconfigCheck ?? true,
    peerActiveSince: (peer) => peers()?.activeSince(peer) ?? null,
    // Lease renewals and time-to-live questions a follower forwards to the leader.
    askPeer: (peer, request, timeoutMs) =>
      peers()?.request(peer, request, timeoutMs) ??
        Promise.reject(new Error("no peer transport")),
    ...(settings.watchProgressNotifyIntervalMs === undefined
      ? {}
      : { watchProgressNotifyIntervalMs: settings.watchProgressNotifyIntervalMs }),
    ...(settings.healthIntervalMs === undefined
      ? {}
      : { healthIntervalMs: settings.healthIntervalMs }),
    lease: leaseTiming(settings),
    log,
  });
}

/**
 * etcd's lease timing for these settings: the minimum TTL from the election
 * ticks and heartbeat, a new leader's extension of one election timeout.
 */
function leaseTiming(settings: MemberSettings): NonNullable<EtcdServerOptions["lease"]> {
  const ticks = electionTicksOf(settings);
  return {
    minTtlSeconds: minLeaseTtlSeconds(ticks, settings.heartbeatIntervalMs),
    extendMs: ticks * settings.heartbeatIntervalMs,
    tickMs: settings.heartbeatIntervalMs,
    ...(settings.leaseClock === undefined ? {} : { now: settings.leaseClock }),
  };
}

/** Raft's election timeout in ticks (at least 2). */
function electionTicksOf(settings: MemberSettings): number {
  return Math.max(2, Math.round(settings.electionTimeoutMs / settings.heartbeatIntervalMs));
}

/** The peer transport, delivering to the node `node()` returns once it exists. */
function createTransport(
  settings: MemberSettings,
  boot: Bootstrapped,
  deps: MemberDeps,
  server: EtcdServer,
  node: () => RaftNode | null,
): PeerTransport {
  return (deps.transport ?? tcpTransport)({
    memberId: boot.memberId,
    clusterId: boot.clusterId,
    listenUrls: settings.listenPeerUrls,
    logger: deps.log.named("server/transport"),
    // What a joining member asks its peers for (etcd's GET /members on the peer port).
    clusterInfo: () => ({ clusterId: boot.clusterId, members: node()?.machine.members() ?? [] }),
    handler: {
      onMessage: (message) => node()?.step(message),
      onUnreachable: (peer) => node()?.reportUnreachable(peer),
      onSnapshotStatus: (peer, status) => node()?.reportSnapshot(peer, status),
      onRequest: (from, request) => server.answerPeerRequest(from, request),
    },
  });
}

/** The Ready loop over the opened storage, reporting to `server`. */
function createNode(
  settings: MemberSettings,
  opened: Opened,
  server: EtcdServer,
  transport: Transport,
): RaftNode {
  const { boot } = opened;
  const seed = crypto.getRandomValues(new Uint32Array(1))[0]!;
  return new RaftNode({
    id: boot.memberId,
    storage: boot.storage,
    machine: boot.machine,
    electionTicks: electionTicksOf(settings),
    heartbeatTicks: 1,
    prng: new SeededPrng(seed),
    snapshotPolicy: validateSnapshotPolicy({
      snapshotCount: settings.snapshotCount,
      catchUpEntries: Math.min(snapshotCatchUpEntriesDefault, settings.snapshotCount),
    }),
    transport,
    hooks: server.hooks((data, index) => StateMachine.restore(data, index, opened.machineOptions)),
    pendingProposalsMax: raftPendingProposalsMax,
    ...(settings.snapshotStepBytes === undefined
      ? {}
      : { snapshotStepBytes: settings.snapshotStepBytes }),
  });
}

/** Starts a member; throws the storage's typed errors when its data cannot be trusted. */
export async function startMember(
  settings: MemberSettings,
  deps: MemberDeps,
): Promise<RunningMember> {
  const { log } = deps;
  const opened = openMember(settings, deps);
  const { boot, supplier } = opened;
  let peers: Transport | null = null;
  const server = createServer(settings, opened, log, () => peers);
  opened.writes.server = server;
  let node: RaftNode | null = null;
  const transport = peers = createTransport(settings, boot, deps, server, () => node);
  const raftNode = node = createNode(settings, opened, server, transport);
  server.attach(raftNode);
  let removed = () => {};
  const removedPromise = new Promise<void>((resolve) => (removed = resolve));
  followMembership(server, raftNode, transport, boot.memberId, log, removed);
  const removalCheck = watchForRemoval(raftNode, boot, settings.electionTimeoutMs, log, removed);
  raftNode.start();
  // A lone voter need not wait an election timeout to lead.
  const voters = raftNode.status().config.voters;
  if (voters.length === 1 && voters[0] === boot.memberId) raftNode.campaign();
  const ticker = setInterval(() => {
    raftNode.tick();
    server.tick();
  }, settings.heartbeatIntervalMs);
  const compactor = startAutoCompaction(settings, server, log);
  const stopAll = async (api: { shutdown(): Promise<void> } | null) => {
    clearInterval(ticker);
    clearInterval(removalCheck);
    if (compactor !== null) clearInterval(compactor);
    server.watch.stop(); // ends the watch streams, which would hold the API's shutdown
    await api?.shutdown();
    server.stop();
    await raftNode.stop();
    await transport.stop();
    await supplier.stop();
    boot.storage.close();
  };
  let api: { shutdown(): Promise<void> };
  try {
    api = await deps.startApi(server);
  } catch (error) {
    await stopAll(null);
    throw error;
  }
  publishAttributes(server, settings, log);
  return {
    memberId: boot.memberId,
    clusterId: boot.clusterId,
    server,
    removed: removedPromise,
    peerUrls: transport.listenUrls,
    stop: () => stopAll(api),
  };
}

function logBoot(
  log: Logger,
  settings: MemberSettings,
  boot: ReturnType<typeof bootstrapMember>,
): void {
  if (boot.repaired !== null) {
    log.warn("repaired WAL error", { file: boot.repaired.file, offset: boot.repaired.offset });
  }
  log.info(boot.restarted ? "restarting local member" : "starting local member", {
    "local-member-id": boot.memberId.toString(16),
    "cluster-id": boot.clusterId.toString(16),
    "data-dir": settings.dataDir,
    "applied-index": boot.machine.appliedIndex,
  });
}

/**
 * Keeps the transport's peers equal to the members (all but this one), now
 * and after every applied membership change; reports this member's removal.
 */
function followMembership(
  server: EtcdServer,
  node: RaftNode,
  transport: Transport,
  self: bigint,
  log: Logger,
  onRemoved: () => void,
): void {
  const known = new Map<bigint, string>();
  const sync = () => {
    const members = node.machine.members().filter((m) => m.id !== self);
    const current = new Set(members.map((m) => m.id));
    for (const id of known.keys()) {
      if (!current.has(id)) {
        transport.removePeer(id);
        known.delete(id);
      }
    }
    for (const member of members) {
      const urls = member.peerUrls.join(",");
      if (!known.has(member.id)) transport.addPeer(member.id, member.peerUrls);
      else if (known.get(member.id) !== urls) transport.updatePeer(member.id, member.peerUrls);
      known.set(member.id, urls);
    }
    if (node.machine.isRemoved(self)) {
      log.warn("the member has been permanently removed from the cluster", {
        "local-member-id": self.toString(16),
      });
      onRemoved();
    }
  };
  sync();
  server.onMembershipChange = sync;
}

/**
 * A member removed while it could not hear the commit of its removal never
 * applies it: the leader stops talking to it and the peers refuse it. When
 * it has known no leader for a few election timeouts, it asks its peers for
 * the member list (as a joining member does); if the cluster no longer lists
 * it, it was removed and stops (etcd learns the same from its peers' 410).
 */
function watchForRemoval(
  node: RaftNode,
  boot: { readonly memberId: bigint; readonly clusterId: bigint },
  electionTimeoutMs: number,
  log: Logger,
  onRemoved: () => void,
): ReturnType<typeof setInterval> {
  let leaderlessChecks = 0;
  let asking = false;
  return setInterval(() => {
    leaderlessChecks = node.leader === 0n ? leaderlessChecks + 1 : 0;
    if (leaderlessChecks < 3 || asking) return;
    const peerUrls = node.machine.members().filter((m) => m.id !== boot.memberId)
      .flatMap((m) => m.peerUrls);
    if (peerUrls.length === 0) return;
    asking = true;
    fetchClusterInfo(peerUrls, { timeoutMs: Math.max(200, electionTimeoutMs) })
      .then((info) => {
        const listed = info.members.some((m) => m.id === boot.memberId);
        if (info.clusterId === boot.clusterId && !listed) {
          log.warn("the member has been permanently removed from the cluster", {
            "local-member-id": boot.memberId.toString(16),
          });
          onRemoved();
        }
      }, () => {/* no peer answered: partitioned, keep trying */})
      .finally(() => (asking = false));
  }, electionTimeoutMs);
}

/** Proposes this member's name and client URLs once (etcd's publish). */
function publishAttributes(server: EtcdServer, settings: MemberSettings, log: Logger): void {
  server.publishAttributes(settings.name, settings.advertiseClientUrls).then(
    () => log.info("published local member to cluster through raft", { name: settings.name }),
    (error) => log.warn("failed to publish local member", { error: String(error) }),
  );
}

function startAutoCompaction(
  settings: MemberSettings,
  server: EtcdServer,
  log: Logger,
): ReturnType<typeof setInterval> | null {
  const auto = settings.autoCompaction;
  if (auto.mode === "off") return null;
  const compactor = auto.mode === "periodic"
    ? new AutoCompactor("periodic", auto.retentionMs)
    : new AutoCompactor("revision", auto.retentionRevisions);
  return setInterval(() => {
    const revision = compactor.poll(Date.now(), server.currentRevision);
    if (revision === null) return;
    server.compact({ revision, physical: false }).then(
      () => log.info("completed auto compaction", { "compact-revision": revision }),
      (error) =>
        log.warn("failed auto compaction", { "compact-revision": revision, error: String(error) }),
    );
  }, compactor.pollIntervalMs);
}
