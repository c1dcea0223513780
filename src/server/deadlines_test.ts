import assert from "node:assert/strict";
import { type DeadlineClock, Deadlines } from "./deadlines.ts";

/** A clock whose time and single timer the test moves by hand. */
class FakeClock implements DeadlineClock {
  time = 0;
  timers = new Map<number, { at: number; fire: () => void }>();
  #next = 1;

  now(): number {
    return this.time;
  }

  setTimeout(fire: () => void, delayMs: number): number {
    const id = this.#next++;
    this.timers.set(id, { at: this.time + delayMs, fire });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Moves time to `to`, firing every timer due on the way, in order. */
  advance(to: number): void {
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= to)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fire();
    }
    this.time = to;
  }
}

Deno.test("deadlines: each expires timeoutMs after it was added, in order, with one timer", () => {
  const clock = new FakeClock();
  const deadlines = new Deadlines(100, clock);
  const fired: string[] = [];
  deadlines.add(() => fired.push(`a@${clock.time}`));
  clock.advance(30);
  deadlines.add(() => fired.push(`b@${clock.time}`));
  clock.advance(60);
  deadlines.add(() => fired.push(`c@${clock.time}`));
  assert.equal(clock.timers.size, 1, "one timer for all");
  clock.advance(99);
  assert.deepEqual(fired, []);
  clock.advance(100);
  assert.deepEqual(fired, ["a@100"]);
  clock.advance(500);
  assert.deepEqual(fired, ["a@100", "b@130", "c@160"]);
  assert.equal(clock.timers.size, 0, "no timer once nothing is pending");
  assert.equal(deadlines.size, 0);
});

Deno.test("deadlines: a cancelled one never fires; the others still do", () => {
  const clock = new FakeClock();
  const deadlines = new Deadlines(100, clock);
  const fired: string[] = [];
  const cancelA = deadlines.add(() => fired.push("a"));
  clock.advance(10);
  deadlines.add(() => fired.push("b"));
  clock.advance(20);
  const cancelC = deadlines.add(() => fired.push("c"));
  cancelA();
  cancelC();
  clock.advance(1000);
  assert.deepEqual(fired, ["b"]);
});

Deno.test("deadlines: settled requests at the front are forgotten as new ones come", () => {
  const clock = new FakeClock();
  const deadlines = new Deadlines(1000, clock);
  for (let i = 0; i < 5000; i++) {
    const cancel = deadlines.add(() => assert.fail("cancelled"));
    clock.advance(clock.time + 0.1);
    cancel();
  }
  const fired: number[] = [];
  deadlines.add(() => fired.push(clock.time));
  assert.ok(deadlines.size <= 1, `held ${deadlines.size}`);
  clock.advance(clock.time + 2000);
  assert.equal(fired.length, 1);
});

Deno.test("deadlines: clear drops everything pending and its timer", () => {
  const clock = new FakeClock();
  const deadlines = new Deadlines(100, clock);
  deadlines.add(() => assert.fail("cleared"));
  deadlines.clear();
  assert.equal(clock.timers.size, 0);
  clock.advance(1000);
  const fired: number[] = [];
  deadlines.add(() => fired.push(clock.time));
  clock.advance(2000);
  assert.deepEqual(fired, [1100]);
});
