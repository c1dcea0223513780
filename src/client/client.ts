/**
 * The etcd v3 client over the HTTP/JSON gateway (`POST /v3/...`), used by
 * ctl, the server tests and the benchmark.
 *
 * Failover: a call starts on the endpoint that last answered. When an
 * endpoint cannot be reached (the request was never sent) the call moves to
 * the next one, and after a whole round it waits a little and goes round
 * again until the command timeout passes, which ends the call with
 * `context deadline exceeded` as etcdctl prints it. Requests that are safe
 * to repeat (reads, status, member list) also move on when an attempt times
 * out (after the dial timeout, when there is another endpoint) or the
 * connection breaks, and when a server answers Unavailable. A write (puts,
 * deletes, compaction, writing txns, the membership changes) that may have
 * reached a server is never sent again: its outcome is unknown.
 *
 * @module
 */

import { EtcdError, GrpcCode } from "../proto/errors.ts";
import {
  CompactionRequestSchema,
  CompactionResponseSchema,
  DeleteRangeRequestSchema,
  DeleteRangeResponseSchema,
  fromJson,
  HashResponseSchema,
  MemberAddRequestSchema,
  MemberAddResponseSchema,
  MemberListResponseSchema,
  MemberPromoteRequestSchema,
  MemberPromoteResponseSchema,
  MemberRemoveRequestSchema,
  MemberRemoveResponseSchema,
  MemberUpdateRequestSchema,
  MemberUpdateResponseSchema,
  PutRequestSchema,
  PutResponseSchema,
  RangeRequestSchema,
  RangeResponseSchema,
  StatusResponseSchema,
  toJson,
  TxnRequestSchema,
  TxnResponseSchema,
} from "../proto/json.ts";
import type {
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  HashResponse,
  MemberAddResponse,
  MemberListResponse,
  MemberPromoteResponse,
  MemberRemoveResponse,
  MemberUpdateResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  RequestOp,
  StatusResponse,
  TxnRequest,
  TxnResponse,
} from "../proto/rpc.ts";
import { Deadline } from "./deadline.ts";
import { type Endpoint, parseEndpoint } from "./endpoint.ts";
import {
  canceled,
  connectionLost,
  deadlineExceeded,
  errorFromResponse,
  neverSent,
} from "./errors.ts";
import { checkPeerUrls } from "./peer_urls.ts";

/** TLS settings for https endpoints (PEM text). */
export interface TlsOptions {
  /** CA certificates to trust instead of the system roots. */
  readonly caCerts?: readonly string[];
  /** Client certificate and key, for servers that ask for one. */
  readonly cert?: string;
  readonly key?: string;
}

/** How to reach the cluster. */
export interface EtcdClientOptions {
  /** `host:port`, `http://host:port` or `https://host:port`, tried in order. */
  readonly endpoints: readonly string[];
  /** One attempt's budget for repeatable calls when there is another endpoint (default 2000). */
  readonly dialTimeoutMs?: number;
  /** A whole call's budget (default 5000). */
  readonly commandTimeoutMs?: number;
  /** Replaces `globalThis.fetch` (tests). */
  readonly fetch?: typeof fetch;
  /** Makes scheme-less endpoints https and sets the trusted CA / client certificate. */
  readonly tls?: TlsOptions;
  /** Credentials for {@linkcode EtcdClient.authenticate}; the token is renewed when rejected. */
  readonly username?: string;
  readonly password?: string;
}

/** Per-call options. */
export interface CallOptions {
  /** Cancels the call (it then fails with `context canceled`). */
  readonly signal?: AbortSignal;
  /** Replaces the client's command timeout for this call. */
  readonly timeoutMs?: number;
}

/** `GET /health` as the gateway answers it. */
export interface HealthResult {
  readonly health: boolean;
  readonly httpStatus: number;
}

/** `GET /version`. */
export interface VersionResult {
  readonly etcdserver: string;
  readonly etcdcluster: string;
}

/** Whether repeating a request can change the outcome. */
type Safety = "repeatable" | "once";

interface Route {
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly body: string | null;
  readonly safety: Safety;
  /** Only this endpoint (status, hash, health of one member). */
  readonly only?: string;
  /** Return any HTTP status instead of failing on non-200. */
  readonly anyStatus?: boolean;
  readonly noAuth?: boolean;
}

interface Answer {
  readonly status: number;
  readonly text: string;
}

