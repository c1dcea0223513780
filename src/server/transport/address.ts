/**
 * Peer URLs as the transport dials and listens on them
 * (`http://host:port`; `https://` is accepted as a label for now, the
 * connection is plain TCP), and the hooks through which another kind of
 * connection (TLS later, fakes in tests) can be plugged in.
 *
 * @module
 */

import { parseGoUrl, splitHostPort } from "../../util/go_url.ts";

/** Where a peer URL points. */
export interface PeerAddress {
  /** `http` or `https`. */
  readonly scheme: string;
  /** Host name or IP literal, without IPv6 brackets. */
  readonly hostname: string;
  /** TCP port; 0 only for listening (any free port). */
  readonly port: number;
}

/** What the transport needs of a connection (a `Deno.Conn` fits). */
export interface PeerConn {
  /** Reads into `buffer`; null at the end of the stream. */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Writes some of `bytes`; resolves with how many. */
  write(bytes: Uint8Array): Promise<number>;
  /** Closes the connection; pending reads and writes fail. */
  close(): void;
  /** The other end's address, for log lines. */
  readonly remoteAddr?: Deno.Addr;
}

/** Opens a connection to `address`; must give up when `signal` aborts. */
export type PeerConnector = (address: PeerAddress, signal: AbortSignal) => Promise<PeerConn>;

/** What the transport needs of a listener (a `Deno.Listener` fits). */
export interface PeerListener extends AsyncIterable<PeerConn> {
  /** The bound address (with the real port when 0 was asked for). */
  readonly addr: Deno.Addr;
  /** Stops listening; the iteration ends. */
  close(): void;
}

/** Starts listening on `address`; throws when it cannot. */
export type PeerListen = (address: PeerAddress) => PeerListener;

/**
 * Parses a peer URL (`http://127.0.0.1:2380`, `https://[::1]:0`); throws
 * TypeError for another scheme, a path, a missing or bad port.
 */
export function parsePeerUrl(url: string): PeerAddress {
  let parsed;
  try {
    parsed = parseGoUrl(url.trim());
  } catch (error) {
    throw new TypeError(`invalid peer URL ${JSON.stringify(url)}: ${String(error)}`);
  }
  if (parsed.scheme !== "http" && parsed.scheme !== "https") {
    throw new TypeError(`peer URL scheme must be http or https: ${url}`);
  }
  if (parsed.path !== "" && parsed.path !== "/") throw new TypeError(`peer URL has a path: ${url}`);
  let host: string;
  let port: string;
  try {
    ({ host, port } = splitHostPort(parsed.host));
  } catch {
    throw new TypeError(`peer URL address does not have the form "host:port": ${url}`);
  }
  if (!/^[0-9]{1,5}$/.test(port) || Number(port) > 65535) {
    throw new TypeError(`peer URL has a bad port: ${url}`);
  }
  return { scheme: parsed.scheme, hostname: host === "" ? "0.0.0.0" : host, port: Number(port) };
}

/** The URL of a bound address (IPv6 hosts in brackets). */
export function formatPeerUrl(scheme: string, hostname: string, port: number): string {
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return `${scheme}://${host}:${port}`;
}

function tune(conn: Deno.TcpConn): void {
  try {
    conn.setNoDelay(true);
    conn.setKeepAlive(true);
  } catch {
    // Best effort: a connection that cannot be tuned still works.
  }
}

/** Plain TCP dialing with `Deno.connect` (no delay, keep-alive). */
export async function connectTcp(address: PeerAddress, signal: AbortSignal): Promise<PeerConn> {
  const conn = await Deno.connect({ hostname: address.hostname, port: address.port, signal });
  tune(conn);
  return conn;
}

/** Plain TCP listening with `Deno.listen`; accepted connections get no delay and keep-alive. */
export function listenTcp(address: PeerAddress): PeerListener {
  const listener = Deno.listen({ hostname: address.hostname, port: address.port });
  return {
    addr: listener.addr,
    close: () => listener.close(),
    async *[Symbol.asyncIterator]() {
      for await (const conn of listener) {
        tune(conn);
        yield conn;
      }
    },
  };
}
