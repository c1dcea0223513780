/**
 * The versions `GET /version` reports. etcd-ts speaks etcd 3.4.23's API,
 * and etcd's clients read these two fields to decide what they may use.
 *
 * @module
 */

/** The etcd server version etcd-ts is compatible with (`etcdserver`). */
export const ETCD_SERVER_VERSION = "3.4.23";

/** The cluster version etcd-ts reports (`etcdcluster`). */
export const ETCD_CLUSTER_VERSION = "3.4.0";