type Attempt =
  | { readonly kind: "ok"; readonly answer: Answer }
  | { readonly kind: "unreachable" }
  | { readonly kind: "unavailable"; readonly error: EtcdError }
  | { readonly kind: "fatal"; readonly error: unknown };

const DEFAULT_DIAL_TIMEOUT_MS = 2000;
const DEFAULT_COMMAND_TIMEOUT_MS = 5000;
const BACKOFF_MAX_MS = 1000;

function isReadOnly(ops: readonly RequestOp[]): boolean {
  return ops.every((op) =>
    "requestRange" in op ||
    ("requestTxn" in op && isReadOnly(op.requestTxn.success) && isReadOnly(op.requestTxn.failure))
  );
}

/** An etcd client speaking the gateway's JSON to a list of endpoints. */
export class EtcdClient {
  /** The endpoints, parsed, in the order given. */
  readonly endpoints: readonly Endpoint[];
  readonly #dialTimeoutMs: number;
  readonly #commandTimeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #httpClient: Deno.HttpClient | null;
  readonly #secure: boolean;
  readonly #username: string | undefined;
  readonly #password: string | undefined;
  #token: string | null = null;
  #preferred = 0;

  constructor(options: EtcdClientOptions) {
    this.#secure = options.tls !== undefined;
    this.endpoints = options.endpoints.map((e) => parseEndpoint(e, this.#secure));
    this.#dialTimeoutMs = options.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS;
    this.#commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#httpClient = options.tls === undefined ? null : Deno.createHttpClient({
      ...(options.tls.caCerts ? { caCerts: [...options.tls.caCerts] } : {}),
      ...(options.tls.cert !== undefined ? { cert: options.tls.cert } : {}),
      ...(options.tls.key !== undefined ? { key: options.tls.key } : {}),
    });
    this.#username = options.username;
    this.#password = options.password;
  }

  /** KV.Range. */
  async range(req: RangeRequest, opts?: CallOptions): Promise<RangeResponse> {
    const body = toJson(RangeRequestSchema, req);
    return fromJson(
      RangeResponseSchema,
      await this.#post("/v3/kv/range", body, "repeatable", opts),
    );
  }

