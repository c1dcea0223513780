/**
 * Watch: the watchers of one member (pure, driven by calls), as etcd 3.4's
 * watchable store and watch server keep them.
 *
 * @module
 */

export { WatchHub, type WatchHubLimits, type WatchStream } from "./watch_hub.ts";
export {
  NO_EVENTS,
  type WatchHistory,
  type WatchMessage,
  watchMessage,
  type WatchSink,
} from "./types.ts";
export { type KeyRange, keyRangeOf, keyToString, rangeHolds } from "./key_range.ts";
