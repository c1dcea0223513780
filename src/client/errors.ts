/**
 * How the client turns failures into {@linkcode EtcdError}s: the gateway's
 * `{error, message, code}` body, the messages etcdctl prints for a passed
 * deadline (`context deadline exceeded`) or a cancelled call, and whether a
 * failed fetch is known not to have reached a server.
 *
 * @module
 */

import { EtcdError, GrpcCode } from "../proto/errors.ts";

/** What etcdctl prints when the command timeout passes. */
export function deadlineExceeded(): EtcdError {
  return new EtcdError("context deadline exceeded", GrpcCode.DeadlineExceeded);
}

/** The error of a call its caller cancelled. */
export function canceled(): EtcdError {
  return new EtcdError("context canceled", GrpcCode.Canceled);
}

/** A request that may have reached the server, with its outcome unknown. */
export function connectionLost(): EtcdError {
  return new EtcdError("transport is closing", GrpcCode.Unavailable);
}

const CODE_BY_HTTP_STATUS: Readonly<Record<number, GrpcCode>> = {
  400: GrpcCode.InvalidArgument,
  401: GrpcCode.Unauthenticated,
  403: GrpcCode.PermissionDenied,
  404: GrpcCode.NotFound,
  405: GrpcCode.Unimplemented,
  409: GrpcCode.Aborted,
  412: GrpcCode.FailedPrecondition,
  429: GrpcCode.ResourceExhausted,
  501: GrpcCode.Unimplemented,
  503: GrpcCode.Unavailable,
  504: GrpcCode.DeadlineExceeded,
};

function isGrpcCode(code: unknown): code is GrpcCode {
  return typeof code === "number" && Number.isInteger(code) && code >= 0 && code <= 16;
}

/**
 * The error a streamed answer ends with (`{"error":{"grpc_code":14,
 * "message":"…",…}}`, grpc-gateway's stream chunk), or null for another
 * value.
 */
export function streamError(body: unknown): EtcdError | null {
  if (typeof body !== "object" || body === null) return null;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== "object" || error === null) return null;
  const { grpc_code: code, message } = error as Record<string, unknown>;
  if (typeof message !== "string") return null;
  return new EtcdError(message, isGrpcCode(code) ? code : GrpcCode.Unknown);
}

/**
 * The error of a non-200 gateway answer: `{"error","message","code"}` as
 * etcd sends it, or, for a body of another shape (`Not Found\n`), its text
 * with the code its HTTP status stands for.
 */
export function errorFromResponse(status: number, text: string): EtcdError {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === "object" && body !== null) {
      const { message, error, code } = body as Record<string, unknown>;
      const msg = typeof message === "string" ? message : typeof error === "string" ? error : null;
      if (msg !== null) return new EtcdError(msg, isGrpcCode(code) ? code : GrpcCode.Unknown);
    }
    const chunk = streamError(body);
    if (chunk !== null) return chunk;
  } catch {
    // not JSON: fall through
  }
  const trimmed = text.trim();
  return new EtcdError(
    trimmed === "" ? `unexpected HTTP status ${status}` : trimmed,
    CODE_BY_HTTP_STATUS[status] ?? GrpcCode.Unknown,
  );
}

/**
 * Whether a failed `fetch` never sent its request: the connection could not
 * be made (refused, DNS, blocked port, unusable URL). Anything else may
 * have reached the server.
 */
export function neverSent(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const cause = error.cause instanceof Error ? error.cause.message : "";
  const text = `${error.message} ${cause}`;
  return /client error \(Connect\)|are blocked|Invalid URL|invalid url|dns error/i.test(text);
}
