/**
 * Real member processes in their own Linux network namespaces, for tests
 * that cut the network between members (not just kill processes).
 *
 * The topology, all made by {@linkcode NetnsTopology.create} and removed by
 * {@linkcode NetnsTopology.destroy}: one namespace per member with two veth
 * pairs, one into a "client" bridge and one into a "peer" bridge in the
 * root namespace. The client bridge has an address in the root namespace,
 * so the test process reaches every member's client URL; the peer bridge
 * has none (only members talk there). Cutting member i = setting the root
 * side of its peer veth down: peer traffic is dropped both ways, established
 * TCP streams included, while its client link stays up and the test can
 * still ask it. Names carry the pid and a counter (interface names ≤ 15
 * characters); the subnets are private and chosen among those no local
 * address uses.
 */

import { cleanEnv } from "./_member_process.ts";

const IP = "/usr/sbin/ip";

// deno-lint-ignore no-explicit-any -- tests read arbitrary JSON fields
type Json = any;
const mainPath = new URL("../../main.ts", import.meta.url).pathname;

/** Runs `ip …`; returns whether it succeeded and its stderr. */
function ipSync(args: string[]): { ok: boolean; stderr: string } {
  const out = new Deno.Command(IP, { args, stdout: "null", stderr: "piped" }).outputSync();
  return { ok: out.success, stderr: new TextDecoder().decode(out.stderr).trim() };
}

