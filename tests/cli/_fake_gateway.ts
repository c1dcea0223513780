/**
 * A fake etcd gateway for ctl's golden tests: a Deno.serve on a loopback
 * port answering from a route table with bodies in the gateway's JSON, and a
 * `fetch` that sends the transcript's endpoints (127.0.0.1:2379, :22379,
 * :32379) to it, telling it which member was asked. Any other host fails as
 * an unreachable one does.
 *
 * @module
 */

/** One canned answer. */
export interface Route {
  readonly path: string;
  /** Only for this member (`127.0.0.1:22379`); any when left out. */
  readonly endpoint?: string;
  /** Only when the request's JSON equals this. */
  readonly request?: unknown;
  readonly status?: number;
  readonly body: string;
  /** Answer after this many milliseconds. */
  readonly delayMs?: number;
}

/** A request the fake received. */
export interface Received {
  readonly path: string;
  readonly endpoint: string;
  readonly body: string;
  readonly authorization: string | null;
}

const MEMBER_PORTS = new Set(["2379", "22379", "32379"]);
const ENDPOINT_HEADER = "x-fake-endpoint";

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}

/** The fake gateway. */
export class FakeGateway {
  readonly received: Received[] = [];
  routes: Route[] = [];
  readonly #server: Deno.HttpServer<Deno.NetAddr>;

  constructor() {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (req) => this.#handle(req),
    );
  }

  async #handle(req: Request): Promise<Response> {
    const received: Received = {
      path: new URL(req.url).pathname,
      endpoint: req.headers.get(ENDPOINT_HEADER) ?? "",
      body: await req.text(),
      authorization: req.headers.get("authorization"),
    };
    this.received.push(received);
    const route = this.routes.find((r) =>
      r.path === received.path &&
      (r.endpoint === undefined || r.endpoint === received.endpoint) &&
      (r.request === undefined || sameJson(r.request, JSON.parse(received.body || "{}")))
    );
    if (route === undefined) {
      const message = `fake gateway: no route for ${received.path} ${received.body}`;
      return new Response(JSON.stringify({ error: message, message, code: 2 }), { status: 500 });
    }
    if (route.delayMs) await new Promise((r) => setTimeout(r, route.delayMs));
    return new Response(route.body, {
      status: route.status ?? 200,
      headers: { "content-type": "application/json" },
    });
  }

  /** `fetch` for ctl: the transcript's member endpoints reach this fake. */
  readonly fetch: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.hostname !== "127.0.0.1" || !MEMBER_PORTS.has(url.port)) {
      const cause = new Error("client error (Connect): tcp connect error: Connection refused");
      return Promise.reject(new TypeError("fetch failed", { cause }));
    }
    const headers = new Headers(init?.headers);
    headers.set(ENDPOINT_HEADER, `127.0.0.1:${url.port}`);
    const target = `http://127.0.0.1:${this.#server.addr.port}${url.pathname}`;
    return fetch(target, { ...init, headers });
  };

  /** Stops the server. */
  async close(): Promise<void> {
    await this.#server.shutdown();
  }
}
