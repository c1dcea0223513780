import assert from "node:assert/strict";
import { type ByteReader, FrameError, frameOf, FrameQueue, readFrames, writeAll } from "./frame.ts";

/** A reader handing out `bytes` in pieces of at most `step` bytes. */
function piecewise(bytes: Uint8Array, step: number): ByteReader & { reads: number } {
  let offset = 0;
  return {
    reads: 0,
    read(buffer: Uint8Array) {
      this.reads++;
      if (offset >= bytes.length) return Promise.resolve(null);
      const n = Math.min(step, buffer.length, bytes.length - offset);
      buffer.set(bytes.subarray(offset, offset + n));
      offset += n;
      return Promise.resolve(n);
    },
  };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

async function collect(reader: ByteReader, frameBytesMax = 1 << 20, readBufferBytes = 64) {
  const payloads: Uint8Array[] = [];
  await readFrames(reader, { frameBytesMax, readBufferBytes }, (p) => payloads.push(p.slice()));
  return payloads;
}

Deno.test("readFrames: cuts a stream into frames whatever the read sizes, big frames included", async () => {
  const payloads = [new Uint8Array(0), new Uint8Array([1, 2, 3]), new Uint8Array(1000).fill(9)];
  const stream = concat(payloads.map((p) => frameOf(p)));
  for (const step of [1, 3, 7, 64, 5000]) {
    const got = await collect(piecewise(stream, step));
    assert.equal(got.length, 3, `step ${step}`);
    assert.deepEqual(got.map((g) => g.length), payloads.map((p) => frameOf(p).length - 4));
  }
});

Deno.test("readFrames: an oversized length prefix fails before anything is allocated for it", async () => {
  const header = new Uint8Array([0xff, 0xff, 0xff, 0xf0]);
  const reader = piecewise(header, 4);
  await assert.rejects(collect(reader, 1024), (e: unknown) => {
    assert.ok(e instanceof FrameError);
    assert.match(e.message, /4294967280 bytes exceeds the limit of 1024/);
    return true;
  });
  assert.equal(reader.reads, 1);
});

Deno.test("readFrames: the end of the stream inside a frame or a header is a FrameError", async () => {
  const frame = frameOf(new Uint8Array(100));
  await assert.rejects(collect(piecewise(frame.subarray(0, 50), 10)), FrameError);
  await assert.rejects(collect(piecewise(frame.subarray(0, 2), 10)), FrameError);
  assert.deepEqual(await collect(piecewise(new Uint8Array(0), 10)), []);
});

Deno.test("readFrames: what onFrame throws ends the loop", async () => {
  const stream = concat([frameOf(1), frameOf(2)]);
  const boom = new Error("boom");
  await assert.rejects(
    readFrames(piecewise(stream, 100), { frameBytesMax: 100, readBufferBytes: 64 }, () => {
      throw boom;
    }),
    (e) => e === boom,
  );
});

Deno.test("FrameQueue: frames come out back to back, buffers alternate and grow", async () => {
  const queue = new FrameQueue();
  assert.equal(queue.take(), null);
  const big = new Uint8Array(200_000).fill(5);
  queue.append(new Uint8Array([1]));
  queue.append(big);
  assert.equal(queue.frames, 2);
  assert.equal(queue.bytes, 4 + 1 + 4 + big.length);
  const taken = queue.take();
  assert.ok(taken !== null);
  assert.equal(queue.frames, 0);
  assert.equal(queue.bytes, 0);
  queue.append(new Uint8Array([2, 3]));
  const got = await collect(piecewise(taken, 1 << 16), 1 << 20, 1024);
  assert.deepEqual(got, [new Uint8Array([1]), big]);
  queue.release(taken);
  const second = queue.take();
  assert.deepEqual(second, new Uint8Array([0, 0, 0, 2, 2, 3]));
  assert.equal(queue.clear(), 0);
  queue.append(new Uint8Array([4]));
  assert.equal(queue.clear(), 1);
  assert.equal(queue.take(), null);
});

Deno.test("writeAll: slices writes and survives short writes", async () => {
  const written: number[] = [];
  const writer = {
    write(bytes: Uint8Array) {
      const n = Math.min(bytes.length, 7);
      written.push(n);
      return Promise.resolve(n);
    },
  };
  await writeAll(writer, new Uint8Array(30), 10);
  assert.equal(written.reduce((a, b) => a + b, 0), 30);
  assert.ok(written.every((n) => n <= 7));
});
