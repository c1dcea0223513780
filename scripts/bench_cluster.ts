/**
 * `scripts/bench.ts` against a fresh three-member loopback cluster of
 * etcd-ts and — when etcd is installed — the same load against a fresh
 * three-member real etcd, in the same run, with the ratios per point.
 *
 * `--target-leader` sends every request to the leader only (as etcd's
 * benchmark tool's `--target-leader`), for both targets: no forwarding by
 * followers.
 *
 * Both clusters run side by side and every point is measured on one, then
 * at once on the other (which goes first alternates from point to point and
 * round to round): this machine's speed drifts by tens of percent over
 * minutes, so measuring all of one target and then all of the other
 * compared different machines. `--rounds N` measures every point N times
 * per target and reports each target's median run (by ops/s). The idle
 * cluster's heartbeats cost about 1% of a core.
 *
 * Usage:
 * ```
 * deno run -A scripts/bench_cluster.ts [--seconds 5] [--clients 1,16,64,256] \
 *   [--range-clients 64] [--value-bytes 256] [--keys 10000] [--warmup 2] \
 *   [--only put|range] [--skip-etcd] [--etcd /usr/bin/etcd] [--client-procs 1[,2,…]] \
 *   [--http fetch[,raw]] [--rounds 1] [--target-leader] [--keep]
 * ```
 * Points: puts at each `--clients`, then linearizable and serializable
 * ranges at each `--range-clients`. Every client spreads its requests over
 * the three members' client URLs in turn (followers forward puts to the
 * leader, as with etcd's benchmark tool given several endpoints).
 *
 * `--client-procs N` runs each point with the clients split over N
 * load-generator subprocesses (`deno run -A scripts/bench.ts …`) that start
 * and stop at the same wall-clock moments; their raw latencies are merged.
 * `1` (the default) runs the clients inside this process. A list (`1,2`)
 * measures every point each way. `--http raw` sends requests over bench.ts's
 * own HTTP/1.1 connections instead of `fetch` (about a third of the client
 * CPU per request); a list (`fetch,raw`) measures every point each way.
 *
 * Each cluster gets its own temporary data directories (removed at the end)
 * and free loopback ports; heartbeat and election timeouts are etcd's
 * defaults (100 ms, 1000 ms). Members log to files in the temporary
 * directory; when a member fails the tail of its log is printed. `--keep`
 * leaves the directories (logs and data) in place and prints where.
 *
 * Output (stdout): one JSON line per run (bench.ts's figures plus `procs`
 * and CPU use: `serverCpu`, `clientCpu`, `otherCpu` in cores over the run —
 * the load generator shares the machine's cores with the three members),
 * then a table with etcd-ts / etcd ratios per point. Progress goes to stderr.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type BenchOptions, type BenchResult, measureLoad, preload, summarize } from "./bench.ts";
import { memberEnv } from "./cluster.ts";

const mainPath = new URL("../main.ts", import.meta.url).pathname;
const benchPath = new URL("./bench.ts", import.meta.url).pathname;

type Kind = "etcd-ts" | "etcd";

interface Options {
  readonly seconds: number;
  readonly putClients: readonly number[];
  readonly rangeClients: readonly number[];
  readonly valueBytes: number;
  readonly keys: number;
  readonly warmup: number;
  readonly only: "put" | "range" | undefined;
  readonly skipEtcd: boolean;
  readonly etcdPath: string;
  readonly clientProcs: readonly number[];
  readonly http: readonly ("fetch" | "raw")[];
  readonly rounds: number;
  readonly targetLeader: boolean;
  readonly keep: boolean;
}

/** One load point: what is measured, at how many clients, from how many processes. */
interface Point {
  readonly op: "put" | "range";
  readonly serializable: boolean;
  readonly clients: number;
  readonly procs: number;
  readonly http: "fetch" | "raw";
}

interface RunResult extends BenchResult {
  readonly procs: number;
  readonly http: "fetch" | "raw";
  readonly serverCpu: number;
  /** Each member's share of `serverCpu`, in member order. */
  readonly memberCpu: readonly number[];
  readonly clientCpu: number;
  readonly otherCpu: number;
}

