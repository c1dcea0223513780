/**
 * `etcd-ts serve`: read etcd's flags, `ETCD_*` variables or config file,
 * start the member and its client listeners, and stop gracefully on
 * SIGTERM/SIGINT. Configuration and storage problems are one line on
 * stderr and a non-zero exit, never a stack trace.
 *
 * @module
 */

import { ETCD_COMPAT_VERSION, VERSION } from "../util/version.ts";
import { DenoFileSystem } from "../storage/deno_fs.ts";
import { WalCorruptError } from "../storage/wal/mod.ts";
import {
  parseServeConfig,
  type ServeConfig,
  validateForBootstrap,
  validateForJoin,
} from "./config.ts";
import { ClusterInfoError, fetchClusterInfo } from "./transport/mod.ts";
import { ConfigError } from "./flags.ts";
import { createLogger, type Logger } from "./logger.ts";
import { ClusterTokenMismatchError, DataDirError, memberDirOf } from "./bootstrap.ts";
import { DiskStorage } from "../storage/raft_storage.ts";
import { type MemberSettings, type RunningMember, startMember } from "./member.ts";
import type { EtcdService } from "./service.ts";

/** A started client listener. */
export interface ClientListener {
  /** `host:port` actually bound (port 0 resolved). */
  readonly address: string;
  shutdown(): Promise<void>;
}

/** Starts one client listener for `url` (injected by main.ts: the gateway lives in src/api). */
export type ListenClient = (service: EtcdService, url: URL) => ClientListener;

