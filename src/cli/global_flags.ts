/**
 * etcdctl's global flags (persistent on the root command) and how
 * `ETCDCTL_*` environment variables fill them (etcd's
 * `flags.SetPflagsFromEnv`): `ETCDCTL_DIAL_TIMEOUT` for `--dial-timeout`;
 * a variable set together with its flag is fatal, an unknown `ETCDCTL_*`
 * variable draws a warning, and a value that does not parse is ignored.
 *
 * @module
 */

import type { FlagSpec, FlagValues } from "./flags.ts";

/** The root command's persistent flags, as etcdctl 3.4 defines them. */
export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  {
    name: "cacert",
    type: "string",
    defValue: "",
    usage: "verify certificates of TLS-enabled secure servers using this CA bundle",
  },
  {
    name: "cert",
    type: "string",
    defValue: "",
    usage: "identify secure client using this TLS certificate file",
  },
  {
    name: "command-timeout",
    type: "duration",
    defValue: "5s",
    usage: "timeout for short running command (excluding dial timeout)",
  },
  { name: "debug", type: "bool", defValue: "false", usage: "enable client-side debug logging" },
  {
    name: "dial-timeout",
    type: "duration",
    defValue: "2s",
    usage: "dial timeout for client connections",
  },
  {
    name: "discovery-srv",
    shorthand: "d",
    type: "string",
    defValue: "",
    usage: "domain name to query for SRV records describing cluster endpoints",
  },
  {
    name: "discovery-srv-name",
    type: "string",
    defValue: "",
    usage: "service name to query when using DNS discovery",
  },
  { name: "endpoints", type: "stringSlice", defValue: "[127.0.0.1:2379]", usage: "gRPC endpoints" },
  {
    name: "hex",
    type: "bool",
    defValue: "false",
    usage: "print byte strings as hex encoded strings",
  },
  {
    name: "insecure-discovery",
    type: "bool",
    defValue: "true",
    usage: "accept insecure SRV records describing cluster endpoints",
  },
  {
    name: "insecure-skip-tls-verify",
    type: "bool",
    defValue: "false",
    usage:
      "skip server certificate verification (CAUTION: this option should be enabled only for testing purposes)",
  },
  {
    name: "insecure-transport",
    type: "bool",
    defValue: "true",
    usage: "disable transport security for client connections",
  },
  {
    name: "keepalive-time",
    type: "duration",
    defValue: "2s",
    usage: "keepalive time for client connections",
  },
  {
    name: "keepalive-timeout",
    type: "duration",
    defValue: "6s",
    usage: "keepalive timeout for client connections",
  },
  {
    name: "key",
    type: "string",
    defValue: "",
    usage: "identify secure client using this TLS key file",
  },
  {
    name: "password",
    type: "string",
    defValue: "",
    usage:
      "password for authentication (if this option is used, --user option shouldn't include password)",
  },
  {
    name: "user",
    type: "string",
    defValue: "",
    usage: "username[:password] for authentication (prompt if password is not supplied)",
  },
  {
    name: "write-out",
    shorthand: "w",
    type: "string",
    defValue: "simple",
    usage: "set the output format (fields, json, protobuf, simple, table)",
  },
];

/** `ETCDCTL_` + the flag name upper-cased with `-` as `_` (etcd's `FlagToEnv`). */
export function flagToEnv(name: string): string {
  return "ETCDCTL_" + name.toUpperCase().replaceAll("-", "_");
}

/** What applying the environment found: warnings to print, or a fatal conflict. */
export interface EnvOutcome {
  readonly warnings: readonly string[];
  readonly fatal: string | null;
}

/**
 * Fills the flags named `names` (the command's inherited flags) that were
 * not set on the command line from `env`, and checks the rest of `env` as
 * etcd's `verifyEnv` does. `env` is in the process's order.
 */
export function applyEnv(
  flags: FlagValues,
  names: readonly string[],
  env: readonly (readonly [string, string])[],
): EnvOutcome {
  const alreadySet = new Set(names.filter((n) => flags.changed(n)).map(flagToEnv));
  const used = new Set<string>();
  const lookup = new Map(env);
  for (const name of names) {
    const key = flagToEnv(name);
    const value = lookup.get(key);
    if (alreadySet.has(key) || value === undefined || value === "") continue;
    used.add(key);
    try {
      flags.set(name, value);
    } catch {
      // etcdctl ignores a value that does not parse; the flag keeps its default.
    }
  }
  const warnings: string[] = [];
  for (const [key, value] of env) {
    if (used.has(key)) continue;
    if (alreadySet.has(key)) {
      const fatal = `conflicting environment variable "${key}" is shadowed by corresponding ` +
        "command-line flag (either unset environment variable or disable flag)";
      return { warnings, fatal };
    }
    if (key.startsWith("ETCDCTL_")) {
      warnings.push(`unrecognized environment variable ${key}=${value}`);
    }
  }
  return { warnings, fatal: null };
}