interface Member {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  readonly logFile: string;
}

interface Cluster {
  readonly kind: Kind;
  readonly members: readonly Member[];
  readonly children: readonly Deno.ChildProcess[];
  readonly root: string;
  /** Where the load goes: every member's client URL, or the leader's (--target-leader). */
  endpoints: readonly string[];
}

// ---------------------------------------------------------------------------
// Everything started here, so that exit, error or a signal stops it all.

const live = new Set<Deno.ChildProcess>();
const tempDirs = new Set<string>();

function killAll(signal: Deno.Signal): void {
  for (const child of live) {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function removeTempDirsSync(): void {
  for (const dir of tempDirs) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // already gone
    }
    tempDirs.delete(dir);
  }
}

async function stopChild(child: Deno.ChildProcess, graceMs = 10_000): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch {
    // already gone
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const exited = await Promise.race([
    child.status.then(() => true),
    new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(false), graceMs)),
  ]);
  clearTimeout(timer);
  if (!exited) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await child.status;
  }
  live.delete(child);
}

function spawn(command: string, args: string[], env: Record<string, string>, log: string) {
  // sh redirects the output to the log file and execs, so the child is the program itself and
  // its output never passes through (nor costs CPU in) this process.
  const child = new Deno.Command("/bin/sh", {
    args: ["-c", 'log=$1; shift; exec "$@" >>"$log" 2>&1', "sh", log, command, ...args],
    env: { ...inheritedEnv(), ...env },
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  live.add(child);
  return child;
}

/** Our environment without any ETCD_* variable, so members see only theirs. */
function inheritedEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(Deno.env.toObject()).filter(([name]) => !name.startsWith("ETCD_")),
  );
}

// ---------------------------------------------------------------------------
// Options

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      seconds: { type: "string", default: "5" },
      clients: { type: "string", default: "1,16,64,256" },
      "range-clients": { type: "string", default: "64" },
      "value-bytes": { type: "string", default: "256" },
      keys: { type: "string", default: "10000" },
      warmup: { type: "string", default: "2" },
      only: { type: "string" },
      "skip-etcd": { type: "boolean", default: false },
      etcd: { type: "string", default: "/usr/bin/etcd" },
      "client-procs": { type: "string", default: "1" },
      http: { type: "string", default: "fetch" },
      rounds: { type: "string", default: "1" },
      "target-leader": { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
    },
  });
  const http = values.http.split(",").map((h) => {
    if (h !== "fetch" && h !== "raw") throw new Error(`unknown --http "${h}" (fetch or raw)`);
    return h;
  });
  const only = values.only;
  if (only !== undefined && only !== "put" && only !== "range") {
    throw new Error(`unknown --only "${only}" (put or range)`);
  }
  const list = (text: string, flag: string) =>
    text.split(",").map((c) => Math.floor(positive(c, flag)));
  return {
    seconds: positive(values.seconds, "--seconds"),
    putClients: list(values.clients, "--clients"),
    rangeClients: list(values["range-clients"], "--range-clients"),
    valueBytes: Math.floor(positive(values["value-bytes"], "--value-bytes")),
    keys: Math.floor(positive(values.keys, "--keys")),
    warmup: nonNegative(values.warmup, "--warmup"),
    only,
    skipEtcd: values["skip-etcd"],
    etcdPath: values.etcd,
    clientProcs: list(values["client-procs"], "--client-procs"),
    http,
    rounds: Math.floor(positive(values.rounds, "--rounds")),
    targetLeader: values["target-leader"],
    keep: values.keep,
  };
}

function positive(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`bad ${flag} "${text}"`);
  return value;
}

function nonNegative(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`bad ${flag} "${text}"`);
  return value;
}