/** Runs `ip …`; throws with its stderr when it fails. */
async function ip(args: string[]): Promise<void> {
  const out = await new Deno.Command(IP, { args, stdout: "null", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`ip ${args.join(" ")}: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
}

/**
 * Why this machine cannot run namespace tests (not Linux, not root, no
 * `ip`, or creating a namespace or a veth pair fails), or null when it can.
 * Probes by creating and deleting a namespace and a veth pair.
 */
export function netnsUnavailable(): string | null {
  if (Deno.build.os !== "linux") return `needs Linux, this is ${Deno.build.os}`;
  if (Deno.uid() !== 0) return "needs root to create network namespaces";
  try {
    Deno.statSync(IP);
  } catch {
    return `${IP} not found`;
  }
  const tag = `etp${Deno.pid.toString(36)}`;
  const ns = ipSync(["netns", "add", tag]);
  if (!ns.ok) return `ip netns add failed: ${ns.stderr}`;
  ipSync(["netns", "del", tag]);
  const veth = ipSync(["link", "add", tag, "type", "veth", "peer", "name", `${tag}x`]);
  if (!veth.ok) return `ip link add … type veth failed: ${veth.stderr}`;
  ipSync(["link", "del", tag]);
  return null;
}

/** One member's place in the topology. */
export interface NetnsSlot {
  /** `m1`, `m2`, … */
  readonly name: string;
  /** The network namespace its process runs in. */
  readonly ns: string;
  /** e.g. `http://10.213.8.1:2379`, reachable from the root namespace. */
  readonly clientUrl: string;
  /** e.g. `http://10.213.9.1:2380`, reachable from the other members only. */
  readonly peerUrl: string;
  /** The root-namespace end of its peer veth: down = cut off from the others. */
  readonly peerLink: string;
}

let topologies = 0;

/** Namespaces, veths and bridges for `size` members; see the module comment. */
export class NetnsTopology {
  readonly slots: readonly NetnsSlot[];
  /** Undo steps, run last first by destroy. */
  readonly #undo: (() => Promise<void>)[];

  private constructor(slots: NetnsSlot[], undo: (() => Promise<void>)[]) {
    this.slots = slots;
    this.#undo = undo;
  }

  /** Builds the topology; on failure removes what it made and throws. */
  static async create(size: number): Promise<NetnsTopology> {
    const tag = `et${Deno.pid.toString(36)}${(topologies++).toString(36)}`; // ≤ 9 characters
    const [clientNet, peerNet] = freeSubnets();
    const undo: (() => Promise<void>)[] = [];
    const slots: NetnsSlot[] = [];
    const topology = new NetnsTopology(slots, undo);
    try {
      const clientBridge = `${tag}cb`;
      const peerBridge = `${tag}pb`;
      for (const bridge of [clientBridge, peerBridge]) {
        await ip(["link", "add", bridge, "type", "bridge"]);
        undo.push(() => ip(["link", "del", bridge]));
      }
      await ip(["addr", "add", `${clientNet}.254/24`, "dev", clientBridge]);
      await ip(["link", "set", clientBridge, "up"]);
      await ip(["link", "set", peerBridge, "up"]);
      for (let i = 1; i <= size; i++) {
        const ns = `etcdts-${tag}-m${i}`;
        await ip(["netns", "add", ns]);
        undo.push(() => ip(["netns", "del", ns]));
        await ip(["-n", ns, "link", "set", "lo", "up"]);
        for (
          const [kind, bridge, net] of [["c", clientBridge, clientNet], ["p", peerBridge, peerNet]]
        ) {
          const outside = `${tag}${kind}${i}`;
          const inside = `${outside}x`;
          await ip(["link", "add", outside, "type", "veth", "peer", "name", inside]);
          undo.push(() => ip(["link", "del", outside])); // takes its pair with it
          await ip(["link", "set", inside, "netns", ns]);
          await ip(["link", "set", outside, "master", bridge!]);
          await ip(["link", "set", outside, "up"]);
          await ip(["-n", ns, "addr", "add", `${net}.${i}/24`, "dev", inside]);
          await ip(["-n", ns, "link", "set", inside, "up"]);
        }
        slots.push({
          name: `m${i}`,
          ns,
          clientUrl: `http://${clientNet}.${i}:2379`,
          peerUrl: `http://${peerNet}.${i}:2380`,
          peerLink: `${tag}p${i}`,
        });
      }
    } catch (error) {
      await topology.destroy();
      throw error;
    }
    return topology;
  }

  /** Cuts member `index` off from the other members (its clients still reach it). */
  async cut(index: number): Promise<void> {
    await ip(["link", "set", this.slots[index]!.peerLink, "down"]);
  }

  /** Undoes {@linkcode cut}. */
  async heal(index: number): Promise<void> {
    await ip(["link", "set", this.slots[index]!.peerLink, "up"]);
  }

  /** Removes everything create made (errors ignored); kill the processes first. */
  async destroy(): Promise<void> {
    while (this.#undo.length > 0) {
      await this.#undo.pop()!().catch(() => {});
    }
  }
}

/** Two private /24 prefixes (`10.a.b`) that no local address or route uses. */
function freeSubnets(): [string, string] {
  const out = new Deno.Command(IP, { args: ["-4", "route", "show", "table", "all"] }).outputSync();
  const addrs = new Deno.Command(IP, { args: ["-4", "addr"] }).outputSync();
  const used = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(addrs.stdout);
  const taken = (net: string) => used.includes(`${net}.`);
  for (let attempt = 0; attempt < 1000; attempt++) {
    const seed = Deno.pid + attempt * 7919 + topologies * 104729;
    const net = `10.${200 + (seed % 50)}.${2 * (Math.floor(seed / 50) % 120)}`;
    const next = net.replace(/\.(\d+)$/, (_, b) => `.${Number(b) + 1}`);
    if (!taken(net) && !taken(next)) return [net, next];
  }
  throw new Error("no free 10.x.y.0/24 pair for the test network");
}

/** A `serve` process started inside a namespace. */
export class NetnsMember {
  readonly child: Deno.ChildProcess;
  /** e.g. `http://10.213.8.1:2379` */
  readonly clientUrl: string;
  #stderr = "";
  readonly #drained: Promise<void>;

  private constructor(child: Deno.ChildProcess, clientUrl: string) {
    this.child = child;
    this.clientUrl = clientUrl;
    this.#drained = this.#drain();
  }

  /**
   * Starts `ip netns exec <ns> deno run -A main.ts serve` with `env` (plus
   * this process's environment without ETCD_*), and waits until it logs that
   * it serves clients; throws (and kills it) after `timeoutMs`.
   */
  static async start(
    ns: string,
    clientUrl: string,
    env: Record<string, string>,
    timeoutMs = 30_000,
  ): Promise<NetnsMember> {
    const child = new Deno.Command(IP, {
      // `ip netns exec` execs the command: the child's pid is deno's.
      args: ["netns", "exec", ns, Deno.execPath(), "run", "-A", mainPath, "serve"],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
      env: { ...cleanEnv(), ...env },
      clearEnv: true,
    }).spawn();
    const member = new NetnsMember(child, clientUrl);
    const deadline = Date.now() + timeoutMs;
    while (!member.#stderr.includes("serving client traffic")) {
      const exited = await Promise.race([
        child.status.then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), 50)),
      ]);
      if (exited || Date.now() > deadline) {
        const { status, stderr } = await member.stop();
        throw new Error(
          `serve in ${ns} ${exited ? `exited (${status.code})` : "timed out"} before serving:\n` +
            stderr,
        );
      }
    }
    return member;
  }

  async #drain(): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of this.child.stderr) this.#stderr += decoder.decode(chunk);
  }

  /** Everything it logged so far. */
  get log(): string {
    return this.#stderr;
  }

  /**
   * POSTs JSON to a v3 path and returns status and parsed body; gives up
   * (throws) after `timeoutMs`.
   */
  async post(
    path: string,
    body: unknown,
    timeoutMs = 20_000,
  ): Promise<{ status: number; body: Json }> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`${path} timed out`)), timeoutMs);
    try {
      const response = await fetch(this.clientUrl + path, {
        method: "POST",
        body: JSON.stringify(body),
        signal: abort.signal,
      });
      const text = await response.text();
      return { status: response.status, body: text === "" ? null : JSON.parse(text) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills it (SIGKILL by default) and returns its status and whole stderr. */
  async stop(
    signal: Deno.Signal = "SIGKILL",
  ): Promise<{ status: Deno.CommandStatus; stderr: string }> {
    try {
      this.child.kill(signal);
    } catch {
      // already exited
    }
    const status = await this.child.status;
    await this.#drained;
    return { status, stderr: this.#stderr };
  }
}
