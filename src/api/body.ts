/**
 * Reading a request body with a hard cap: a body declared or found to be
 * larger than the cap is not read further (never buffered whole).
 *
 * @module
 */

const EMPTY = new Uint8Array(0);

/**
 * The body of `request`, or null when it is longer than `bytesMax`
 * (refused from its Content-Length, or as soon as the stream passes the cap).
 */
export async function readBody(request: Request, bytesMax: number): Promise<Uint8Array | null> {
  const declared = request.headers.get("content-length");
  if (declared !== null) {
    // Framed by its Content-Length (the server never reads past it): one read.
    if (Number(declared) > bytesMax) return null;
    return await request.bytes();
  }
  const body = request.body;
  if (body === null) return EMPTY;
  const reader = body.getReader();
  let first: Uint8Array | undefined;
  let chunks: Uint8Array[] | undefined;
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > bytesMax) {
      await reader.cancel();
      return null;
    }
    if (first === undefined) first = value;
    else (chunks ??= [first]).push(value);
  }
  if (chunks === undefined) return first ?? EMPTY;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