function pointsOf(options: Options): Point[] {
  const points: Point[] = [];
  const add = (point: Point) => {
    const same = (p: Point) =>
      p.op === point.op && p.serializable === point.serializable &&
      p.clients === point.clients && p.procs === point.procs && p.http === point.http;
    if (!points.some(same)) points.push(point);
  };
  for (const http of options.http) {
    for (const procs of options.clientProcs) {
      if (options.only !== "range") {
        for (const clients of options.putClients) {
          add({ op: "put", serializable: false, clients, procs: Math.min(procs, clients), http });
        }
      }
      if (options.only !== "put") {
        for (const serializable of [false, true]) {
          for (const clients of options.rangeClients) {
            add({ op: "range", serializable, clients, procs: Math.min(procs, clients), http });
          }
        }
      }
    }
  }
  return points;
}

// ---------------------------------------------------------------------------
// Clusters

/** Distinct free loopback ports (never etcd's 2379/2380): bound on port 0 together, then closed. */
function freePorts(count: number): number[] {
  const listeners: Deno.Listener[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < count) {
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      listeners.push(listener);
      const port = (listener.addr as Deno.NetAddr).port;
      if (port !== 2379 && port !== 2380) ports.push(port);
    }
  } finally {
    for (const listener of listeners) listener.close();
  }
  return ports;
}

async function startCluster(kind: Kind, options: Options): Promise<Cluster> {
  const root = await Deno.makeTempDir({ prefix: `bench-${kind}-` });
  tempDirs.add(root);
  const ports = freePorts(6);
  const members: Member[] = [0, 1, 2].map((i) => ({
    name: `infra${i + 1}`,
    clientUrl: `http://127.0.0.1:${ports[2 * i]}`,
    peerUrl: `http://127.0.0.1:${ports[2 * i + 1]}`,
    dataDir: `${root}/infra${i + 1}.etcd`,
    logFile: `${root}/infra${i + 1}.log`,
  }));
  const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(",");
  const token = `bench-${kind}-${ports[0]}`;
  const children = members.map((member) => {
    if (kind === "etcd-ts") {
      const env = { ...memberEnv(member, members), ETCD_INITIAL_CLUSTER_TOKEN: token };
      return spawn(Deno.execPath(), ["run", "-A", mainPath, "serve"], env, member.logFile);
    }
    return spawn(
      options.etcdPath,
      [
        "--name",
        member.name,
        "--data-dir",
        member.dataDir,
        "--listen-client-urls",
        member.clientUrl,
        "--advertise-client-urls",
        member.clientUrl,
        "--listen-peer-urls",
        member.peerUrl,
        "--initial-advertise-peer-urls",
        member.peerUrl,
        "--initial-cluster",
        initialCluster,
        "--initial-cluster-state",
        "new",
        "--initial-cluster-token",
        token,
        "--logger",
        "zap",
        "--log-outputs",
        "stderr",
      ],
      {},
      member.logFile,
    );
  });
  const cluster: Cluster = {
    kind,
    members,
    children,
    root,
    endpoints: members.map((m) => m.clientUrl),
  };
  try {
    await waitForLeader(cluster, 60_000);
  } catch (error) {
    await stopCluster(cluster);
    throw error;
  }
  return cluster;
}

async function logTail(member: Member, lines = 15): Promise<string> {
  try {
    const text = await Deno.readTextFile(member.logFile);
    return text.trimEnd().split("\n").slice(-lines).map((l) => `  [${member.name}] ${l}`)
      .join("\n");
  } catch {
    return `  [${member.name}] (no log)`;
  }
}

/** Until every member's status names the same leader (`leader` set and not "0"). */
async function waitForLeader(cluster: Cluster, timeoutMs: number): Promise<void> {
  const exits = cluster.children.map((child, i) => child.status.then((status) => ({ i, status })));
  let exited: { i: number; status: Deno.CommandStatus } | undefined;
  for (const exit of exits) exit.then((e) => exited ??= e);
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      const member = cluster.members[exited.i]!;
      throw new Error(
        `${cluster.kind} ${member.name} exited (code ${exited.status.code}) while starting:\n` +
          (await logTail(member)),
      );
    }
    const leaders = await Promise.all(cluster.members.map(async (member) => {
      try {
        const response = await fetch(`${member.clientUrl}/v3/maintenance/status`, {
          method: "POST",
          body: "{}",
          signal: AbortSignal.timeout(1000),
        });
        const text = await response.text();
        last = `${member.name}: ${response.status} ${text.slice(0, 200)}`;
        if (response.status !== 200) return undefined;
        const leader = (JSON.parse(text) as { leader?: string }).leader;
        return leader === undefined || leader === "0" ? undefined : leader;
      } catch (error) {
        last = `${member.name}: ${error instanceof Error ? error.message : String(error)}`;
        return undefined;
      }
    }));
    if (leaders.every((l) => l !== undefined && l === leaders[0])) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const tails = await Promise.all(cluster.members.map((m) => logTail(m)));
  throw new Error(
    `${cluster.kind}: no leader after ${timeoutMs} ms (${last})\n${tails.join("\n")}`,
  );
}