/** What `serve` needs from its surroundings. */
export interface ServeDeps {
  readonly env: Readonly<Record<string, string>>;
  readonly listenClient: ListenClient;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** The help text of `etcd-ts serve`. */
export const SERVE_USAGE = `Usage:

  etcd-ts serve [flags]

Start an etcd member. Every flag can also be given as an ETCD_* environment
variable (--data-dir → ETCD_DATA_DIR), or in a YAML file with --config-file.

Member:
  --name 'default'                       human-readable name for this member
  --data-dir '\${name}.etcd'              path to the data directory
  --listen-client-urls 'http://localhost:2379'
  --advertise-client-urls 'http://localhost:2379'
  --listen-peer-urls 'http://localhost:2380'
  --snapshot-count '100000'              committed entries between snapshots
  --heartbeat-interval '100'             ms between heartbeats
  --election-timeout '1000'              ms before an election
  --max-snapshots '5'   --max-wals '5'   files kept (0 = unlimited)
  --quota-backend-bytes '0'              backend size before NOSPACE (0 = 2 GiB)
  --max-request-bytes '1572864'          largest client request
  --max-txn-ops '128'                    operations in one txn at most
  --auto-compaction-mode 'periodic'      'periodic' or 'revision'
  --auto-compaction-retention '0'        hours/duration (periodic) or revisions (revision)
Clustering:
  --initial-advertise-peer-urls 'http://localhost:2380'
  --initial-cluster 'default=http://localhost:2380'
  --initial-cluster-state 'new'          'new' or 'existing'
  --initial-cluster-token 'etcd-cluster'
Logging:
  --log-level 'info'                     debug, info, warn, error
  --config-file ''                       etcd's YAML configuration file
  --version                              print the version and exit
`;

/** Runs `serve` until a signal stops it; returns the exit code. */
export async function runServe(args: string[], deps: ServeDeps): Promise<number> {
  let config: ServeConfig;
  try {
    const command = parseServeConfig(args, deps.env, (path) => Deno.readTextFileSync(path));
    if (command.kind === "help") {
      deps.stdout(SERVE_USAGE);
      return 0;
    }
    if (command.kind === "version") {
      deps.stdout(`etcd Version: ${ETCD_COMPAT_VERSION}\netcd-ts Version: ${VERSION}\n`);
      return 0;
    }
    config = command.config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    deps.stderr(`${error.message}\n${error.showUsage ? SERVE_USAGE : ""}`);
    return error.exitCode;
  }
  const log = createLogger({ level: config.logLevel });
  for (const warning of config.warnings) log.warn(warning);
  for (const notice of config.notices) log.info(notice);
  // Signal handlers first: a SIGTERM right after the "serving" line must stop us gracefully.
  const signal = listenForSignals(log);
  let member: RunningMember;
  try {
    member = await startConfigured(config, deps, log);
  } catch (error) {
    signal.dispose();
    const message = startErrorMessage(error);
    if (message === null) throw error;
    log.error(message);
    deps.stderr(`etcd-ts: ${message}\n`);
    return 1;
  }
  await Promise.race([signal.received, member.removed]);
  signal.dispose();
  await member.stop();
  log.info("stopped member", { name: config.name });
  return 0;
}

async function startConfigured(
  config: ServeConfig,
  deps: ServeDeps,
  log: Logger,
): Promise<RunningMember> {
  let settings = settingsOf(config);
  if (!hasWal(config)) {
    if (config.initialClusterState === "existing") {
      settings = { ...settings, join: await joinInfo(config, log) };
    } else {
      validateForBootstrap(config);
    }
  }
  return await startMember(settings, {
    fs: new DenoFileSystem(),
    log,
    startApi: (service) => Promise.resolve(listenAll(config, service, deps, log)),
  });
}

/**
 * What a member joining a running cluster learns from its peers (etcd's
 * GetClusterFromRemotePeers): the cluster id and members, and so its own
 * id, found by its advertised peer URLs (`member add` put them there).
 */
async function joinInfo(
  config: ServeConfig,
  log: Logger,
): Promise<NonNullable<MemberSettings["join"]>> {
  validateForJoin(config);
  const own = [...config.initialAdvertisePeerUrls].sort().join(",");
  const peerUrls = [...config.initialCluster]
    .filter(([name]) => name !== config.name)
    .flatMap(([, urls]) => urls);
  const info = await fetchClusterInfo(peerUrls, { timeoutMs: 5000, logger: log });
  const self = info.members.find((m) => [...m.peerUrls].sort().join(",") === own);
  if (self === undefined) {
    throw new ConfigError(
      "fatal",
      `no member of the cluster has the peer URLs ${own}; add it first (ctl member add ${config.name} --peer-urls=${own})`,
    );
  }
  log.info("joining an existing cluster", {
    "local-member-id": self.id.toString(16),
    "cluster-id": info.clusterId.toString(16),
  });
  return { memberId: self.id, clusterId: info.clusterId, members: info.members };
}

function hasWal(config: ServeConfig): boolean {
  try {
    return DiskStorage.exists(new DenoFileSystem(), memberDirOf(config.dataDir));
  } catch {
    return false;
  }
}

function listenAll(
  config: ServeConfig,
  service: EtcdService,
  deps: ServeDeps,
  log: Logger,
): { shutdown(): Promise<void> } {
  const listeners: ClientListener[] = [];
  try {
    for (const url of config.listenClientUrls) {
      const listener = deps.listenClient(service, new URL(url));
      listeners.push(listener);
      log.info("serving client traffic insecurely; this is strongly discouraged!", {
        address: listener.address,
      });
    }
  } catch (error) {
    for (const listener of listeners) listener.shutdown();
    throw error;
  }
  log.info("ready to serve client requests");
  return {
    async shutdown() {
      await Promise.all(listeners.map((listener) => listener.shutdown()));
    },
  };
}

/** The member's settings from the configuration. */
export function settingsOf(config: ServeConfig): MemberSettings {
  return {
    name: config.name,
    dataDir: config.dataDir,
    advertiseClientUrls: config.advertiseClientUrls,
    listenPeerUrls: config.listenPeerUrls,
    initialAdvertisePeerUrls: config.initialAdvertisePeerUrls,
    initialCluster: config.initialCluster,
    initialClusterToken: config.initialClusterToken,
    initialClusterTokenExplicit: config.initialClusterTokenExplicit,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    electionTimeoutMs: config.electionTimeoutMs,
    snapshotCount: config.snapshotCount,
    maxSnapshots: config.snapshotsMax,
    maxWals: config.walFilesMax,
    requestBytesMax: config.requestBytesMax,
    quotaBackendBytes: config.quotaBackendBytes,
    txnOpsMax: config.txnOpsMax,
    autoCompaction: config.autoCompaction,
    strictReconfigCheck: config.strictReconfigCheck,
    watchProgressNotifyIntervalMs: config.watchProgressNotifyIntervalMs,
  };
}

/** A one-line message for the start-up failures a user can fix, or null for bugs. */
function startErrorMessage(error: unknown): string | null {
  if (error instanceof ConfigError || error instanceof DataDirError) return error.message;
  if (error instanceof ClusterTokenMismatchError) return error.message;
  if (error instanceof ClusterInfoError) return error.message;
  if (error instanceof WalCorruptError) return `cannot open the WAL: ${error.message}`;
  if (error instanceof Deno.errors.AddrInUse) {
    return `cannot listen for client traffic: ${error.message}`;
  }
  if (
    error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.AddrNotAvailable
  ) {
    return `cannot start: ${error.message}`;
  }
  if (error instanceof Error && error.name.endsWith("DecodeError")) {
    return `cannot restore the member's data: ${error.message}`;
  }
  return null;
}

/** Listens for SIGTERM and SIGINT: `received` resolves on the first one. */
function listenForSignals(log: Logger): { received: Promise<void>; dispose(): void } {
  const signals: Deno.Signal[] = ["SIGTERM", "SIGINT"];
  const handlers = new Map<Deno.Signal, () => void>();
  const dispose = () => {
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
    handlers.clear();
  };
  const received = new Promise<void>((resolve) => {
    for (const signal of signals) {
      const handler = () => {
        log.info("received signal; shutting down", { signal });
        dispose();
        resolve();
      };
      handlers.set(signal, handler);
      Deno.addSignalListener(signal, handler);
    }
  });
  return { received, dispose };
}
