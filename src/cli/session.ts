/**
 * One ctl run: its I/O, the printer `--write-out` picked, and the client
 * built from the global flags as etcdctl's `mustClientFromCmd` builds it
 * (environment → endpoints and timeouts → TLS → credentials → printer →
 * client, authenticating when a user is given).
 *
 * @module
 */

import { EtcdClient, type EtcdClientOptions, type TlsOptions } from "../client/mod.ts";
import type { Command, Invocation } from "./command.ts";
import { flagsOf } from "./command.ts";
import { newPrinter } from "./display.ts";
import { CtlExit, ExitCode, exitWithError } from "./exit.ts";
import type { FlagValues } from "./flags.ts";
import { applyEnv } from "./global_flags.ts";
import { Output, type Sink } from "./output.ts";
import type { Printer } from "./printer.ts";
import { StdinReader } from "./stdin.ts";

/** The I/O of one ctl run; tests inject their own. */
export interface CtlIo {
  readonly stdout: Sink;
  readonly stderr: Sink;
  /** Opens standard input (called at most once, only when a command reads it). */
  readonly stdin: () => ReadableStream<Uint8Array> | null;
  /** The environment, in the process's order. */
  readonly env: Readonly<Record<string, string>>;
  /** Replaces `fetch` for every client (tests). */
  readonly fetch?: typeof fetch;
  /** A monotonic clock in milliseconds (`endpoint health`'s "took"). */
  readonly monotonicMs?: () => number;
  /** The wall clock (timestamps of etcdctl's log lines). */
  readonly now?: () => Date;
  /** Reads a PEM file (TLS flags). */
  readonly readTextFile?: (path: string) => string;
}

/** The client settings the global flags give. */
export interface ClientConfig {
  readonly endpoints: readonly string[];
  readonly dialTimeoutMs: number;
  readonly commandTimeoutMs: number;
  readonly tls: TlsOptions | null;
  readonly username: string | null;
  readonly password: string | null;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** capnslog's line prefix: `2026-11-23 23:47:05.941354 C | pkg/flags: `. */
export function capnslogPrefix(date: Date, level: "C" | "W"): string {
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return `${day} ${time}.${pad(date.getMilliseconds(), 3)}000 ${level} | pkg/flags: `;
}

function nsToMs(ns: bigint): number {
  return Number(ns) / 1e6;
}

function fileError(path: string, e: unknown): string {
  if (e instanceof Deno.errors.NotFound) return `open ${path}: no such file or directory`;
  if (e instanceof Deno.errors.IsADirectory) return `read ${path}: is a directory`;
  if (e instanceof Deno.errors.PermissionDenied) return `open ${path}: permission denied`;
  return e instanceof Error ? e.message : String(e);
}

/** Go's crypto/tls wording for a PEM file that holds no certificate or key. */
function tlsErrorMessage(message: string): string {
  if (/no certificates found/i.test(message)) {
    return "tls: failed to find any PEM data in certificate input";
  }
  if (/no (private )?keys? found/i.test(message)) {
    return "tls: failed to find any PEM data in key input";
  }
  return message;
}

/** The state of one ctl run. */
export class Session {
  readonly output: Output;
  readonly stdin: StdinReader;
  #printer: Printer | null = null;
  readonly #clients: EtcdClient[] = [];

  constructor(readonly io: CtlIo) {
    this.output = new Output(io.stdout, io.stderr);
    this.stdin = new StdinReader(io.stdin);
  }

  /** The printer `--write-out` picked (after {@linkcode Session.config}). */
  get display(): Printer {
    if (this.#printer === null) throw new Error("display used before the client config");
    return this.#printer;
  }

  /** Milliseconds on the monotonic clock. */
  monotonicMs(): number {
    return (this.io.monotonicMs ?? (() => performance.now()))();
  }

  #env(): [string, string][] {
    return Object.entries(this.io.env).filter(([key]) => key !== "ETCDCTL_API");
  }

  /** Fills the command's inherited flags from `ETCDCTL_*`; prints etcd's warnings. */
  applyEnv<S>(invocation: Invocation<S>): void {
    const names = flagsOf(invocation.path).inherited.map((f) => f.name);
    const outcome = applyEnv(invocation.flags, names, this.#env());
    const now = (this.io.now ?? (() => new Date()))();
    for (const warning of outcome.warnings) {
      this.output.err(capnslogPrefix(now, "W") + warning + "\n");
    }
    if (outcome.fatal !== null) {
      throw new CtlExit(ExitCode.error, capnslogPrefix(now, "C") + outcome.fatal + "\n");
    }
  }

  /** etcdctl's `initDisplayFromCmd`: the printer for `-w`, or exit 4. */
  initDisplay(flags: FlagValues): Printer {
    const printer = newPrinter(flags.string("write-out"), flags.bool("hex"), this.output);
    if (printer === null) throw exitWithError(ExitCode.badFeature, "unsupported output format");
    this.#printer = printer;
    return printer;
  }

  #readPem(path: string): string {
    try {
      return (this.io.readTextFile ?? Deno.readTextFileSync)(path);
    } catch (e) {
      throw exitWithError(ExitCode.badArgs, fileError(path, e));
    }
  }