/** The leader's client URL: the member whose status names itself as leader. */
async function leaderUrl(cluster: Cluster): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    for (const member of cluster.members) {
      const response = await fetch(`${member.clientUrl}/v3/maintenance/status`, {
        method: "POST",
        body: "{}",
        signal: AbortSignal.timeout(1000),
      }).catch(() => null);
      if (response === null) continue;
      const status = await response.json().catch(() => null) as
        | { header?: { member_id?: string }; leader?: string }
        | null;
      if (status?.leader !== undefined && status.header?.member_id === status.leader) {
        return member.clientUrl;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${cluster.kind}: no member says it leads`);
}

async function stopCluster(cluster: Cluster, keep = false): Promise<void> {
  await Promise.all(cluster.children.map((child) => stopChild(child)));
  tempDirs.delete(cluster.root);
  if (keep) console.error(`# ${cluster.kind}: logs and data kept in ${cluster.root}`);
  else await Deno.remove(cluster.root, { recursive: true }).catch(() => {});
}

// ---------------------------------------------------------------------------
// CPU accounting from /proc (clock ticks are 1/100 s on Linux)

const TICKS = 100;

/** utime+stime (and with `children`, cutime+cstime: reaped children) of a process, in seconds. */
function processCpu(pid: number | "self", children = false): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
    const own = Number(fields[11]) + Number(fields[12]);
    const reaped = children ? Number(fields[13]) + Number(fields[14]) : 0;
    return (own + reaped) / TICKS;
  } catch {
    return 0;
  }
}

/** CPU seconds the whole machine spent busy (not idle, not waiting for I/O). */
function machineBusy(): number {
  try {
    const line = Deno.readTextFileSync("/proc/stat").split("\n")[0]!;
    const [user, nice, system, _idle, _iowait, irq, softirq, steal] = line.split(/\s+/).slice(1)
      .map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) / TICKS;
  } catch {
    return 0;
  }
}

interface CpuSample {
  readonly members: readonly number[];
  readonly server: number;
  readonly client: number;
  readonly machine: number;
}

function sampleCpu(cluster: Cluster): CpuSample {
  const members = cluster.children.map((child) => processCpu(child.pid));
  return {
    members,
    server: members.reduce((a, b) => a + b, 0),
    // This process plus the load-generator subprocesses it has reaped (members are reaped only
    // when stopped, after every run).
    client: processCpu("self", true),
    machine: machineBusy(),
  };
}

// ---------------------------------------------------------------------------
// Runs

function benchOptions(cluster: Cluster, options: Options, point: Point): BenchOptions {
  return {
    endpoints: cluster.endpoints,
    op: point.op,
    clients: [point.clients],
    seconds: options.seconds,
    valueBytes: options.valueBytes,
    keys: options.keys,
    serializable: point.serializable,
    target: cluster.kind,
    http: point.http,
  };
}