  /** KV.Put. */
  async put(req: PutRequest, opts?: CallOptions): Promise<PutResponse> {
    const body = toJson(PutRequestSchema, req);
    return fromJson(PutResponseSchema, await this.#post("/v3/kv/put", body, "once", opts));
  }

  /** KV.DeleteRange. */
  async deleteRange(req: DeleteRangeRequest, opts?: CallOptions): Promise<DeleteRangeResponse> {
    const body = toJson(DeleteRangeRequestSchema, req);
    const text = await this.#post("/v3/kv/deleterange", body, "once", opts);
    return fromJson(DeleteRangeResponseSchema, text);
  }

  /** KV.Txn (repeated on another endpoint only when every branch only reads). */
  async txn(req: TxnRequest, opts?: CallOptions): Promise<TxnResponse> {
    const safety = isReadOnly(req.success) && isReadOnly(req.failure) ? "repeatable" : "once";
    const text = await this.#post("/v3/kv/txn", toJson(TxnRequestSchema, req), safety, opts);
    return fromJson(TxnResponseSchema, text);
  }

  /** KV.Compact. */
  async compact(req: CompactionRequest, opts?: CallOptions): Promise<CompactionResponse> {
    const body = toJson(CompactionRequestSchema, req);
    const text = await this.#post("/v3/kv/compaction", body, "once", opts);
    return fromJson(CompactionResponseSchema, text);
  }

  /** Maintenance.Status of `endpoint` (as given, need not be in the list), or of any endpoint. */
  async status(endpoint?: string, opts?: CallOptions): Promise<StatusResponse> {
    const text = await this.#post("/v3/maintenance/status", "{}", "repeatable", opts, endpoint);
    return fromJson(StatusResponseSchema, text);
  }

  /** Cluster.MemberList. */
  async memberList(opts?: CallOptions): Promise<MemberListResponse> {
    const text = await this.#post("/v3/cluster/member/list", "{}", "repeatable", opts);
    return fromJson(MemberListResponseSchema, text);
  }

  /**
   * Cluster.MemberAdd (as a learner when `isLearner`). The URLs are checked
   * first as etcd's client checks them (a {@linkcode PeerUrlError} with its
   * message, nothing sent), then sent as given.
   */
  async memberAdd(
    peerUrls: readonly string[],
    isLearner = false,
    opts?: CallOptions,
  ): Promise<MemberAddResponse> {
    checkPeerUrls(peerUrls);
    const body = toJson(MemberAddRequestSchema, { peerUrls: [...peerUrls], isLearner });
    const text = await this.#post("/v3/cluster/member/add", body, "once", opts);
    return fromJson(MemberAddResponseSchema, text);
  }

  /** Cluster.MemberRemove of the member `id`. */
  async memberRemove(id: bigint, opts?: CallOptions): Promise<MemberRemoveResponse> {
    const body = toJson(MemberRemoveRequestSchema, { id });
    const text = await this.#post("/v3/cluster/member/remove", body, "once", opts);
    return fromJson(MemberRemoveResponseSchema, text);
  }

  /** Cluster.MemberUpdate: new peer URLs, checked as {@linkcode EtcdClient.memberAdd} does. */
  async memberUpdate(
    id: bigint,
    peerUrls: readonly string[],
    opts?: CallOptions,
  ): Promise<MemberUpdateResponse> {
    checkPeerUrls(peerUrls);
    const body = toJson(MemberUpdateRequestSchema, { id, peerUrls: [...peerUrls] });
    const text = await this.#post("/v3/cluster/member/update", body, "once", opts);
    return fromJson(MemberUpdateResponseSchema, text);
  }

  /** Cluster.MemberPromote of the learner `id`. */
  async memberPromote(id: bigint, opts?: CallOptions): Promise<MemberPromoteResponse> {
    const body = toJson(MemberPromoteRequestSchema, { id });
    const text = await this.#post("/v3/cluster/member/promote", body, "once", opts);
    return fromJson(MemberPromoteResponseSchema, text);
  }

  /** Maintenance.Hash of `endpoint`, or of any endpoint. */
  async hash(endpoint?: string, opts?: CallOptions): Promise<HashResponse> {
    const text = await this.#post("/v3/maintenance/hash", "{}", "repeatable", opts, endpoint);
    return fromJson(HashResponseSchema, text);
  }

  /** `GET /health` of `endpoint`: healthy when the body says `"health":"true"`. */
  async health(endpoint: string, opts?: CallOptions): Promise<HealthResult> {
    const route = { ...this.#get("/health", endpoint), anyStatus: true };
    const answer = await this.#request(route, opts);
    let health = false;
    try {
      health = (JSON.parse(answer.text) as { health?: unknown }).health === "true";
    } catch {
      health = false;
    }
    return { health: health && answer.status === 200, httpStatus: answer.status };
  }

  /** `GET /version` of `endpoint`. */
  async version(endpoint: string, opts?: CallOptions): Promise<VersionResult> {
    const answer = await this.#request(this.#get("/version", endpoint), opts);
    const body = JSON.parse(answer.text) as Partial<VersionResult>;
    return { etcdserver: body.etcdserver ?? "", etcdcluster: body.etcdcluster ?? "" };
  }

  /**
   * Auth.Authenticate with the configured credentials; later calls carry
   * the token. Returns it, or `null` when the cluster has auth disabled
   * (which etcdctl ignores too).
   */
  async authenticate(opts?: CallOptions): Promise<string | null> {
    const body = JSON.stringify({ name: this.#username ?? "", password: this.#password ?? "" });
    const route: Route = {
      method: "POST",
      path: "/v3/auth/authenticate",
      body,
      safety: "repeatable",
      noAuth: true,
    };
    try {
      const answer = await this.#request(route, opts);
      const token = (JSON.parse(answer.text) as { token?: unknown }).token;
      this.#token = typeof token === "string" ? token : null;
    } catch (e) {
      if (!(e instanceof EtcdError && e.code === GrpcCode.FailedPrecondition)) throw e;
      if (!e.message.includes("authentication is not enabled")) throw e;
      this.#token = null;
    }
    return this.#token;
  }

  /**
   * A POST of the JSON `body` to the gateway's `path`, with this client's
   * failover, timeouts and credentials (for the calls kept in other files,
   * e.g. lease.ts). `repeatable`: it may be sent again to another endpoint.
   * Returns the answer's text; an error answer throws etcd's error.
   */
  call(path: string, body: string, repeatable: boolean, opts?: CallOptions): Promise<string> {
    return this.#post(path, body, repeatable ? "repeatable" : "once", opts);
  }

  /** Releases the TLS client, if any. */
  close(): void {
    this.#httpClient?.close();
  }

  #get(path: string, only: string): Route {
    return { method: "GET", path, body: null, safety: "repeatable", only };
  }

  async #post(
    path: string,
    body: string,
    safety: Safety,
    opts: CallOptions | undefined,
    only?: string,
  ): Promise<string> {
    const route: Route = only === undefined
      ? { method: "POST", path, body, safety }
      : { method: "POST", path, body, safety, only };
    return (await this.#request(route, opts)).text;
  }

  async #request(route: Route, opts: CallOptions = {}): Promise<Answer> {
    const renew = this.#username !== undefined && this.#password !== undefined && !route.noAuth;
    try {
      return await this.#withDeadline(route, opts);
    } catch (e) {
      if (!(renew && e instanceof EtcdError && e.code === GrpcCode.Unauthenticated)) throw e;
      await this.authenticate(opts);
      return await this.#withDeadline(route, opts);
    }
  }

  async #withDeadline(route: Route, opts: CallOptions): Promise<Answer> {
    const deadline = new Deadline(opts.timeoutMs ?? this.#commandTimeoutMs, opts.signal);
    try {
      return await this.#rounds(route, deadline);
    } finally {
      deadline.dispose();
    }
  }

  #deadlineError(deadline: Deadline): EtcdError {
    return deadline.reason === "canceled" ? canceled() : deadlineExceeded();
  }

  /** Endpoint indices in the order to try them (`-1`: the `only` endpoint). */
  #order(route: Route): number[] {
    if (route.only !== undefined) return [-1];
    const n = this.endpoints.length;
    return Array.from({ length: n }, (_, i) => (this.#preferred + i) % n);
  }

  async #rounds(route: Route, deadline: Deadline): Promise<Answer> {
    const order = this.#order(route);
    if (order.length === 0) {
      throw new EtcdError("etcdclient: no available endpoints", GrpcCode.Unknown);
    }
    for (let round = 0;; round++) {
      let serverError: EtcdError | null = null;
      for (const index of order) {
        const endpoint = index < 0
          ? parseEndpoint(route.only!, this.#secure)
          : this.endpoints[index]!;
        const attempt = await this.#attempt(endpoint, route, deadline, order.length > 1);
        if (attempt.kind === "ok") {
          if (index >= 0) this.#preferred = index;
          return attempt.answer;
        }
        if (attempt.kind === "fatal") throw attempt.error;
        if (attempt.kind === "unavailable") serverError = attempt.error;
      }
      if (serverError !== null) throw serverError;
      await deadline.sleep(Math.min(BACKOFF_MAX_MS, 50 * 2 ** round));
      if (deadline.reason !== null) throw this.#deadlineError(deadline);
    }
  }

  #init(route: Route, signal: AbortSignal): RequestInit & { client?: Deno.HttpClient } {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.#token !== null && !route.noAuth) headers["authorization"] = this.#token;
    const init: RequestInit & { client?: Deno.HttpClient } = {
      method: route.method,
      headers,
      signal,
    };
    if (route.body !== null) init.body = route.body;
    if (this.#httpClient !== null) init.client = this.#httpClient;
    return init;
  }

  async #attempt(
    endpoint: Endpoint,
    route: Route,
    deadline: Deadline,
    hasAlternative: boolean,
  ): Promise<Attempt> {
    if (deadline.reason !== null) return { kind: "fatal", error: this.#deadlineError(deadline) };
    if (endpoint.baseUrl === null) return { kind: "unreachable" };
    const repeatable = route.safety === "repeatable";
    const sub = deadline.sub(repeatable && hasAlternative ? this.#dialTimeoutMs : null);
    try {
      const res = await this.#fetch(endpoint.baseUrl + route.path, this.#init(route, sub.signal));
      const answer = { status: res.status, text: await res.text() };
      if (answer.status === 200 || route.anyStatus) return { kind: "ok", answer };
      const error = errorFromResponse(answer.status, answer.text);
      if (repeatable && error.code === GrpcCode.Unavailable) return { kind: "unavailable", error };
      return { kind: "fatal", error };
    } catch (e) {
      if (deadline.reason !== null) return { kind: "fatal", error: this.#deadlineError(deadline) };
      if (repeatable || neverSent(e)) return { kind: "unreachable" };
      return { kind: "fatal", error: connectionLost() };
    } finally {
      sub.dispose();
    }
  }
}
