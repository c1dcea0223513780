/**
 * The etcdctl 3.4 commands ctl does not have yet. They stand in the tree
 * under their real names so that help listings, cobra's prefix matching
 * (`e` is ambiguous: elect, endpoint) and "Did you mean this?" come out as
 * etcdctl's; running one says it is not implemented (exit 4, etcdctl's
 * code for an unsupported feature).
 *
 * @module
 */

import { commandPath } from "./command.ts";
import { ExitCode, exitWithError } from "./exit.ts";
import type { CtlCommand, CtlInvocation } from "./session.ts";

function notImplemented(inv: CtlInvocation): Promise<void> {
  throw exitWithError(
    ExitCode.badFeature,
    `"${commandPath(inv.path)}" is not implemented by etcd-ts ctl yet`,
  );
}

/** A command ctl does not have: any arguments, and running it fails. */
export function placeholder(name: string, short: string): CtlCommand {
  return { name, use: name, short, disableFlagParsing: true, run: notImplemented };
}

/** A group of commands ctl does not have. */
export function placeholderGroup(
  name: string,
  short: string,
  children: readonly (readonly [string, string])[],
  more: Partial<CtlCommand> = {},
): CtlCommand {
  return {
    name,
    use: `${name} <subcommand>`,
    short,
    subcommands: children.map(([n, s]) => placeholder(n, s)),
    ...more,
  };
}

/** etcdctl's `alarm`. */
export const alarmCommand = (): CtlCommand =>
  placeholderGroup("alarm", "Alarm related commands", [
    ["disarm", "Disarms all alarms"],
    ["list", "Lists all alarms"],
  ]);

/** etcdctl's `snapshot`. */
export const snapshotCommand = (): CtlCommand =>
  placeholderGroup("snapshot", "Manages etcd node snapshots", [
    ["save", "Stores an etcd node backend snapshot to a given file"],
    ["restore", "Restores an etcd member snapshot to an etcd directory"],
    ["status", "Gets backend snapshot status of a given file"],
  ]);

/** etcdctl's `auth`. */
export const authCommand = (): CtlCommand =>
  placeholderGroup("auth", "Enable or disable authentication", [
    ["enable", "Enables authentication"],
    ["disable", "Disables authentication"],
  ], { use: "auth <enable or disable>" });

/** etcdctl's `user`. */
export const userCommand = (): CtlCommand =>
  placeholderGroup("user", "User related commands", [
    ["add", "Adds a new user"],
    ["delete", "Deletes a user"],
    ["get", "Gets detailed information of a user"],
    ["list", "Lists all users"],
    ["passwd", "Changes password of user"],
    ["grant-role", "Grants a role to a user"],
    ["revoke-role", "Revokes a role from a user"],
  ]);

/** etcdctl's `role`. */
export const roleCommand = (): CtlCommand =>
  placeholderGroup("role", "Role related commands", [
    ["add", "Adds a new role"],
    ["delete", "Deletes a role"],
    ["get", "Gets detailed information of a role"],
    ["list", "Lists all roles"],
    ["grant-permission", "Grants a key to a role"],
    ["revoke-permission", "Revokes a key from a role"],
  ]);

/** etcdctl's `check`. */
export const checkCommand = (): CtlCommand =>
  placeholderGroup("check", "commands for checking properties of the etcd cluster", [
    ["perf", "Check the performance of the etcd cluster"],
    [
      "datascale",
      "Check the memory usage of holding data for different workloads on a given server endpoint.",
    ],
  ]);

/** cobra's `completion`. */
export const completionCommand = (): CtlCommand =>
  placeholderGroup("completion", "Generate the autocompletion script for the specified shell", [
    ["bash", "Generate the autocompletion script for bash"],
    ["fish", "Generate the autocompletion script for fish"],
    ["powershell", "Generate the autocompletion script for powershell"],
    ["zsh", "Generate the autocompletion script for zsh"],
  ], {
    use: "completion",
    long: "Generate the autocompletion script for etcdctl for the specified shell.\n" +
      "See each sub-command's help for details on how to use the generated script.\n",
  });

/** etcdctl's single commands ctl does not have, by name. */
export const SINGLE_PLACEHOLDERS: Readonly<Record<string, string>> = {
  defrag: "Defragments the storage of the etcd members with given endpoints",
  "move-leader": "Transfers leadership to another etcd cluster member.",
  "make-mirror": "Makes a mirror at the destination etcd cluster",
  migrate: "Migrates keys in a v2 store to a mvcc store",
  lock: "Acquires a named lock",
  elect: "Observes and participates in leader election",
};

/** The single placeholder named `name`. */
export function single(name: keyof typeof SINGLE_PLACEHOLDERS & string): CtlCommand {
  return placeholder(name, SINGLE_PLACEHOLDERS[name]!);
}