/** The clients split over `point.procs` bench.ts subprocesses; their samples merged. */
async function measureInProcs(
  cluster: Cluster,
  options: Options,
  point: Point,
): Promise<{ latencies: number[]; errors: number; seconds: number; startupCpu: number }> {
  const base = benchOptions(cluster, options, point);
  const startAt = Date.now() + 1500; // time for every subprocess to start
  const shares = Array.from(
    { length: point.procs },
    (_, i) => Math.floor(point.clients / point.procs) + (i < point.clients % point.procs ? 1 : 0),
  );
  const children: Deno.ChildProcess[] = [];
  // The subprocesses' CPU up to startAt is Deno starting, not load generation: left out.
  let startupCpu = 0;
  const atStart = new Promise<void>((resolve) =>
    setTimeout(() => {
      startupCpu = children.reduce((sum, child) => sum + processCpu(child.pid), 0);
      resolve();
    }, Math.max(0, startAt - Date.now()))
  );
  const runs = shares.map(async (clients, i) => {
    const latenciesFile = `${cluster.root}/latencies-${i}.bin`;
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        benchPath,
        "--endpoints",
        base.endpoints.join(","),
        "--op",
        base.op,
        "--clients",
        String(clients),
        "--seconds",
        String(base.seconds),
        "--value-bytes",
        String(base.valueBytes),
        "--keys",
        String(base.keys),
        "--consistency",
        base.serializable ? "s" : "l",
        "--target",
        base.target,
        "--start-at",
        String(startAt),
        "--latencies-file",
        latenciesFile,
        "--skip-preload",
        "--http",
        point.http,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    live.add(child);
    children.push(child);
    try {
      const output = await child.output();
      if (!output.success) {
        throw new Error(
          `load generator ${i} failed: ${new TextDecoder().decode(output.stderr).trim()}`,
        );
      }
      const result = JSON.parse(new TextDecoder().decode(output.stdout).trim()) as BenchResult;
      const bytes = await Deno.readFile(latenciesFile);
      await Deno.remove(latenciesFile);
      const latencies = Array.from(
        new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8),
      );
      return { latencies, errors: result.errors, seconds: result.seconds };
    } finally {
      live.delete(child);
    }
  });
  const parts = await Promise.all(runs);
  await atStart;
  return {
    startupCpu,
    latencies: parts.flatMap((p) => p.latencies),
    errors: parts.reduce((sum, p) => sum + p.errors, 0),
    seconds: Math.max(...parts.map((p) => p.seconds)),
  };
}

async function runPoint(cluster: Cluster, options: Options, point: Point): Promise<RunResult> {
  const bench = benchOptions(cluster, options, point);
  const before = sampleCpu(cluster);
  const samples = point.procs <= 1
    ? { ...await measureLoad(bench, point.clients), startupCpu: 0 }
    : await measureInProcs(cluster, options, point);
  const after = sampleCpu(cluster);
  const result = summarize(bench, point.clients, samples);
  const cores = (seconds: number) => Math.round((seconds / samples.seconds) * 100) / 100;
  const server = cores(after.server - before.server);
  const client = cores(after.client - before.client - samples.startupCpu);
  const machine = cores(after.machine - before.machine - samples.startupCpu);
  return {
    ...result,
    procs: point.procs,
    http: point.http,
    serverCpu: server,
    memberCpu: after.members.map((m, i) => cores(m - before.members[i]!)),
    clientCpu: client,
    otherCpu: Math.max(0, Math.round((machine - server - client) * 100) / 100),
  };
}

/**
 * Starts a cluster of each kind, warms each up, then measures every point
 * on each in turn (`--rounds` times) and returns, per kind, each point's
 * median run by ops/s.
 */
