/**
 * Membership changes: simple (at most one voter changes) and joint
 * consensus (enter, then leave), applied to a copy of the tracker's
 * configuration and progress, as in etcd-io/raft's confchange package.
 *
 * @module
 */

import { assert } from "../util/assert.ts";
import type { Progress } from "./progress.ts";
import type { ProgressTracker, TrackerConfig } from "./tracker.ts";
import { cloneTrackerConfig, emptyTrackerConfig } from "./tracker.ts";
import type { ConfChange, ConfChangeSingle, ConfState, NodeId } from "./types.ts";

/** A membership change that cannot be carried out. */
export class ConfChangeError extends Error {
  override name = "ConfChangeError";
}

/** A new configuration and progress map, not yet installed. */
export interface ConfChangeResult {
  readonly config: TrackerConfig;
  readonly progress: Map<NodeId, Progress>;
}

/** Whether a change leaves a joint configuration (an empty, automatic change). */
export function isLeaveJoint(change: ConfChange): boolean {
  return change.transition === "auto" && change.changes.length === 0;
}

/** Whether a change enters a joint configuration. */
export function isEnterJoint(change: ConfChange): boolean {
  return change.transition !== "auto" || change.changes.length > 1;
}

/** Whether a joint configuration entered by `change` is left automatically. */
export function isAutoLeave(change: ConfChange): boolean {
  return change.transition === "auto" || change.transition === "jointImplicit";
}

/** Applies changes to copies of a tracker's configuration and progress. */
export class Changer {
  readonly #tracker: ProgressTracker;
  readonly #lastIndex: number;

  constructor(tracker: ProgressTracker, lastIndex: number) {
    this.#tracker = tracker;
    this.#lastIndex = lastIndex;
  }

  /** Enters a joint configuration: the current voters become the outgoing half. */
  enterJoint(autoLeave: boolean, changes: readonly ConfChangeSingle[]): ConfChangeResult {
    const { config, progress } = this.#copy();
    if (config.outgoing.size > 0) throw new ConfChangeError("config is already joint");
    if (config.incoming.size === 0) {
      throw new ConfChangeError("can't make a zero-voter config joint");
    }
    for (const id of config.incoming) config.outgoing.add(id);
    this.#apply(config, progress, changes);
    config.autoLeave = autoLeave;
    return this.#checked(config, progress);
  }

  /** Leaves a joint configuration: the outgoing half is dropped. */
  leaveJoint(): ConfChangeResult {
    const { config, progress } = this.#copy();
    if (config.outgoing.size === 0) {
      throw new ConfChangeError("can't leave a non-joint config");
    }
    for (const id of config.learnersNext) {
      config.learners.add(id);
      progress.get(id)!.isLearner = true;
    }
    config.learnersNext.clear();
    for (const id of config.outgoing) {
      if (!config.incoming.has(id) && !config.learners.has(id)) progress.delete(id);
    }
    config.outgoing.clear();
    config.autoLeave = false;
    return this.#checked(config, progress);
  }

  /** A change of at most one voter, outside joint consensus. */
  simple(changes: readonly ConfChangeSingle[]): ConfChangeResult {
    const { config, progress } = this.#copy();
    if (config.outgoing.size > 0) {
      throw new ConfChangeError("can't apply simple config change in joint config");
    }
    const before = new Set(config.incoming);
    this.#apply(config, progress, changes);
    let changed = 0;
    for (const id of before) if (!config.incoming.has(id)) changed++;
    for (const id of config.incoming) if (!before.has(id)) changed++;
    if (changed > 1) {
      throw new ConfChangeError("more than one voter changed without entering joint config");
    }
    return this.#checked(config, progress);
  }

  #copy(): ConfChangeResult {
    const progress = new Map<NodeId, Progress>();
    for (const [id, pr] of this.#tracker.progress) progress.set(id, pr.clone());
    return { config: cloneTrackerConfig(this.#tracker.config), progress };
  }

  #apply(
    config: TrackerConfig,
    progress: Map<NodeId, Progress>,
    changes: readonly ConfChangeSingle[],
  ): void {
    for (const change of changes) {
      if (change.nodeId === 0n) continue;
      if (change.type === "addNode") this.#makeVoter(config, progress, change.nodeId);
      else if (change.type === "addLearnerNode") this.#makeLearner(config, progress, change.nodeId);
      else this.#remove(config, progress, change.nodeId);
    }
    if (config.incoming.size === 0) throw new ConfChangeError("removed all voters");
  }

  #makeVoter(config: TrackerConfig, progress: Map<NodeId, Progress>, id: NodeId): void {
    const pr = progress.get(id);
    if (pr === undefined) {
      this.#initProgress(config, progress, id, false);
      return;
    }
    pr.isLearner = false;
    config.learners.delete(id);
    config.learnersNext.delete(id);
    config.incoming.add(id);
  }

