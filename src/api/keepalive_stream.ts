/**
 * `POST /v3/lease/keepalive`: etcd's LeaseKeepAlive stream as its gateway
 * serves it. Each JSON object of the body (`{"ID":"…"}`) renews that lease
 * and gets one line `{"result":{"header":…,"ID":"…","TTL":"…"}}\n` (TTL left
 * out for a lease that does not exist); the response ends once the body has
 * ended and every message is answered.
 *
 * As grpc-gateway v1 does: a first message that cannot be decoded is a 500
 * with code 2 (Unknown: the gateway does not wrap the decoder's error) and
 * a later one just ends the stream; an empty body gets 200 and no lines; an
 * error of the server (no leader, time out) ends the stream with an error
 * chunk (stream_error.ts), with the error's HTTP status when it comes first.
 *
 * @module
 */

import {
  EtcdError,
  GrpcCode,
  type LeaseKeepAliveRequest,
  LeaseKeepAliveRequestSchema,
  LeaseKeepAliveResponseSchema,
  toJson,
} from "../proto/mod.ts";
import type { LeaseService } from "../server/service_lease.ts";
import { readMessages } from "./message_stream.ts";
import * as reply from "./responses.ts";
import { streamErrorChunk } from "./stream_error.ts";

const CORS = {
  "access-control-allow-headers": "accept, content-type, authorization",
  "access-control-allow-methods": "POST, GET, OPTIONS, PUT, DELETE",
  "access-control-allow-origin": "*",
};
const STREAM_HEADERS = { ...CORS, "content-type": "application/json" };
const STREAM_OK_HEADERS = { ...STREAM_HEADERS, "grpc-metadata-content-type": "application/grpc" };

const encoder = new TextEncoder();

type Messages = AsyncGenerator<LeaseKeepAliveRequest, void, undefined>;

/** One renewal's line, or the error chunk that ends the stream. */
async function answer(
  service: LeaseService,
  request: LeaseKeepAliveRequest,
  signal: AbortSignal,
): Promise<{ readonly line: string; readonly error: EtcdError | null }> {
  try {
    const response = await service.leaseKeepAlive(request, { signal });
    return { line: `{"result":${toJson(LeaseKeepAliveResponseSchema, response)}}\n`, error: null };
  } catch (error) {
    if (!(error instanceof EtcdError)) throw error;
    return { line: streamErrorChunk(error), error };
  }
}

/** The next message, or null when the body ended or the rest cannot be decoded. */
async function nextMessage(messages: Messages): Promise<LeaseKeepAliveRequest | null> {
  try {
    const next = await messages.next();
    return next.done ? null : next.value;
  } catch {
    return null; // grpc-gateway stops sending on a decode error after the first message
  }
}

/** The lines after the first: one per message until the body ends or an error chunk. */
function rest(service: LeaseService, messages: Messages, signal: AbortSignal, first: string) {
  let pending: string | null = first;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (pending !== null) {
        controller.enqueue(encoder.encode(pending));
        pending = null;
        return;
      }
      const request = await nextMessage(messages);
      if (request === null) return controller.close();
      const { line, error } = await answer(service, request, signal);
      controller.enqueue(encoder.encode(line));
      if (error !== null) controller.close();
    },
    async cancel() {
      await messages.return();
    },
  });
}

/** Answers one keep-alive stream; `pendingBytesMax` caps one unfinished message of the body. */
export async function keepAliveStream(
  service: LeaseService,
  request: Request,
  pendingBytesMax: number,
): Promise<Response> {
  const messages: Messages = readMessages(
    request.body,
    LeaseKeepAliveRequestSchema,
    pendingBytesMax,
  );
  let first: IteratorResult<LeaseKeepAliveRequest, void>;
  try {
    first = await messages.next();
  } catch (error) {
    if (!(error instanceof EtcdError)) throw error;
    return reply.jsonError(new EtcdError(error.message, GrpcCode.Unknown));
  }
  if (first.done) {
    return new Response(new ReadableStream({ start: (c) => c.close() }), {
      status: 200,
      headers: STREAM_HEADERS,
    });
  }
  const signal = request.signal;
  const { line, error } = await answer(service, first.value, signal);
  if (error !== null) {
    await messages.return();
    return new Response(line, { status: error.httpStatus, headers: STREAM_HEADERS });
  }
  const body = rest(service, messages, signal, line);
  return new Response(body, { status: 200, headers: STREAM_OK_HEADERS });
}