async function benchClusters(
  kinds: readonly Kind[],
  options: Options,
  points: readonly Point[],
): Promise<Map<Kind, RunResult[]>> {
  const clusters: Cluster[] = [];
  try {
    for (const kind of kinds) {
      console.error(`# ${kind}: starting three members`);
      const cluster = await startCluster(kind, options);
      clusters.push(cluster);
      if (options.targetLeader) cluster.endpoints = [await leaderUrl(cluster)];
      console.error(
        `# ${kind}: leader elected; load goes to ${cluster.endpoints.join(", ")}`,
      );
    }
    for (const cluster of clusters) {
      if (options.warmup <= 0) break;
      const warm = { ...benchOptions(cluster, options, points[0]!), op: "put" as const };
      const w = await measureLoad({ ...warm, seconds: options.warmup }, 16);
      console.error(
        `# ${cluster.kind}: warm-up ${w.latencies.length} puts at 16 clients (not counted)`,
      );
    }
    const preloaded = new Set<Cluster>();
    const runs = new Map<Cluster, RunResult[][]>(clusters.map((c) => [c, points.map(() => [])]));
    for (let round = 0; round < options.rounds; round++) {
      for (const [i, point] of points.entries()) {
        const order = (round + i) % 2 === 0 ? clusters : [...clusters].reverse();
        for (const cluster of order) {
          if (point.op === "range" && !preloaded.has(cluster)) {
            await preload(benchOptions(cluster, options, point));
            preloaded.add(cluster);
          }
          const result = await runPoint(cluster, options, point);
          runs.get(cluster)![i]!.push(result);
          console.log(JSON.stringify(options.rounds > 1 ? { ...result, round } : result));
          assertMembersAlive(cluster);
        }
      }
    }
    return new Map(clusters.map((c) => [c.kind, runs.get(c)!.map(medianRun)]));
  } finally {
    for (const cluster of clusters) {
      await stopCluster(cluster, options.keep);
      console.error(`# ${cluster.kind}: stopped`);
    }
  }
}

