/**
 * The membership calls of etcd 3.4.23's HTTP/JSON gateway
 * (`/v3/cluster/member/{add,remove,update,promote}`), recorded with
 * `curl -d` against a real etcd 3.4.23 (Debian `etcd-server 3.4.23-4+b4`):
 * a 3-member cluster m1, m2, m3 on loopback (requests to m1), a learner
 * started as a 4th member, and a 1-member cluster that lost its quorum to an
 * unstarted member. Same shapes as recorded_calls.ts and recorded_inputs.ts.
 *
 * What the recording showed, beyond the bodies:
 * - the answers' header has no `revision` (0), like member list's;
 * - the added member has no name and no client URLs until it starts;
 * - `isLearner` shows only when true; a promoted member loses it;
 * - a voting member added while another member is not connected (or within
 *   5 s of the cluster's start) is refused `unhealthy cluster` (503), and so
 *   is a learner then;
 * - every call to a learner's own client port is 503 `rpc not supported for
 *   learner`, as are its range and member list (its status works);
 * - removing a member from a cluster without quorum is `re-configuration
 *   failed due to not enough started members` with code 2 (Unknown, 500) —
 *   etcd has no gRPC mapping for that error; removing the unstarted member
 *   instead never answered (the request hung for over a minute);
 * - `member/update` with a URL that is not a URL was accepted by etcd 3.4.23
 *   and crashed the other members (`panic: newURLs [bad] should never fail`):
 *   not a behaviour to copy, so not recorded here.
 *
 * @module
 */

import type { RecordedCall } from "./recorded_calls.ts";
import type { RecordedInput } from "./recorded_inputs.ts";

const H = '{"cluster_id":"639251452477487419","member_id":"7483549097294873886","raft_term":"2"}';
const M1 =
  '{"ID":"7483549097294873886","name":"m1","peerURLs":["http://127.0.0.1:51380"],"clientURLs":["http://127.0.0.1:51379"]}';
const M3 =
  '{"ID":"12878439331375849242","name":"m3","peerURLs":["http://127.0.0.1:53380"],"clientURLs":["http://127.0.0.1:53379"]}';
const M2 =
  '{"ID":"14170069394354339642","name":"m2","peerURLs":["http://127.0.0.1:52380"],"clientURLs":["http://127.0.0.1:52379"]}';
const NEW_VOTER = '{"ID":"4890429767981330737","peerURLs":["http://127.0.0.1:54380"]}';
const NEW_LEARNER =
  '{"ID":"12974857349106113492","peerURLs":["http://127.0.0.1:54380"],"isLearner":true}';
const OLD_LEARNER =
  '{"ID":"9660866387560925883","peerURLs":["http://127.0.0.1:54380"],"isLearner":true}';
const PROMOTED =
  '{"ID":"16353902474472657972","name":"sgw","peerURLs":["http://127.0.0.1:54380"],"clientURLs":["http://127.0.0.1:54379"]}';

function error(message: string, code: number): string {
  return JSON.stringify({ error: message, message, code });
}

function ok(section: string, path: string, request: string, response: string): RecordedCall {
  return { section, path, request, status: 200, response, serverError: false };
}

function failed(
  section: string,
  path: string,
  request: string,
  status: number,
  message: string,
  code: number,
): RecordedCall {
  return { section, path, request, status, response: error(message, code), serverError: true };
}

const ADD = "/v3/cluster/member/add";
const REMOVE = "/v3/cluster/member/remove";
const UPDATE = "/v3/cluster/member/update";
const PROMOTE = "/v3/cluster/member/promote";
const NOT_FOUND = "etcdserver: member not found";
const UNHEALTHY = "etcdserver: unhealthy cluster";
const NOT_LEARNER = "etcdserver: can only promote a learner member";
const NOT_READY = "etcdserver: can only promote a learner member which is in sync with leader";
const URLS_EXIST = "etcdserver: Peer URLs already exists";
const BAD_URLS = "etcdserver: given member URLs are invalid";
const FOR_LEARNER = "etcdserver: rpc not supported for learner";

