/**
 * Real `serve` processes for end-to-end tests: spawn `deno run -A main.ts
 * serve …` on port 0, learn the bound client address from its structured
 * log, and stop it (SIGTERM, SIGKILL) while draining its output.
 */

const mainPath = new URL("../../main.ts", import.meta.url).pathname;

/** A running member process. */
export class MemberProcess {
  readonly child: Deno.ChildProcess;
  readonly dataDir: string;
  /** e.g. `http://127.0.0.1:41234` */
  readonly clientUrl: string;
  readonly #stderr: Promise<string>;
  #exited: Promise<Deno.CommandStatus>;

  private constructor(
    child: Deno.ChildProcess,
    dataDir: string,
    clientUrl: string,
    stderr: Promise<string>,
  ) {
    this.child = child;
    this.dataDir = dataDir;
    this.clientUrl = clientUrl;
    this.#stderr = stderr;
    this.#exited = child.status;
  }

  /**
   * Starts `serve` with `args` (plus `--data-dir` and a port-0 client URL
   * unless given) and waits until it serves clients.
   */
  static async start(
    dataDir: string,
    args: string[] = [],
    env: Record<string, string> = {},
  ): Promise<MemberProcess> {
    const fullArgs = [...args];
    const given = (flag: string, variable: string) =>
      args.some((a) => a.startsWith(flag)) || env[variable] !== undefined;
    if (!given("--data-dir", "ETCD_DATA_DIR")) fullArgs.push(`--data-dir=${dataDir}`);
    if (!given("--listen-peer-urls", "ETCD_LISTEN_PEER_URLS")) {
      fullArgs.push("--listen-peer-urls=http://127.0.0.1:0"); // never the shared default 2380
    }
    if (!given("--listen-client-urls", "ETCD_LISTEN_CLIENT_URLS")) {
      fullArgs.push("--listen-client-urls=http://127.0.0.1:0");
      if (
        !args.some((a) => a.startsWith("--advertise-client-urls")) &&
        !env.ETCD_ADVERTISE_CLIENT_URLS
      ) {
        fullArgs.push("--advertise-client-urls=http://127.0.0.1:2379");
      }
    }
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", mainPath, "serve", ...fullArgs],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
      env: { ...cleanEnv(), ...env },
      clearEnv: true,
    }).spawn();
    const { address, rest } = await readUntilAddress(child);
    if (address === null) {
      const status = await child.status;
      throw new Error(`serve exited (${status.code}) before serving:\n${await rest}`);
    }
    return new MemberProcess(child, dataDir, `http://${address}`, rest);
  }

  /** POSTs JSON to a v3 path and returns status and parsed body. */
  // deno-lint-ignore no-explicit-any -- tests read arbitrary JSON fields
  async post(path: string, body: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(this.clientUrl + path, {
      method: "POST",
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === "" ? null : JSON.parse(text) };
  }

  /** Sends a signal and waits for the exit; returns the status and the whole stderr. */
  async stop(
    signal: Deno.Signal = "SIGTERM",
  ): Promise<{ status: Deno.CommandStatus; stderr: string }> {
    try {
      this.child.kill(signal);
    } catch {
      // already exited
    }
    const status = await this.#exited;
    return { status, stderr: await this.#stderr };
  }
}

/** Reads stderr lines until the "serving client traffic" log line; keeps draining after. */
async function readUntilAddress(
  child: Deno.ChildProcess,
): Promise<{ address: string | null; rest: Promise<string> }> {
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) return { address: null, rest: Promise.resolve(seen) };
    seen += value;
    for (const line of seen.split("\n")) {
      if (!line.includes("serving client traffic")) continue;
      const address = (JSON.parse(line) as { address: string }).address;
      return { address, rest: drain(reader, seen) };
    }
  }
}

async function drain(reader: ReadableStreamDefaultReader<string>, seen: string): Promise<string> {
  let all = seen;
  while (true) {
    const { value, done } = await reader.read();
    if (done) return all;
    all += value;
  }
}

/** Runs `main.ts ctl …` and returns its exit code and output. */
export async function runCtl(
  args: string[],
  stdin = "",
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", mainPath, "ctl", ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { ...cleanEnv(), ...env },
    clearEnv: true,
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(stdin));
  await writer.close();
  const output = await child.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** This process's environment without any ETCD_* or ETCDCTL_* variable, colours off. */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const [name, value] of Object.entries(Deno.env.toObject())) {
    if (!name.startsWith("ETCD")) env[name] = value;
  }
  return env;
}

/** base64 of a UTF-8 string. */
export function b64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** A UTF-8 string from base64. */
export function unb64(text: string): string {
  return new TextDecoder().decode(Uint8Array.from(atob(text), (c) => c.charCodeAt(0)));
}