  #makeLearner(config: TrackerConfig, progress: Map<NodeId, Progress>, id: NodeId): void {
    const pr = progress.get(id);
    if (pr === undefined) {
      this.#initProgress(config, progress, id, true);
      return;
    }
    if (pr.isLearner) return;
    this.#remove(config, progress, id);
    progress.set(id, pr);
    if (config.outgoing.has(id)) {
      config.learnersNext.add(id);
    } else {
      pr.isLearner = true;
      config.learners.add(id);
    }
  }

  #remove(config: TrackerConfig, progress: Map<NodeId, Progress>, id: NodeId): void {
    if (!progress.has(id)) return;
    config.incoming.delete(id);
    config.learners.delete(id);
    config.learnersNext.delete(id);
    if (!config.outgoing.has(id)) progress.delete(id);
  }

  #initProgress(
    config: TrackerConfig,
    progress: Map<NodeId, Progress>,
    id: NodeId,
    isLearner: boolean,
  ): void {
    if (isLearner) config.learners.add(id);
    else config.incoming.add(id);
    const pr = this.#tracker.newProgress(Math.max(this.#lastIndex, 1), isLearner);
    // A new member counts as active so that CheckQuorum does not depose the leader at once.
    pr.recentActive = true;
    progress.set(id, pr);
  }

  #checked(config: TrackerConfig, progress: Map<NodeId, Progress>): ConfChangeResult {
    checkInvariants(config, progress);
    return { config, progress };
  }
}

/** Asserts that a configuration and its progress map agree. */
export function checkInvariants(
  config: TrackerConfig,
  progress: ReadonlyMap<NodeId, Progress>,
): void {
  for (const set of [config.incoming, config.outgoing, config.learners, config.learnersNext]) {
    for (const id of set) assert(progress.has(id), `no progress for ${id}`);
  }
  for (const id of config.learnersNext) {
    assert(config.outgoing.has(id), `${id} is in learnersNext, but not outgoing`);
    assert(
      !progress.get(id)!.isLearner,
      `${id} is in learnersNext, but is already marked as learner`,
    );
  }
  for (const id of config.learners) {
    assert(!config.outgoing.has(id), `${id} is in learners and outgoing voters`);
    assert(!config.incoming.has(id), `${id} is in learners and incoming voters`);
    assert(progress.get(id)!.isLearner, `${id} is in learners, but is not marked as learner`);
  }
  if (config.outgoing.size === 0) {
    assert(config.learnersNext.size === 0, "learnersNext must be empty when not joint");
    assert(!config.autoLeave, "autoLeave must be false when not joint");
  }
}

/**
 * Rebuilds the configuration a ConfState describes, through a sequence of
 * changes starting from an empty configuration (etcd's confchange.Restore).
 */
export function restoreConfig(
  tracker: ProgressTracker,
  lastIndex: number,
  confState: ConfState,
): ConfChangeResult {
  const outgoing: ConfChangeSingle[] = confState.votersOutgoing.map((nodeId) => ({
    type: "addNode",
    nodeId,
  }));
  const incoming: ConfChangeSingle[] = [
    ...confState.votersOutgoing.map((nodeId) => ({ type: "removeNode" as const, nodeId })),
    ...confState.voters.map((nodeId) => ({ type: "addNode" as const, nodeId })),
    ...confState.learners.map((nodeId) => ({ type: "addLearnerNode" as const, nodeId })),
    ...confState.learnersNext.map((nodeId) => ({ type: "addLearnerNode" as const, nodeId })),
  ];
  tracker.config = emptyTrackerConfig();
  tracker.progress = new Map();
  const install = (result: ConfChangeResult) => {
    tracker.config = result.config;
    tracker.progress = result.progress;
  };
  if (outgoing.length === 0) {
    for (const change of incoming) install(new Changer(tracker, lastIndex).simple([change]));
  } else {
    for (const change of outgoing) install(new Changer(tracker, lastIndex).simple([change]));
    install(new Changer(tracker, lastIndex).enterJoint(confState.autoLeave, incoming));
  }
  return { config: tracker.config, progress: tracker.progress };
}
