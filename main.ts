/**
 * The single entry point of etcd-ts: `etcd-ts serve`, `etcd-ts ctl …`,
 * `etcd-ts version`. All logic lives in `src/`; this file only wires the
 * server to its HTTP gateway and dispatches.
 *
 * @module
 */

import { processOutput, runMain } from "./src/cli/main_command.ts";
import { runServe } from "./src/server/serve.ts";
import { serveApi } from "./src/api/mod.ts";
import type { EtcdService } from "./src/server/service.ts";

function listenClient(service: EtcdService, url: URL) {
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const server = serveApi(service, { hostname, port: Number(url.port || 2379) });
  const address = server.addr.hostname.includes(":")
    ? `[${server.addr.hostname}]:${server.addr.port}`
    : `${server.addr.hostname}:${server.addr.port}`;
  return { address, shutdown: () => server.shutdown() };
}

if (import.meta.main) {
  const [command, ...rest] = Deno.args;
  const code = command === "serve"
    ? await runServe(rest, {
      env: Deno.env.toObject(),
      listenClient,
      stdout: processOutput.stdout,
      stderr: processOutput.stderr,
    })
    : await runMain(Deno.args);
  Deno.exit(code);
}
