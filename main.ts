/**
 * The single entry point of etcd-ts: `etcd-ts serve`, `etcd-ts ctl …`,
 * `etcd-ts version`. All logic lives in `src/`; this file only wires the
 * server to its HTTP gateway and hands `serve` to the command dispatch.
 *
 * @module
 */

import { type MainOutput, runMain } from "./src/cli/main_command.ts";
import { runServe } from "./src/server/serve.ts";
import { serveApi } from "./src/api/mod.ts";
import type { EtcdService } from "./src/server/service.ts";

function listenClient(service: EtcdService, url: URL) {
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const server = serveApi(service, { hostname, port: Number(url.port || 2379) });
  const { hostname: host, port } = server.addr;
  const address = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  return { address, shutdown: () => server.shutdown() };
}

function serve(args: string[], out: MainOutput): Promise<number> {
  return runServe(args, {
    env: Deno.env.toObject(),
    listenClient,
    stdout: out.stdout,
    stderr: out.stderr,
  });
}

if (import.meta.main) {
  Deno.exit(await runMain(Deno.args, undefined, serve));
}