/** The recorded membership calls, in the order they were made. */
export const RECORDED_MEMBER_CALLS: readonly RecordedCall[] = [
  failed("member add", ADD, '{"peerURLs":["http://127.0.0.1:54380"]}', 503, UNHEALTHY, 14),
  ok(
    "member add",
    ADD,
    '{"peerURLs":["http://127.0.0.1:54380"]}',
    `{"header":${H},"member":${NEW_VOTER},"members":[${NEW_VOTER},${M1},${M3},${M2}]}`,
  ),
  failed("member add", ADD, '{"peerURLs":["http://127.0.0.1:55380"]}', 503, UNHEALTHY, 14),
  failed(
    "member add",
    ADD,
    '{"peerURLs":["http://127.0.0.1:55380"],"isLearner":true}',
    503,
    UNHEALTHY,
    14,
  ),
  ok(
    "member remove",
    REMOVE,
    '{"ID":"4890429767981330737"}',
    `{"header":${H},"members":[${M1},${M3},${M2}]}`,
  ),
  failed("member remove", REMOVE, '{"ID":"4890429767981330737"}', 404, NOT_FOUND, 5),
  failed("member remove", REMOVE, "{}", 404, NOT_FOUND, 5),
  failed("member promote", PROMOTE, '{"ID":"7483549097294873886"}', 412, NOT_LEARNER, 9),
  failed("member promote", PROMOTE, "{}", 404, NOT_FOUND, 5),
  ok(
    "member promote",
    PROMOTE,
    '{"ID":"16353902474472657972"}',
    `{"header":${H},"members":[${M1},${M3},${M2},${PROMOTED}]}`,
  ),
  failed("member promote", PROMOTE, '{"ID":"16353902474472657972"}', 412, NOT_LEARNER, 9),
  ok(
    "member add learner",
    ADD,
    '{"peerURLs":["http://127.0.0.1:54380"],"isLearner":true}',
    `{"header":${H},"member":${NEW_LEARNER},"members":[${M1},${M3},${NEW_LEARNER},${M2}]}`,
  ),
  failed("member promote", PROMOTE, '{"ID":"12974857349106113492"}', 412, NOT_READY, 9),
  failed(
    "member add learner",
    ADD,
    '{"peerURLs":["http://127.0.0.1:55380"],"isLearner":true}',
    412,
    "etcdserver: too many learner members in cluster",
    9,
  ),
  failed(
    "member promote",
    "/v3beta/cluster/member/promote",
    '{"ID":12974857349106113492}',
    412,
    NOT_READY,
    9,
  ),
  ok(
    "member update",
    UPDATE,
    '{"ID":"7483549097294873886","peerURLs":["http://127.0.0.1:51380"]}',
    `{"header":${H},"members":[${M1},${OLD_LEARNER},${M3},${M2}]}`,
  ),
  failed(
    "member update",
    UPDATE,
    '{"ID":7483549097294873886,"peerURLs":["http://127.0.0.1:52380"]}',
    412,
    URLS_EXIST,
    9,
  ),
  failed(
    "member update",
    UPDATE,
    '{"ID":"4660","peerURLs":["http://127.0.0.1:56380"]}',
    404,
    NOT_FOUND,
    5,
  ),
  failed("member add", ADD, '{"peerURLs":["foo"]}', 400, BAD_URLS, 3),
  failed("member add", ADD, '{"peerURLs":["http://127.0.0.1:52380"]}', 412, URLS_EXIST, 9),
  failed("member add", ADD, "{}", 400, BAD_URLS, 3),
  failed(
    "member remove, no quorum",
    REMOVE,
    '{"ID":"13245990944766810791"}',
    500,
    "etcdserver: re-configuration failed due to not enough started members",
    2,
  ),
  failed("learner's port", "/v3/kv/range", '{"key":"aGVhbHRo"}', 503, FOR_LEARNER, 14),
  failed("learner's port", "/v3/cluster/member/list", "{}", 503, FOR_LEARNER, 14),
  failed("learner's port", PROMOTE, '{"ID":"1"}', 503, FOR_LEARNER, 14),
  failed("learner's port", ADD, '{"peerURLs":["http://127.0.0.1:55380"]}', 503, FOR_LEARNER, 14),
  ok(
    "learner's port",
    "/v3/maintenance/status",
    "{}",
    '{"header":{"cluster_id":"639251452477487419","member_id":"5071131370056191853","revision":"1","raft_term":"2"},"version":"3.4.23","dbSize":"20480","leader":"12878439331375849242","raftIndex":"52","raftTerm":"2","raftAppliedIndex":"52","dbSizeInUse":"16384","isLearner":true}',
  ),
];

function refused(path: string, request: string, message: string): RecordedInput {
  return { path, request, status: 400, serverError: false, response: error(message, 3) };
}

function answered(path: string, request: string, status: number, message: string, code: number) {
  return { path, request, status, serverError: true, response: error(message, code) };
}

/** Unusual membership bodies and what etcd answered them. */
export const RECORDED_MEMBER_INPUTS: readonly RecordedInput[] = [
  refused(PROMOTE, '{"ID":"abc"}', "invalid character 'a' looking for beginning of value"),
  refused(PROMOTE, '{"ID":-1}', "json: cannot unmarshal number -1 into Go value of type uint64"),
  refused(
    PROMOTE,
    '{"ID":"18446744073709551616"}',
    "json: cannot unmarshal number 18446744073709551616 into Go value of type uint64",
  ),
  refused(PROMOTE, '{"ID":1.5}', "json: cannot unmarshal number 1.5 into Go value of type uint64"),
  refused(PROMOTE, '{"ID":true}', "json: cannot unmarshal bool into Go value of type uint64"),
  refused(
    ADD,
    '{"peerURLs":"http://a:1"}',
    "json: cannot unmarshal string into Go value of type []json.RawMessage",
  ),
  refused(ADD, '{"peerURLs":[1]}', "json: cannot unmarshal number into Go value of type string"),
  refused(ADD, '{"isLearner":"yes"}', "json: cannot unmarshal string into Go value of type bool"),
  answered(ADD, '{"peer_URLs":["http://127.0.0.1:52380"]}', 400, BAD_URLS, 3),
  answered(ADD, '{"peerUrls":["http://127.0.0.1:52380"]}', 400, BAD_URLS, 3),
  answered(PROMOTE, '{"id":"7483549097294873886"}', 404, NOT_FOUND, 5),
  answered(PROMOTE, '{"ID":"7483549097294873886","bogus":1}', 412, NOT_LEARNER, 9),
];
