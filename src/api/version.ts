/**
 * The versions `GET /version` reports. etcd-ts speaks etcd 3.4.23's API,
 * and etcd's clients read these two fields to decide what they may use.
 *
 * @module
 */

export {
  ETCD_CLUSTER_VERSION,
  /** The etcd server version etcd-ts is compatible with (`etcdserver`). */
  ETCD_COMPAT_VERSION as ETCD_SERVER_VERSION,
} from "../util/version.ts";
