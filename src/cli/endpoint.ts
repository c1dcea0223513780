/**
 * `endpoint health` and `endpoint status`, with `--cluster` (the client URLs
 * of every member instead of `--endpoints`). Health is etcdctl 3.4's check:
 * a linearizable `get health` through a client of that endpoint alone; any
 * error but permission denied makes it unhealthy.
 *
 * @module
 */

import { EtcdError, GrpcCode } from "../proto/errors.ts";
import { rangeRequest } from "../proto/rpc.ts";
import { utf8Encode } from "../util/bytes.ts";
import { formatGoDuration } from "../util/go_duration.ts";
import { CtlExit, ExitCode, exitWithError } from "./exit.ts";
import { placeholder } from "./placeholders.ts";
import type { EndpointHealth, EndpointStatus } from "./printer.ts";
import {
  type ClientConfig,
  type CtlCommand,
  type CtlInvocation,
  errorMessage,
  type Session,
} from "./session.ts";

/** etcdctl's `endpointsFromCluster`: `--endpoints`, or every member's client URLs. */
async function endpointsFromCluster(inv: CtlInvocation, config: ClientConfig): Promise<string[]> {
  if (!inv.flags.bool("cluster")) return inv.flags.strings("endpoints");
  const client = inv.session.makeClient(config, config.endpoints, false);
  try {
    const resp = await client.memberList();
    return resp.members.flatMap((m) => m.clientUrls);
  } catch (e) {
    throw exitWithError(
      ExitCode.error,
      `failed to fetch endpoints from etcd cluster member list: ${errorMessage(e)}`,
    );
  }
}

async function checkHealth(
  session: Session,
  config: ClientConfig,
  ep: string,
): Promise<EndpointHealth> {
  const client = session.makeClient(config, [ep]);
  if (config.username && config.password) {
    try {
      await client.authenticate();
    } catch (e) {
      return { ep, health: false, took: "", error: errorMessage(e) };
    }
  }
  const start = session.monotonicMs();
  let error = "";
  try {
    await client.range(rangeRequest({ key: utf8Encode("health") }));
  } catch (e) {
    if (!(e instanceof EtcdError && e.code === GrpcCode.PermissionDenied)) error = errorMessage(e);
  }
  const took = formatGoDuration(BigInt(Math.round((session.monotonicMs() - start) * 1e6)));
  return { ep, health: error === "", took, error };
}

async function runHealth(inv: CtlInvocation): Promise<void> {
  const config = await inv.session.config(inv);
  const endpoints = await endpointsFromCluster(inv, config);
  const results: EndpointHealth[] = [];
  await Promise.all(
    endpoints.map(async (ep) => {
      results.push(await checkHealth(inv.session, config, ep));
    }),
  );
  inv.session.display.endpointHealth(results);
  if (results.some((h) => h.error !== "")) {
    throw exitWithError(ExitCode.error, "unhealthy cluster");
  }
}

async function runStatus(inv: CtlInvocation): Promise<void> {
  const config = await inv.session.config(inv);
  const client = await inv.session.newClient(config);
  const endpoints = await endpointsFromCluster(inv, config);
  const list: EndpointStatus[] = [];
  let failed = false;
  for (const ep of endpoints) {
    try {
      list.push({ ep, resp: await client.status(ep) });
    } catch (e) {
      failed = true;
      inv.session.output.err(`Failed to get the status of endpoint ${ep} (${errorMessage(e)})\n`);
    }
  }
  inv.session.display.endpointStatus(list);
  if (failed) throw new CtlExit(ExitCode.error, "");
}

const STATUS_LONG = `
When --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.
The items in the lists are endpoint, ID, version, db size, is leader, is learner, raft term, raft index, raft applied index, errors.
`;

/** The `endpoint` command group. */
export function endpointCommand(): CtlCommand {
  return {
    name: "endpoint",
    use: "endpoint <subcommand>",
    short: "Endpoint related commands",
    persistentFlags: [{
      name: "cluster",
      type: "bool",
      defValue: "false",
      usage: "use all endpoints from the cluster member list",
    }],
    subcommands: [
      {
        name: "health",
        use: "health",
        short: "Checks the healthiness of endpoints specified in `--endpoints` flag",
        run: runHealth,
      },
      {
        name: "status",
        use: "status",
        short: "Prints out the status of endpoints specified in `--endpoints` flag",
        long: STATUS_LONG,
        run: runStatus,
      },
      placeholder("hashkv", "Prints the KV history hash for each endpoint in --endpoints"),
    ],
  };
}
