import assert from "node:assert/strict";
import type { Member } from "../proto/rpc.ts";
import { joinPath } from "../storage/fs.ts";
import { MemFileSystem } from "../storage/mem_fs.ts";
import { parseServeConfig } from "./config.ts";
import {
  bootstrapMember,
  type BootstrapOptions,
  clusterTokenFile,
  ClusterTokenMismatchError,
  DataDirError,
  memberDirOf,
  readClusterToken,
} from "./bootstrap.ts";

const dataDir = "/data/m1.etcd";
const tokenPath = joinPath(memberDirOf(dataDir), clusterTokenFile);
const self: Member = {
  id: 0x10n,
  name: "m1",
  peerUrls: ["http://127.0.0.1:2380"],
  clientUrls: [],
  isLearner: false,
};

function options(
  fs: MemFileSystem,
  clusterToken: BootstrapOptions["clusterToken"],
  join = false,
): BootstrapOptions {
  return {
    fs,
    dataDir,
    memberId: self.id,
    clusterId: 0x99n,
    initialMembers: [self],
    join,
    ...(clusterToken === undefined ? {} : { clusterToken }),
    storage: {},
    machine: { quotaBytes: 1 << 30 },
  };
}

/** The member directory, created durably (as a start that died before its WAL leaves it). */
function makeMemberDir(fs: MemFileSystem): void {
  fs.mkdirAll(memberDirOf(dataDir));
  for (const dir of ["/", "/data", dataDir]) fs.syncDir(dir);
}

/** Bootstraps (or restarts) and closes the storage at once; returns whether it restarted. */
function boot(fs: MemFileSystem, clusterToken: BootstrapOptions["clusterToken"], join = false) {
  const booted = bootstrapMember(options(fs, clusterToken, join));
  booted.storage.close();
  return booted.restarted;
}

Deno.test("bootstrap: a new cluster's member records its token durably, explicit or default", () => {
  for (
    const token of [{ value: "A", explicit: true }, { value: "etcd-cluster", explicit: false }]
  ) {
    const fs = new MemFileSystem();
    assert.equal(boot(fs, token), false);
    fs.crash(); // only what was made durable survives
    assert.equal(readClusterToken(fs, dataDir), token.value);
    assert.equal(
      new TextDecoder().decode(fs.readFile(tokenPath)),
      `{"initial-cluster-token":${JSON.stringify(token.value)}}\n`,
    );
    assert.equal(fs.exists(`${tokenPath}.tmp`), false);
    assert.equal(boot(fs, token), true, "the WAL survived too: a restart");
  }
});

Deno.test("bootstrap: a restart given another token explicitly is refused and touches nothing", () => {
  const fs = new MemFileSystem();
  boot(fs, { value: "A", explicit: true });
  const before = fs.snapshotFiles();
  assert.throws(
    () => boot(fs, { value: "B", explicit: true }),
    (error: unknown) =>
      error instanceof ClusterTokenMismatchError &&
      error.message ===
        `data dir "/data/m1.etcd" belongs to cluster token "A", not "B" (--initial-cluster-token); ` +
          "a restart ignores the initial-* settings: drop the flag, or use another data dir",
  );
  assert.deepEqual(fs.snapshotFiles(), before);
});

Deno.test("bootstrap: a restart with the same token, the default or none starts", () => {
  const fs = new MemFileSystem();
  boot(fs, { value: "A", explicit: true });
  assert.equal(boot(fs, { value: "A", explicit: true }), true);
  assert.equal(boot(fs, { value: "etcd-cluster", explicit: false }), true);
  assert.equal(boot(fs, undefined), true);
  assert.equal(readClusterToken(fs, dataDir), "A", "a restart never rewrites the token");
});

Deno.test("bootstrap: a data dir from before the token file starts with any token", () => {
  const fs = new MemFileSystem();
  boot(fs, undefined); // no token given: nothing recorded, as older data dirs
  assert.equal(fs.exists(tokenPath), false);
  assert.equal(boot(fs, { value: "B", explicit: true }), true);
  assert.equal(fs.exists(tokenPath), false);
});

Deno.test("bootstrap: a joined member records no token, and drops one left by a crashed new start", () => {
  const fs = new MemFileSystem();
  makeMemberDir(fs);
  fs.open(tokenPath, { create: true, write: true }).close(); // a start that died before its WAL
  fs.syncDir(memberDirOf(dataDir));
  assert.equal(boot(fs, { value: "A", explicit: true }, true), false);
  fs.crash();
  assert.equal(fs.exists(tokenPath), false);
  // So a restart never compares: the joiner's token setting played no part in its ids.
  assert.equal(readClusterToken(fs, dataDir), null);
});

Deno.test("bootstrap: a new start over a token file without a WAL records the new token", () => {
  const fs = new MemFileSystem();
  makeMemberDir(fs);
  const file = fs.open(tokenPath, { create: true, write: true });
  file.writeAt(new TextEncoder().encode('{"initial-cluster-token":"old"}\n'), 0);
  file.close();
  assert.equal(boot(fs, { value: "new", explicit: true }), false);
  assert.equal(readClusterToken(fs, dataDir), "new");
});

Deno.test("bootstrap: an unreadable token file is a data dir error when a token is given", () => {
  const fs = new MemFileSystem();
  boot(fs, { value: "A", explicit: true });
  const file = fs.open(tokenPath, { write: true });
  file.truncate(0);
  file.writeAt(new TextEncoder().encode("{not json"), 0);
  file.close();
  assert.equal(boot(fs, undefined), true, "not read when no token is given");
  assert.throws(
    () => boot(fs, { value: "A", explicit: true }),
    (error: unknown) =>
      error instanceof DataDirError && error.message.includes(`cannot read ${tokenPath}`),
  );
});

Deno.test("bootstrap: the token counts as given from a flag, its variable or the config file", () => {
  const config = (args: string[], env: Record<string, string> = {}, file = "") => {
    const command = parseServeConfig(args, env, () => file);
    assert.equal(command.kind, "serve");
    return command.kind === "serve" ? command.config : null;
  };
  const token = (c: ReturnType<typeof config>) => [
    c?.initialClusterToken,
    c?.initialClusterTokenExplicit,
  ];
  assert.deepEqual(token(config([])), ["etcd-cluster", false]);
  assert.deepEqual(token(config(["--initial-cluster-token=A"])), ["A", true]);
  assert.deepEqual(token(config(["--initial-cluster-token", "etcd-cluster"])), [
    "etcd-cluster",
    true,
  ]);
  assert.deepEqual(token(config([], { ETCD_INITIAL_CLUSTER_TOKEN: "B" })), ["B", true]);
  assert.deepEqual(
    token(config(["--config-file=/e.yml"], {}, "initial-cluster-token: C\n")),
    ["C", true],
  );
  assert.deepEqual(token(config(["--config-file=/e.yml"], {}, "name: x\n")), [
    "etcd-cluster",
    false,
  ]);
});

Deno.test("bootstrap: a joined member stopped before its first snapshot restarts, waiting for it", () => {
  const fs = new MemFileSystem();
  assert.equal(boot(fs, undefined, true), false);
  fs.crash();
  const booted = bootstrapMember(options(fs, undefined, true));
  try {
    assert.equal(booted.restarted, true);
    assert.equal(booted.machine.appliedIndex, 0);
    assert.deepEqual(booted.machine.members().map((m) => m.id), [self.id]);
  } finally {
    booted.storage.close();
  }
});