/** The run with the median ops/s (the lower middle one of an even count). */
function medianRun(runs: readonly RunResult[]): RunResult {
  const sorted = [...runs].sort((a, b) => a.opsPerSecond - b.opsPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function assertMembersAlive(cluster: Cluster): void {
  for (const [i, child] of cluster.children.entries()) {
    try {
      Deno.readTextFileSync(`/proc/${child.pid}/stat`);
    } catch {
      throw new Error(`${cluster.kind} ${cluster.members[i]!.name} died during the run`);
    }
  }
}

// ---------------------------------------------------------------------------
// Report

function label(r: { op: string; clients: number; procs: number; http: string }): string {
  return `${r.op}@${r.clients}${r.procs > 1 ? `/${r.procs}p` : ""}${
    r.http === "raw" ? "/raw" : ""
  }`;
}

function ratio(a: number, b: number): string {
  return b === 0 ? "-" : (a / b).toFixed(2);
}

function cpu(r: RunResult): string {
  return `${r.serverCpu.toFixed(2)}/${r.clientCpu.toFixed(2)}/${r.otherCpu.toFixed(2)}`;
}

function table(ours: readonly RunResult[], theirs: readonly RunResult[]): string {
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  const rows = [
    `${"point".padEnd(20)}|${pad("etcd-ts ops/s", 14)}${pad("p50", 8)}${pad("p99", 8)}` +
    ` |${pad("etcd ops/s", 11)}${pad("p50", 8)}${pad("p99", 8)}` +
    ` |${pad("ops ×", 7)}${pad("p50 ×", 7)}${pad("p99 ×", 7)}` +
    ` | cpu srv/cli/other: etcd-ts${pad("etcd", 16)}`,
  ];
  for (const r of ours) {
    const e = theirs.find((t) => label(t) === label(r));
    rows.push(
      `${label(r).padEnd(20)}|${pad(r.opsPerSecond, 14)}${pad(r.p50Ms.toFixed(2), 8)}` +
        `${pad(r.p99Ms.toFixed(2), 8)} |` +
        (e === undefined
          ? `${pad("-", 11)}${pad("-", 8)}${pad("-", 8)} |${pad("-", 7)}${pad("-", 7)}${
            pad("-", 7)
          }`
          : `${pad(e.opsPerSecond, 11)}${pad(e.p50Ms.toFixed(2), 8)}${pad(e.p99Ms.toFixed(2), 8)}` +
            ` |${pad(ratio(r.opsPerSecond, e.opsPerSecond), 7)}` +
            `${pad(ratio(r.p50Ms, e.p50Ms), 7)}${pad(ratio(r.p99Ms, e.p99Ms), 7)}`) +
        ` | ${pad(cpu(r), 27)}${e === undefined ? "" : pad(cpu(e), 16)}`,
    );
  }
  return rows.join("\n");
}

async function etcdVersion(path: string): Promise<string> {
  const output = await new Deno.Command(path, { args: ["--version"], stdout: "piped" }).output();
  return new TextDecoder().decode(output.stdout).split("\n")[0]?.replace("etcd Version: ", "") ??
    "?";
}

async function main(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const points = pointsOf(options);
  const withEtcd = !options.skipEtcd &&
    await Deno.stat(options.etcdPath).then(() => true, () => false);
  const cores = navigator.hardwareConcurrency;
  console.error(
    `# ${points.length} points × ${options.seconds}s per target; ${cores} cores shared by the ` +
      `three members and the load generator${withEtcd ? "" : "; real etcd skipped"}`,
  );
  const results = await benchClusters(
    withEtcd ? ["etcd-ts", "etcd"] : ["etcd-ts"],
    options,
    points,
  );
  const ours = results.get("etcd-ts")!;
  const theirs = results.get("etcd") ?? [];
  const version = withEtcd ? await etcdVersion(options.etcdPath) : "";
  console.log("");
  console.log(
    `# etcd-ts vs ${withEtcd ? `etcd ${version}` : "(no etcd)"}: three members on loopback, ` +
      `${options.valueBytes}-byte values, ${options.keys} keys, ${options.seconds}s per point` +
      `${options.rounds > 1 ? ` (median of ${options.rounds} rounds)` : ""}, measured in turn; ` +
      `latencies in ms; ×: etcd-ts / etcd (ops: higher is better, latency: lower is better)`,
  );
  console.log(
    `# NOTE: the load generator (${
      options.clientProcs.length === 1 && options.clientProcs[0] === 1
        ? "one Deno process"
        : "this process or N subprocesses, /Np"
    }; ${options.http.join(" and ")}${
      options.http.includes("raw") ? ", /raw: bench.ts's own HTTP/1.1" : ""
    }) shares the machine's ${cores} cores with the three members; cpu columns are cores used ` +
      `(srv: three members, cli: load generator, other: the rest of the machine) over each run. ` +
      (options.targetLeader
        ? "Every request goes to the leader (--target-leader)."
        : "Each client sends to the three members in turn (followers forward writes)."),
  );
  console.log(table(ours, theirs));
  for (const [kind, results] of [["etcd-ts", ours], ["etcd", theirs]] as const) {
    const errors = results.reduce((sum, r) => sum + r.errors, 0);
    if (errors > 0) {
      console.log(`# WARNING: ${kind}: ${errors} failed requests (see the JSON lines)`);
    }
  }
  const put64 = ours.filter((r) => r.op === "put" && r.clients === 64);
  if (put64.length > 0) {
    const best = Math.max(...put64.map((r) => r.opsPerSecond));
    console.log(
      `# target: ≥ 10000 puts/s at 64 clients: ` +
        put64.map((r) => `${r.opsPerSecond} (${label(r)})`).join(", ") +
        ` — ${best >= 10_000 ? "met" : "not met"}`,
    );
  }
  if (withEtcd) {
    const worse = ours.filter((r) => {
      const e = theirs.find((t) => label(t) === label(r));
      return e !== undefined && (r.opsPerSecond < e.opsPerSecond || r.p99Ms > e.p99Ms);
    });
    console.log(
      `# target: no worse than etcd at every point (ops/s and p99): ` +
        (worse.length === 0 ? "met" : `not met at ${worse.map(label).join(", ")}`),
    );
  }
}

if (import.meta.main) {
  const onSignal = () => {
    killAll("SIGKILL");
    removeTempDirsSync();
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  globalThis.addEventListener("unload", () => {
    killAll("SIGKILL");
    removeTempDirsSync();
  });
  let code = 0;
  try {
    await main(Deno.args);
  } catch (error) {
    console.error(`bench_cluster: ${error instanceof Error ? error.message : String(error)}`);
    code = 2;
  } finally {
    await Promise.all([...live].map((child) => stopChild(child, 5000)));
    removeTempDirsSync();
  }
  Deno.removeSignalListener("SIGINT", onSignal);
  Deno.removeSignalListener("SIGTERM", onSignal);
  Deno.exit(code);
}
