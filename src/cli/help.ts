/**
 * Help and usage texts: etcdctl's own template (`NAME:`, `USAGE:`,
 * `OPTIONS:` … aligned by a Go tabwriter with tabs), and cobra's default
 * template, which etcdctl's txn shows for a bad flag in a txn request.
 *
 * @module
 */

import { goQuote } from "../util/go_strconv.ts";
import { API_VERSION, ETCD_COMPAT_VERSION } from "../util/version.ts";
import { type Command, flagsOf, subcommandsOf, useLine } from "./command.ts";
import type { FlagSpec } from "./flags.ts";
import { tabwriterFormat } from "./tabwriter.ts";

/** etcdctl's version, as the etcd release etcd-ts reproduces. */
export const ETCDCTL_VERSION = ETCD_COMPAT_VERSION;
/** The API version ctl claims. */
export const ETCDCTL_API_VERSION = API_VERSION;

function sortFlags(specs: readonly FlagSpec[]): FlagSpec[] {
  return specs.filter((f) => !f.hidden).sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** etcdctl's `etcdFlagUsages`: `      --name=default\tusage` lines. */
function etcdFlagUsages(specs: readonly FlagSpec[]): string {
  return sortFlags(specs).map((f) => {
    const names = f.shorthand ? `  -${f.shorthand}, --${f.name}` : `      --${f.name}`;
    const value = f.type === "string" ? goQuote(f.defValue) : f.defValue;
    const assign = f.type === "bool" ? `[=${value}]` : `=${value}`;
    return `${names}${assign}\t${f.usage}\n`;
  }).join("");
}

/** Every subcommand under `cmd`, depth first, with its name relative to `cmd`. */
function flatten<S>(cmd: Command<S>, prefix: string): [Command<S>, string][] {
  return subcommandsOf(cmd).flatMap((sub): [Command<S>, string][] => {
    const name = prefix === "" ? sub.name : `${prefix} ${sub.name}`;
    return [[sub, name], ...flatten(sub, name)];
  });
}

function descriptionLines(long: string): string[] {
  return long.replace(/^[\n\t ]+|[\n\t ]+$/g, "").split("\n");
}

/**
 * etcdctl's usage (and help) text for the last command of `path`.
 * `withHelpFlag: false` leaves out `-h, --help`, as cobra does for a
 * command whose help flag it has not set up yet (the root's usage after
 * `help <unknown>`).
 */
export function etcdUsage<S>(path: readonly Command<S>[], withHelpFlag = true): string {
  const cmd = path[path.length - 1]!;
  const isRoot = path.length === 1;
  const name = isRoot ? cmd.name : path.slice(1).map((c) => c.name).join(" ");
  let text = `NAME:\n\t${name} - ${cmd.short}\n\nUSAGE:\n\t${useLine(path)}\n`;
  if (isRoot) text += `\nVERSION:\n\t${ETCDCTL_VERSION}\n`;
  if ((cmd.subcommands ?? []).length > 0) {
    text += `\nAPI VERSION:\n\t${ETCDCTL_API_VERSION}\n\n\nCOMMANDS:\n`;
    for (const [sub, subName] of flatten(cmd, "")) {
      if (sub.run !== undefined) text += `\t${subName}\t${sub.short}\n`;
    }
  }
  if (cmd.long !== undefined && cmd.long !== "") {
    text += "\nDESCRIPTION:\n" + descriptionLines(cmd.long).map((l) => `\t${l}\n`).join("");
  }
  const { local, inherited } = flagsOf(path);
  text += `\nOPTIONS:\n${etcdFlagUsages(local.filter((f) => withHelpFlag || f.name !== "help"))}`;
  if (!isRoot) text += `\nGLOBAL OPTIONS:\n${etcdFlagUsages(inherited)}`;
  return tabwriterFormat(text + "\n");
}

function typeName(spec: FlagSpec): string {
  switch (spec.type) {
    case "bool":
      return "";
    case "int64":
      return "int";
    case "stringSlice":
      return "strings";
    default:
      return spec.type;
  }
}

/** pflag's `defaultIsZeroValue`. */
function isZeroDefault(spec: FlagSpec): boolean {
  switch (spec.type) {
    case "bool":
      return spec.defValue === "false";
    case "duration":
      return spec.defValue === "0" || spec.defValue === "0s";
    case "int64":
      return spec.defValue === "0";
    case "string":
      return spec.defValue === "";
    case "stringSlice":
      return spec.defValue === "[]";
  }
}

/** pflag's `FlagUsages`: `  -h, --help   usage (default …)` lines. */
function pflagUsages(specs: readonly FlagSpec[]): string {
  const entries = sortFlags(specs).map((f) => {
    let names = f.shorthand ? `  -${f.shorthand}, --${f.name}` : `      --${f.name}`;
    let usage = f.usage;
    const quoted = /`([^`]*)`/.exec(usage);
    const varName = quoted ? quoted[1]! : typeName(f);
    if (quoted) usage = usage.replace(quoted[0], quoted[1]!);
    if (varName !== "") names += ` ${varName}`;
    if (!isZeroDefault(f)) {
      usage += f.type === "string"
        ? ` (default ${goQuote(f.defValue)})`
        : ` (default ${f.defValue})`;
    }
    return [names, usage] as const;
  });
  const width = Math.max(...entries.map(([names]) => names.length));
  return entries.map(([names, usage]) => `${names.padEnd(width)}   ${usage}\n`).join("");
}

/**
 * cobra's default usage text for the last command of `path`, as etcdctl's
 * txn prints it for a request it cannot parse (commands without
 * subcommands: `Usage:`, `Flags:`, `Global Flags:`).
 */
export function cobraUsage<S>(path: readonly Command<S>[]): string {
  const { local, inherited } = flagsOf(path);
  let text = `Usage:\n  ${useLine(path)}\n\nFlags:\n${pflagUsages(local).trimEnd()}`;
  if (inherited.length > 0) text += `\n\nGlobal Flags:\n${pflagUsages(inherited).trimEnd()}`;
  return text + "\n";
}
