/**
 * The request side of the gateway's streaming calls (`/v3/lease/keepalive`,
 * `/v3/watch`): the body is a stream of JSON objects, whitespace-separated,
 * each one message, read as they arrive (grpc-gateway's `json.Decoder` over
 * the body). {@linkcode readMessages} yields them one by one; a body that
 * ends inside a value, or a value that is not the message, throws the
 * {@linkcode EtcdError} Go's decoder would give (code 3: the caller decides
 * what the gateway answers).
 *
 * @module
 */

import { EtcdError, fromJsonBytesAt, GrpcCode, type Schema } from "../proto/mod.ts";

const EMPTY: Uint8Array = new Uint8Array(0);

/** Whether `error` only says the input stopped inside a value (more bytes may complete it). */
function cutShort(error: unknown): boolean {
  return error instanceof EtcdError && error.message === "unexpected EOF";
}

/** The unread part of `buffer` from `at`, with `chunk` after it. */
function append(buffer: Uint8Array, at: number, chunk: Uint8Array): Uint8Array {
  const rest = buffer.length - at;
  if (rest === 0) return chunk;
  const out = new Uint8Array(rest + chunk.length);
  out.set(buffer.subarray(at), 0);
  out.set(chunk, rest);
  return out;
}

/**
 * The messages of a streamed body, decoded as `schema`, as they arrive.
 * Holding more than `pendingBytesMax` bytes of one unfinished message is
 * refused ("request is too large"). Ending the iteration early cancels the
 * body.
 */
export async function* readMessages<T>(
  body: ReadableStream<Uint8Array> | null,
  schema: Schema<T>,
  pendingBytesMax: number,
): AsyncGenerator<T, void, undefined> {
  if (body === null) return;
  const reader = body.getReader();
  let buffer = EMPTY;
  let at = 0;
  let ended = false;
  try {
    for (;;) {
      let decoded;
      try {
        decoded = fromJsonBytesAt(schema, buffer, at);
      } catch (error) {
        if (ended || !cutShort(error)) throw error;
      }
      if (decoded !== undefined) {
        at = decoded.end;
        yield decoded.value;
        continue;
      }
      if (ended) return;
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        continue;
      }
      buffer = append(buffer, at, value);
      at = 0;
      if (buffer.length > pendingBytesMax) {
        throw new EtcdError("etcdserver: request is too large", GrpcCode.InvalidArgument);
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