  #tls(flags: FlagValues): TlsOptions | null {
    const [ca, cert, key] = [flags.string("cacert"), flags.string("cert"), flags.string("key")];
    if ((cert === "") !== (key === "")) {
      throw exitWithError(
        ExitCode.badArgs,
        `KeyFile and CertFile must both be present[key: ${key}, cert: ${cert}]`,
      );
    }
    if (ca === "" && cert === "") return null;
    return {
      ...(ca !== "" ? { caCerts: [this.#readPem(ca)] } : {}),
      ...(cert !== "" ? { cert: this.#readPem(cert), key: this.#readPem(key) } : {}),
    };
  }

  /** etcdctl's `authCfgFromCmd`: `--user name[:password]`, `--password`, or a prompt. */
  async #auth(flags: FlagValues): Promise<[string, string] | null> {
    const user = flags.string("user");
    const password = flags.string("password");
    if (user === "") return null;
    if (password !== "") return [user, password];
    const colon = user.indexOf(":");
    if (colon >= 0) return [user.slice(0, colon), user.slice(colon + 1)];
    this.output.out("Password: ");
    this.output.flush();
    const line = await this.stdin.readLine();
    this.output.out("\n");
    return [user, line.text.replace(/\r?\n$/, "")];
  }

  /** etcdctl's `clientConfigFromCmd`: environment, endpoints, timeouts, TLS, user, printer. */
  async config<S>(invocation: Invocation<S>): Promise<ClientConfig> {
    this.applyEnv(invocation);
    const flags = invocation.flags;
    if (flags.string("discovery-srv") !== "") {
      throw exitWithError(ExitCode.error, "DNS discovery (--discovery-srv) is not supported");
    }
    const endpoints = flags.strings("endpoints").map((e) => e.trim());
    const tls = this.#tls(flags);
    const auth = await this.#auth(flags);
    this.initDisplay(flags);
    return {
      endpoints,
      dialTimeoutMs: nsToMs(flags.durationNs("dial-timeout")),
      commandTimeoutMs: nsToMs(flags.durationNs("command-timeout")),
      tls,
      username: auth?.[0] ?? null,
      password: auth?.[1] ?? null,
    };
  }

  /** A client for `endpoints` with `config`'s settings (credentials only when `auth`). */
  makeClient(config: ClientConfig, endpoints = config.endpoints, auth = true): EtcdClient {
    const options: EtcdClientOptions = {
      endpoints,
      dialTimeoutMs: config.dialTimeoutMs,
      commandTimeoutMs: config.commandTimeoutMs,
      ...(this.io.fetch ? { fetch: this.io.fetch } : {}),
      ...(config.tls ? { tls: config.tls } : {}),
      ...(auth && config.username && config.password
        ? { username: config.username, password: config.password }
        : {}),
    };
    let client: EtcdClient;
    try {
      client = new EtcdClient(options);
    } catch (e) {
      throw exitWithError(ExitCode.badArgs, tlsErrorMessage(errorMessage(e)));
    }
    this.#clients.push(client);
    return client;
  }

  /**
   * {@linkcode Session.makeClient}, authenticated when credentials are given
   * (failure: exit 2, as etcdctl's client creation).
   */
  async newClient(config: ClientConfig, endpoints = config.endpoints): Promise<EtcdClient> {
    const client = this.makeClient(config, endpoints);
    if (config.username && config.password) {
      try {
        await client.authenticate();
      } catch (e) {
        throw exitWithError(ExitCode.badConnection, errorMessage(e));
      }
    }
    return client;
  }

  /** etcdctl's `mustClientFromCmd`. */
  async client<S>(invocation: Invocation<S>): Promise<EtcdClient> {
    return await this.newClient(await this.config(invocation));
  }

  /** Releases every client and standard input. */
  async close(): Promise<void> {
    for (const client of this.#clients) client.close();
    await this.stdin.close();
  }
}

/** The text etcdctl prints for an error. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs a client call; a failure ends the command with `Error: <message>` and exit 1. */
export async function must<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (e) {
    if (e instanceof CtlExit) throw e;
    throw exitWithError(ExitCode.error, errorMessage(e));
  }
}

/** A command of ctl's tree. */
export type CtlCommand = Command<Session>;

/** What a ctl command's run function receives. */
export type CtlInvocation = Invocation<Session>;
