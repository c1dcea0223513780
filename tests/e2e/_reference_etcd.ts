/**
 * A real single-member etcd 3.4 on loopback (Debian's `etcd-server`, which
 * `.ci/run` installs) for the differential tests: the same requests go to it
 * and to etcd-ts. Without the binary those tests are reported as ignored.
 */

import { cleanEnv } from "./_member_process.ts";
import { freePort } from "./_cluster.ts";

/** Where Debian's etcd-server puts the binary. */
export const ETCD_BINARY = "/usr/bin/etcd";

/** Whether a real etcd is installed. */
export function etcdInstalled(): boolean {
  try {
    return Deno.statSync(ETCD_BINARY).isFile;
  } catch {
    return false;
  }
}

/** A running reference etcd: its client URL, and how to stop it. */
export interface ReferenceEtcd {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts a fresh etcd with its data under `dir` and waits until it reports healthy (10 s at most). */
export async function startReferenceEtcd(dir: string): Promise<ReferenceEtcd> {
  const [client, peer] = [freePort(), freePort()];
  const child = new Deno.Command(ETCD_BINARY, {
    args: [
      "--name=ref",
      `--data-dir=${dir}/ref.etcd`,
      `--listen-client-urls=http://127.0.0.1:${client}`,
      `--advertise-client-urls=http://127.0.0.1:${client}`,
      `--listen-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-cluster=ref=http://127.0.0.1:${peer}`,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
    env: cleanEnv(),
    clearEnv: true,
  }).spawn();
  const url = `http://127.0.0.1:${client}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await (await fetch(`${url}/health`)).text()).includes("true")) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    async stop() {
      child.kill("SIGKILL");
      await child.status;
    },
  };
}
