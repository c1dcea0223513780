/**
 * The single entry point of etcd-ts: `etcd-ts serve`, `etcd-ts ctl …`,
 * `etcd-ts version`. All logic lives in `src/`; this file only dispatches.
 *
 * @module
 */

import { runMain } from "./src/cli/main_command.ts";

if (import.meta.main) {
  Deno.exit(await runMain(Deno.args));
}
