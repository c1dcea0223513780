/**
 * The simulated network between members: per-link cuts (symmetric and
 * one-way partitions, reference counted so overlapping faults heal
 * independently), and per-message loss, duplication, delay and reordering
 * drawn from the network's own PRNG stream. The network only decides when
 * (if ever) a message arrives; the cluster puts arrivals in its event queue.
 *
 * @module
 */

import type { NodeId } from "../../src/raft/mod.ts";
import type { SeededPrng } from "../../src/util/prng.ts";
import type { NetworkConfig } from "./sim_config.ts";

/** Why a message was not delivered, or "sent". */
export type RouteOutcome = "sent" | "cut" | "dropped";

/** Where a message goes: arrival times (two when duplicated). */
export interface Route {
  readonly outcome: RouteOutcome;
  readonly arrivalsMs: readonly number[];
}

function linkKey(from: NodeId, to: NodeId): string {
  return `${from}>${to}`;
}

/** Links, rates and routing. */
export class SimNetwork {
  readonly #prng: SeededPrng;
  readonly #cuts = new Map<string, number>();
  /** Latest arrival scheduled per link, to keep FIFO links in order. */
  readonly #lastArrivalMs = new Map<string, number>();
  #rates: NetworkConfig;

  constructor(rates: NetworkConfig, prng: SeededPrng) {
    this.#rates = rates;
    this.#prng = prng;
  }

  /** Current rates. */
  get rates(): NetworkConfig {
    return this.#rates;
  }

  /** Replaces the rates (the liveness phase turns loss and duplication off). */
  setRates(rates: NetworkConfig): void {
    this.#rates = rates;
  }

  /** Whether the directed link from → to is cut. */
  isCut(from: NodeId, to: NodeId): boolean {
    return this.#cuts.size > 0 && this.#cuts.has(linkKey(from, to));
  }

  /** Cuts the directed link (counted: each cut needs its own restore). */
  cut(from: NodeId, to: NodeId): void {
    const key = linkKey(from, to);
    this.#cuts.set(key, (this.#cuts.get(key) ?? 0) + 1);
  }

  /** Restores one cut of the directed link. */
  restore(from: NodeId, to: NodeId): void {
    const key = linkKey(from, to);
    const count = this.#cuts.get(key) ?? 0;
    if (count <= 1) this.#cuts.delete(key);
    else this.#cuts.set(key, count - 1);
  }

  /** Restores every link. */
  healAll(): void {
    this.#cuts.clear();
  }

  /** How many directed links are cut. */
  get cutCount(): number {
    return this.#cuts.size;
  }

  /** Decides the fate of one message sent at `nowMs`. */
  route(from: NodeId, to: NodeId, nowMs: number): Route {
    if (this.isCut(from, to)) return { outcome: "cut", arrivalsMs: [] };
    const rates = this.#rates;
    if (rates.dropRate > 0 && this.#prng.nextFloat() < rates.dropRate) {
      return { outcome: "dropped", arrivalsMs: [] };
    }
    const first = this.#arrivalMs(from, to, nowMs + this.#delayMs(rates));
    if (rates.duplicateRate > 0 && this.#prng.nextFloat() < rates.duplicateRate) {
      const second = this.#arrivalMs(from, to, nowMs + this.#delayMs(rates));
      return { outcome: "sent", arrivalsMs: [first, second] };
    }
    return { outcome: "sent", arrivalsMs: [first] };
  }

  /** On a FIFO link a message never arrives before one sent earlier (ties keep send order). */
  #arrivalMs(from: NodeId, to: NodeId, arrivalMs: number): number {
    if (!this.#rates.fifo) return arrivalMs;
    const key = linkKey(from, to);
    const arrival = Math.max(arrivalMs, this.#lastArrivalMs.get(key) ?? 0);
    this.#lastArrivalMs.set(key, arrival);
    return arrival;
  }

  #delayMs(rates: NetworkConfig): number {
    let delay = rates.latencyMs;
    if (rates.jitterMs > 0) delay += this.#prng.nextInt(rates.jitterMs + 1);
    if (rates.reorderRate > 0 && this.#prng.nextFloat() < rates.reorderRate) {
      delay += this.#prng.nextInt(rates.reorderDelayMs + 1);
    }
    return delay;
  }
}
