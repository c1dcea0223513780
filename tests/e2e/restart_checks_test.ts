/**
 * What a restart checks against its data directory, on a real process: a
 * member created with one --initial-cluster-token refuses, with one line on
 * stderr and exit 1, to restart with another token given explicitly (flag
 * or ETCD_INITIAL_CLUSTER_TOKEN), and leaves its data as it was; with the
 * same token, or none, it restarts with its data.
 *
 * (etcd 3.4.23 itself ignores the token on a restart; refusing is etcd-ts's
 * stricter answer to a data dir reused for another cluster.)
 */

import assert from "node:assert/strict";
import { b64, cleanEnv, MemberProcess, unb64 } from "./_member_process.ts";

const mainPath = new URL("../../main.ts", import.meta.url).pathname;

/** Every file under `dir` with its bytes (hex of a SHA-256), sorted by path. */
async function filesOf(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (path: string): Promise<void> => {
    for (const entry of [...Deno.readDirSync(path)].sort((a, b) => a.name < b.name ? -1 : 1)) {
      const full = `${path}/${entry.name}`;
      if (entry.isDirectory) await walk(full);
      else {
        const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(full));
        files.set(full, Array.from(new Uint8Array(digest), (x) => x.toString(16)).join(""));
      }
    }
  };
  await walk(dir);
  return files;
}

/** Runs `serve`, expected to refuse to start: its exit code and stderr (killed after 20 s). */
async function serveExit(dataDir: string, args: string[], env: Record<string, string> = {}) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      mainPath,
      "serve",
      `--data-dir=${dataDir}`,
      "--listen-client-urls=http://127.0.0.1:0",
      "--advertise-client-urls=http://127.0.0.1:2379",
      "--listen-peer-urls=http://127.0.0.1:0",
      ...args,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { ...cleanEnv(), ...env },
    clearEnv: true,
  }).spawn();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const killed = new Promise<"running">((resolve) => {
    timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve("running");
    }, 20_000);
  });
  const [stderr, exit] = await Promise.all([
    new Response(child.stderr).text(),
    Promise.race([child.status, killed]),
  ]);
  clearTimeout(timer);
  await child.status;
  assert.notEqual(exit, "running", `serve started instead of refusing:\n${stderr}`);
  return { code: (exit as Deno.CommandStatus).code, stderr };
}

async function value(member: MemberProcess, key: string): Promise<string | null> {
  const r = await member.post("/v3/kv/range", { key: b64(key) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.kvs === undefined ? null : unb64(r.body.kvs[0].value);
}

Deno.test("a restart with another explicit --initial-cluster-token is refused; the same or none starts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "etcd-ts-restart-" });
  const dataDir = `${dir}/m.etcd`;
  try {
    const first = await MemberProcess.start(dataDir, ["--initial-cluster-token=tokA"]);
    const put = await first.post("/v3/kv/put", { key: b64("kept"), value: b64("yes") });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal((await first.stop()).status.code, 0);
    const before = await filesOf(dataDir);

    const expected =
      `etcd-ts: data dir ${
        JSON.stringify(dataDir)
      } belongs to cluster token "tokA", not "tokB" (--initial-cluster-token); ` +
      "a restart ignores the initial-* settings: drop the flag, or use another data dir";
    for (
      const [args, env] of [
        [["--initial-cluster-token=tokB"], {}],
        [[], { ETCD_INITIAL_CLUSTER_TOKEN: "tokB" }],
      ] as const
    ) {
      const refused = await serveExit(dataDir, [...args], env);
      assert.equal(refused.code, 1, refused.stderr);
      const lines = refused.stderr.trim().split("\n");
      assert.equal(lines.at(-1), expected);
      // Everything before it is the structured log: one plain line, no stack trace.
      assert.equal(lines.filter((line) => !line.startsWith("{")).length, 1, refused.stderr);
      assert.deepEqual(await filesOf(dataDir), before, "a refused start changed the data dir");
    }

    for (const args of [["--initial-cluster-token=tokA"], []]) {
      const again = await MemberProcess.start(dataDir, args);
      try {
        assert.equal(await value(again, "kept"), "yes");
      } finally {
        assert.equal((await again.stop()).status.code, 0);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
