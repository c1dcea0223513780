/**
 * `version`: the etcdctl and API versions ctl is compatible with.
 *
 * @module
 */

import { ETCDCTL_API_VERSION, ETCDCTL_VERSION } from "./help.ts";
import type { CtlCommand, CtlInvocation } from "./session.ts";

function runVersion(inv: CtlInvocation): Promise<void> {
  inv.session.output.out(
    `etcdctl version: ${ETCDCTL_VERSION}\nAPI version: ${ETCDCTL_API_VERSION}\n`,
  );
  return Promise.resolve();
}

/** The `version` command. */
export function versionCommand(): CtlCommand {
  return {
    name: "version",
    use: "version",
    short: "Prints the version of etcdctl",
    run: runVersion,
  };
}
