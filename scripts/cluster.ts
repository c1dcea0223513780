/**
 * `deno task cluster`: three members on loopback, configured exactly as the
 * seed's three-VM recipe (ETCD_* variables only), for local play. Prints how
 * to talk to them; Ctrl-C (or SIGTERM) stops all three.
 *
 * Usage: `deno run -A scripts/cluster.ts [--base-port 2379] [--data-dir .cluster]`
 * Member i (1..3) uses client port base+10000·(i−1) and peer port that +1
 * (2379/2380, 12379/12380, 22379/22380 by default).
 *
 * @module
 */

import { parseArgs } from "node:util";

const mainPath = new URL("../main.ts", import.meta.url).pathname;

interface MemberPlan {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
}

function plan(basePort: number, dataRoot: string): MemberPlan[] {
  return [1, 2, 3].map((i) => {
    const client = basePort + 10000 * (i - 1);
    return {
      name: `infra${i}`,
      clientUrl: `http://127.0.0.1:${client}`,
      peerUrl: `http://127.0.0.1:${client + 1}`,
      dataDir: `${dataRoot}/infra${i}.etcd`,
    };
  });
}

/** The ETCD_* variables of one member, as the seed's recipe sets them. */
export function memberEnv(member: MemberPlan, all: readonly MemberPlan[]): Record<string, string> {
  return {
    ETCD_NAME: member.name,
    ETCD_DATA_DIR: member.dataDir,
    ETCD_LISTEN_CLIENT_URLS: member.clientUrl,
    ETCD_ADVERTISE_CLIENT_URLS: member.clientUrl,
    ETCD_LISTEN_PEER_URLS: member.peerUrl,
    ETCD_INITIAL_ADVERTISE_PEER_URLS: member.peerUrl,
    ETCD_INITIAL_CLUSTER: all.map((m) => `${m.name}=${m.peerUrl}`).join(","),
    ETCD_INITIAL_CLUSTER_STATE: "new",
    ETCD_INITIAL_CLUSTER_TOKEN: "etcd-ts-local",
  };
}

async function pipeWithPrefix(stream: ReadableStream<Uint8Array>, prefix: string): Promise<void> {
  const encoder = new TextEncoder();
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) await Deno.stderr.write(encoder.encode(`${prefix} ${line}\n`));
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      "base-port": { type: "string", default: "2379" },
      "data-dir": { type: "string", default: ".cluster" },
    },
  });
  const members = plan(Number(values["base-port"]), values["data-dir"]);
  const children = members.map((member) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", mainPath, "serve"],
      env: memberEnv(member, members),
      stdin: "null",
      stdout: "inherit",
      stderr: "piped",
    }).spawn();
    pipeWithPrefix(child.stderr, `[${member.name}]`).catch(() => {});
    return child;
  });
  const endpoints = members.map((m) => m.clientUrl).join(",");
  console.log(`three members starting; data under ${values["data-dir"]}/`);
  console.log(`  deno task ctl --endpoints=${endpoints} member list -w table`);
  console.log(`  deno task ctl --endpoints=${endpoints} put mykey myvalue`);
  console.log(`  curl -s -X POST ${members[0]!.clientUrl}/v3/kv/range -d '{"key":"bXlrZXk="}'`);
  console.log("Ctrl-C stops all three.");
  const stop = () => {
    for (const child of children) {
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
    }
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  await Promise.all(children.map((child) => child.status));
  Deno.removeSignalListener("SIGINT", stop);
  Deno.removeSignalListener("SIGTERM", stop);
}

if (import.meta.main) await main();
