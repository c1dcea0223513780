/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32).
 * Deterministic for a given seed: the Raft core and the simulator draw all
 * randomness from an injected {@linkcode Prng}, never from `Math.random`.
 *
 * @module
 */

/** Source of randomness injected into pure code. */
export interface Prng {
  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number;
  /** An integer in `[0, maxExclusive)`; `maxExclusive` is a positive safe integer. */
  nextInt(maxExclusive: number): number;
  /** A float in `[0, 1)`. */
  nextFloat(): number;
}

function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/** sfc32 generator seeded from a 32-bit (or larger, folded) integer seed. */
export class SeededPrng implements Prng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    let state = (seed ^ Math.floor(seed / 0x100000000)) | 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [nextState, word] = splitmix32(state);
      state = nextState;
      words.push(word);
    }
    this.#a = words[0]!;
    this.#b = words[1]!;
    this.#c = words[2]!;
    this.#d = words[3]!;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  nextInt(maxExclusive: number): number {
    if (!(Number.isSafeInteger(maxExclusive) && maxExclusive > 0)) {
      throw new RangeError(
        `Cannot draw an integer below "${maxExclusive}": expected a positive safe integer`,
      );
    }
    if (maxExclusive <= 0x100000000) {
      // Rejection sampling keeps the distribution uniform.
      const limit = 0x100000000 - (0x100000000 % maxExclusive);
      for (;;) {
        const value = this.nextUint32();
        if (value < limit) return value % maxExclusive;
      }
    }
    return Math.floor(this.nextFloat() * maxExclusive);
  }

  nextFloat(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** A new generator whose stream is derived from this one (a stream per subsystem). */
  fork(): SeededPrng {
    return new SeededPrng(this.nextUint32() ^ (this.nextUint32() * 0x10000));
  }
}
