/**
 * Malformed and unusual bodies recorded against a real etcd 3.4.23 (see
 * recorded_inputs.ts), replayed through {@linkcode createHandler}: a body
 * etcd's gateway refused must be refused with the same status and body
 * and without calling the service; a body it accepted must reach the
 * service; an error etcd's server answered is scripted into the fake.
 */

import assert from "node:assert/strict";
import { createHandler } from "../../src/api/mod.ts";
import { EtcdError, type GrpcCode } from "./_imports.ts";
import { FakeService, latin1Bytes, post, zeroAnswer } from "./fake_service.ts";
import { RECORDED_INPUTS, type RecordedInput } from "./recorded_inputs.ts";
import { RECORDED_MEMBER_INPUTS } from "./recorded_member_calls.ts";

const FIXED = ["/v3/maintenance/alarm", "/v3/maintenance/defragment"];

function script(service: FakeService, input: RecordedInput): void {
  if (input.serverError) {
    const body = JSON.parse(input.response!) as { message: string; code: GrpcCode };
    service.answer = () => {
      throw new EtcdError(body.message, body.code);
    };
  } else {
    // Any well-formed answer: only the status matters for accepted bodies.
    service.answer = zeroAnswer;
  }
}

function describe(input: RecordedInput): string {
  return JSON.stringify(input.request).slice(0, 100);
}

for (const input of [...RECORDED_INPUTS, ...RECORDED_MEMBER_INPUTS]) {
  Deno.test(`etcd input ${input.path} ${describe(input)}`, async () => {
    const service = new FakeService();
    script(service, input);
    const response = await createHandler(service)(post(input.path, latin1Bytes(input.request)));
    const text = await response.text();
    assert.equal(response.status, input.status);
    if (input.response !== undefined) assert.equal(text, input.response);
    const refused = input.status !== 200 && !input.serverError;
    if (refused || FIXED.some((path) => input.path === path)) {
      assert.equal(service.calls.length, 0);
    }
    if (input.status === 200 && !FIXED.includes(input.path)) {
      assert.equal(service.calls.length, 1);
    }
  });
}
