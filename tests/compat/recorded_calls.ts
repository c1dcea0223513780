/**
 * Request/response pairs of etcd 3.4.23's HTTP/JSON gateway for the calls
 * etcd-ts serves, taken verbatim from the reference transcript
 * (shared/reference/etcd-3.4-json-and-etcdctl.md, sections 2.1-2.6, 2.9,
 * 2.11 and 2.12; requests sent with `curl -d`). `serverError` marks an error
 * etcd answered from the server (chunked, with a trailer) rather than from
 * the gateway while decoding the body. 404 bodies end with a newline.
 *
 * @module
 */

/** One recorded call. */
export interface RecordedCall {
  /** Transcript section. */
  readonly section: string;
  readonly path: string;
  /** The request body as sent. */
  readonly request: string;
  readonly status: number;
  /** The response body, byte for byte. */
  readonly response: string;
  /** An error etcd's server (not its gateway) answered. */
  readonly serverError: boolean;
}

/** The recorded calls, in transcript order. */
export const RECORDED_CALLS: readonly RecordedCall[] = [
  {
    "section": "2.1",
    "path": "/v3/kv/put",
    "request": '{"key":"Zm9v","value":"YmFy"}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"19","raft_term":"2"}}',
    "serverError": false,
  },
  {
    "section": "2.1",
    "path": "/v3/kv/range",
    "request": '{"key":"!!!"}',
    "status": 400,
    "response":
      '{"error":"illegal base64 data at input byte 0","message":"illegal base64 data at input byte 0","code":3}',
    "serverError": false,
  },
  {
    "section": "2.2",
    "path": "/v3/kv/put",
    "request": '{"key":"Zm9v","value":"YmF6"}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"20","raft_term":"2"}}',
    "serverError": false,
  },
  {
    "section": "2.2",
    "path": "/v3/kv/put",
    "request": '{"key":"Zm9v","value":"YmFy","prev_kv":true}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"21","raft_term":"2"},"prev_kv":{"key":"Zm9v","create_revision":"19","mod_revision":"20","version":"2","value":"YmF6"}}',
    "serverError": false,
  },
  {
    "section": "2.2",
    "path": "/v3/kv/put",
    "request": '{"key":"bmV3a2V5","value":"djE=","prev_kv":true}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"22","raft_term":"2"}}',
    "serverError": false,
  },
  {
    "section": "2.2",
    "path": "/v3/kv/put",
    "request": '{"key":"ZW1wdHl2YWw="}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"23","raft_term":"2"}}',
    "serverError": false,
  },
  {
    "section": "2.2",
    "path": "/v3/kv/range",
    "request": '{"key":"ZW1wdHl2YWw="}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"23","raft_term":"2"},"kvs":[{"key":"ZW1wdHl2YWw=","create_revision":"23","mod_revision":"23","version":"1"}],"count":"1"}',
    "serverError": false,
  },
  {
    "section": "2.2",
    "path": "/v3/kv/put",
    "request": '{"key":"Zm9v","ignore_value":true}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"24","raft_term":"2"}}',
    "serverError": false,
  },
  {
    "section": "2.2",
    "path": "/v3/kv/put",
    "request": '{"key":"bm9zdWNoa2V5","ignore_value":true}',
    "status": 400,
    "response":
      '{"error":"etcdserver: key not found","message":"etcdserver: key not found","code":3}',
    "serverError": true,
  },
  {
    "section": "2.2",
    "path": "/v3/kv/put",
    "request": '{"value":"YmFy"}',
    "status": 400,
    "response":
      '{"error":"etcdserver: key is not provided","message":"etcdserver: key is not provided","code":3}',
    "serverError": true,
  },
  {
    "section": "2.2",
    "path": "/v3/kv/put",
    "request": '{"key":"cGZ4L2E=","value":"YQ=="}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"25","raft_term":"2"}}',
    "serverError": false,
  },
  {
    "section": "2.2",
    "path": "/v3/kv/put",
    "request": '{"key":"cGZ4L2I=","value":"Yg=="}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"26","raft_term":"2"}}',
    "serverError": false,
  },
  {
    "section": "2.2",
    "path": "/v3/kv/put",
    "request": '{"key":"cGZ4L2M=","value":"Yw=="}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"27","raft_term":"2"}}',
    "serverError": false,
  },
  {
    "section": "2.2",
    "path": "/v3/kv/put",
    "request": '{"key":"cGZ4L2E=","value":"YTI="}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"28","raft_term":"2"}}',
    "serverError": false,
  },
  {
    "section": "2.3",
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v"}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"28","raft_term":"2"},"kvs":[{"key":"Zm9v","create_revision":"19","mod_revision":"24","version":"4","value":"YmFy"}],"count":"1"}',
    "serverError": false,
  },
  {
    "section": "2.3",
    "path": "/v3/kv/range",
    "request": '{"key":"bm9zdWNoa2V5"}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"28","raft_term":"2"}}',
    "serverError": false,
  },
  {
    "section": "2.3",
    "path": "/v3/kv/range",
    "request": '{"key":"cGZ4Lw==","range_end":"cGZ4MA=="}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"28","raft_term":"2"},"kvs":[{"key":"cGZ4L2E=","create_revision":"25","mod_revision":"28","version":"2","value":"YTI="},{"key":"cGZ4L2I=","create_revision":"26","mod_revision":"26","version":"1","value":"Yg=="},{"key":"cGZ4L2M=","create_revision":"27","mod_revision":"27","version":"1","value":"Yw=="}],"count":"3"}',
    "serverError": false,
  },
  {
    "section": "2.3",
    "path": "/v3/kv/range",
    "request": '{"key":"cGZ4Lw==","range_end":"cGZ4MA==","limit":2}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"28","raft_term":"2"},"kvs":[{"key":"cGZ4L2E=","create_revision":"25","mod_revision":"28","version":"2","value":"YTI="},{"key":"cGZ4L2I=","create_revision":"26","mod_revision":"26","version":"1","value":"Yg=="}],"more":true,"count":"3"}',
    "serverError": false,
  },
  {
    "section": "2.3",
    "path": "/v3/kv/range",
    "request": '{"key":"cGZ4Lw==","range_end":"cGZ4MA==","limit":"1"}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"28","raft_term":"2"},"kvs":[{"key":"cGZ4L2E=","create_revision":"25","mod_revision":"28","version":"2","value":"YTI="}],"more":true,"count":"3"}',
    "serverError": false,
  },
  {
    "section": "2.3",
    "path": "/v3/kv/range",
    "request": '{"key":"cGZ4Lw==","range_end":"cGZ4MA==","keys_only":true}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"28","raft_term":"2"},"kvs":[{"key":"cGZ4L2E=","create_revision":"25","mod_revision":"28","version":"2"},{"key":"cGZ4L2I=","create_revision":"26","mod_revision":"26","version":"1"},{"key":"cGZ4L2M=","create_revision":"27","mod_revision":"27","version":"1"}],"count":"3"}',
    "serverError": false,
  },
  {
    "section": "2.3",
    "path": "/v3/kv/range",
    "request": '{"key":"cGZ4Lw==","range_end":"cGZ4MA==","count_only":true}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"28","raft_term":"2"},"count":"3"}',
    "serverError": false,
  },
  {
    "section": "2.3",
    "path": "/v3/kv/range",
    "request": '{"key":"cGZ4L2E=","revision":"25"}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"28","raft_term":"2"},"kvs":[{"key":"cGZ4L2E=","create_revision":"25","mod_revision":"25","version":"1","value":"YQ=="}],"count":"1"}',
    "serverError": false,
  },
  {
    "section": "2.3",
    "path": "/v3/kv/range",
    "request": '{"key":"cGZ4L2E=","revision":"100000"}',
    "status": 400,
    "response":
      '{"error":"etcdserver: mvcc: required revision is a future revision","message":"etcdserver: mvcc: required revision is a future revision","code":11}',
    "serverError": true,
  },
  {
    "section": "2.3",
    "path": "/v3/kv/range",
    "request":
      '{"key":"cGZ4Lw==","range_end":"cGZ4MA==","sort_order":"DESCEND","sort_target":"KEY"}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"28","raft_term":"2"},"kvs":[{"key":"cGZ4L2M=","create_revision":"27","mod_revision":"27","version":"1","value":"Yw=="},{"key":"cGZ4L2I=","create_revision":"26","mod_revision":"26","version":"1","value":"Yg=="},{"key":"cGZ4L2E=","create_revision":"25","mod_revision":"28","version":"2","value":"YTI="}],"count":"3"}',
    "serverError": false,
  },
  {
    "section": "2.3",
    "path": "/v3/kv/range",
    "request": '{"key":"cGZ4Lw==","range_end":"cGZ4MA==","sort_order":2,"sort_target":2}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"28","raft_term":"2"},"kvs":[{"key":"cGZ4L2M=","create_revision":"27","mod_revision":"27","version":"1","value":"Yw=="},{"key":"cGZ4L2I=","create_revision":"26","mod_revision":"26","version":"1","value":"Yg=="},{"key":"cGZ4L2E=","create_revision":"25","mod_revision":"28","version":"2","value":"YTI="}],"count":"3"}',
    "serverError": false,
  },
  {
    "section": "2.3",
    "path": "/v3/kv/range",
    "request":
      '{"key":"cGZ4Lw==","range_end":"cGZ4MA==","sort_order":"ASCEND","sort_target":"VALUE"}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"28","raft_term":"2"},"kvs":[{"key":"cGZ4L2E=","create_revision":"25","mod_revision":"28","version":"2","value":"YTI="},{"key":"cGZ4L2I=","create_revision":"26","mod_revision":"26","version":"1","value":"Yg=="},{"key":"cGZ4L2M=","create_revision":"27","mod_revision":"27","version":"1","value":"Yw=="}],"count":"3"}',
    "serverError": false,
  },
  {
    "section": "2.3",
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","serializable":true}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"28","raft_term":"2"},"kvs":[{"key":"Zm9v","create_revision":"19","mod_revision":"24","version":"4","value":"YmFy"}],"count":"1"}',
    "serverError": false,
  },
  {
    "section": "2.3",
    "path": "/v3/kv/range",
    "request": '{"key":"AA==","range_end":"AA==","keys_only":true}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"28","raft_term":"2"},"kvs":[{"key":"YXV0aGtleQ==","create_revision":"18","mod_revision":"18","version":"1"},{"key":"ZW1wdHl2YWw=","create_revision":"23","mod_revision":"23","version":"1"},{"key":"ZXhhbXBsZTE=","create_revision":"3","mod_revision":"3","version":"1"},{"key":"ZXhhbXBsZTI=","create_revision":"4","mod_revision":"4","version":"1"},{"key":"Zm9v","create_revision":"19","mod_revision":"24","version":"4"},{"key":"bXlrZXk=","create_revision":"6","mod_revision":"12","version":"3"},{"key":"bmV3a2V5","create_revision":"22","mod_revision":"22","version":"1"},{"key":"cGZ4L2E=","create_revision":"25","mod_revision":"28","version":"2"},{"key":"cGZ4L2I=","create_revision":"26","mod_revision":"26","version":"1"},{"key":"cGZ4L2M=","create_revision":"27","mod_revision":"27","version":"1"},{"key":"d2F0Y2hrZXk=","create_revision":"16","mod_revision":"17","version":"2"}],"count":"11"}',
    "serverError": false,
  },
  {
    "section": "2.3",
    "path": "/v3/kv/range",
    "request": '{"key":"cGZ4Lw==","range_end":"cGZ4MA==","min_mod_revision":"28"}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"28","raft_term":"2"},"kvs":[{"key":"cGZ4L2E=","create_revision":"25","mod_revision":"28","version":"2","value":"YTI="}],"count":"3"}',
    "serverError": false,
  },
  {
    "section": "2.3",
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","sort_order":"SIDEWAYS"}',
    "status": 400,
    "response":
      '{"error":"unknown value \\"SIDEWAYS\\" for enum etcdserverpb.RangeRequest_SortOrder","message":"unknown value \\"SIDEWAYS\\" for enum etcdserverpb.RangeRequest_SortOrder","code":3}',
    "serverError": false,
  },
  {
    "section": "2.3",
    "path": "/v3/kv/range",
    "request": "{}",
    "status": 400,
    "response":
      '{"error":"etcdserver: key is not provided","message":"etcdserver: key is not provided","code":3}',
    "serverError": true,
  },
  {
    "section": "2.4",
    "path": "/v3/kv/put",
    "request": '{"key":"ZGVsMQ==","value":"ZDE="}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"29","raft_term":"2"}}',
    "serverError": false,
  },
  {
    "section": "2.4",
    "path": "/v3/kv/put",
    "request": '{"key":"ZGVsMg==","value":"ZDI="}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"30","raft_term":"2"}}',
    "serverError": false,
  },
  {
    "section": "2.4",
    "path": "/v3/kv/deleterange",
    "request": '{"key":"ZGVsMQ==","prev_kv":true}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"31","raft_term":"2"},"deleted":"1","prev_kvs":[{"key":"ZGVsMQ==","create_revision":"29","mod_revision":"29","version":"1","value":"ZDE="}]}',
    "serverError": false,
  },
  {
    "section": "2.4",
    "path": "/v3/kv/deleterange",
    "request": '{"key":"ZGVsMQ==","prev_kv":true}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"31","raft_term":"2"}}',
    "serverError": false,
  },
  {
    "section": "2.4",
    "path": "/v3/kv/deleterange",
    "request": '{"key":"ZGVsMQ==","range_end":"ZGVsMw=="}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"32","raft_term":"2"},"deleted":"1"}',
    "serverError": false,
  },
  {
    "section": "2.5",
    "path": "/v3/kv/txn",
    "request":
      '{"compare":[{"key":"Zm9v","result":"EQUAL","target":"VALUE","value":"YmFy"}],"success":[{"request_put":{"key":"Zm9v","value":"dHhuMQ==","prev_kv":true}},{"request_range":{"key":"Zm9v"}}],"failure":[{"request_range":{"key":"Zm9v"}}]}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"33","raft_term":"2"},"succeeded":true,"responses":[{"response_put":{"header":{"revision":"33"},"prev_kv":{"key":"Zm9v","create_revision":"19","mod_revision":"24","version":"4","value":"YmFy"}}},{"response_range":{"header":{"revision":"33"},"kvs":[{"key":"Zm9v","create_revision":"19","mod_revision":"33","version":"5","value":"dHhuMQ=="}],"count":"1"}}]}',
    "serverError": false,
  },
  {
    "section": "2.5",
    "path": "/v3/kv/txn",
    "request":
      '{"compare":[{"key":"Zm9v","result":"EQUAL","target":"VALUE","value":"YmFy"}],"success":[{"request_put":{"key":"Zm9v","value":"dHhuMg=="}}],"failure":[{"request_range":{"key":"Zm9v"}}]}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"33","raft_term":"2"},"responses":[{"response_range":{"header":{"revision":"33"},"kvs":[{"key":"Zm9v","create_revision":"19","mod_revision":"33","version":"5","value":"dHhuMQ=="}],"count":"1"}}]}',
    "serverError": false,
  },
  {
    "section": "2.5",
    "path": "/v3/kv/txn",
    "request":
      '{"compare":[{"key":"Zm9v","result":"GREATER","target":"VERSION","version":"0"},{"key":"Zm9v","target":"CREATE","create_revision":"19"}],"success":[{"request_delete_range":{"key":"Zm9v","prev_kv":true}}],"failure":[]}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"34","raft_term":"2"},"succeeded":true,"responses":[{"response_delete_range":{"header":{"revision":"34"},"deleted":"1","prev_kvs":[{"key":"Zm9v","create_revision":"19","mod_revision":"33","version":"5","value":"dHhuMQ=="}]}}]}',
    "serverError": false,
  },
  {
    "section": "2.5",
    "path": "/v3/kv/txn",
    "request":
      '{"compare":[{"key":"Zm9v","version":"0"}],"success":[{"request_put":{"key":"Zm9v","value":"Y3JlYXRlZA=="}}],"failure":[{"request_range":{"key":"Zm9v"}}]}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"35","raft_term":"2"},"succeeded":true,"responses":[{"response_put":{"header":{"revision":"35"}}}]}',
    "serverError": false,
  },
  {
    "section": "2.5",
    "path": "/v3/kv/txn",
    "request":
      '{"compare":[{"key":"Zm9v","target":"MOD","result":"EQUAL","mod_revision":"35"}],"success":[{"request_put":{"key":"Zm9v","value":"Y2Fz"}},{"request_txn":{"compare":[],"success":[{"request_range":{"key":"Zm9v"}}]}}]}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"36","raft_term":"2"},"succeeded":true,"responses":[{"response_put":{"header":{"revision":"36"}}},{"response_txn":{"header":{},"succeeded":true,"responses":[{"response_range":{"header":{"revision":"36"},"kvs":[{"key":"Zm9v","create_revision":"35","mod_revision":"36","version":"2","value":"Y2Fz"}],"count":"1"}}]}}]}',
    "serverError": false,
  },
  {
    "section": "2.5",
    "path": "/v3/kv/txn",
    "request":
      '{"compare":[{"key":"Zm9v","target":"MOD","result":"EQUAL","mod_revision":"35"}],"success":[{"request_put":{"key":"Zm9v","value":"Y2FzMg=="}}]}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"36","raft_term":"2"}}',
    "serverError": false,
  },
  {
    "section": "2.5",
    "path": "/v3/kv/txn",
    "request":
      '{"compare":[{"key":"bm9zdWNoa2V5","target":"MOD","result":"LESS","mod_revision":"1"}],"success":[{"request_range":{"key":"bm9zdWNoa2V5"}}]}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"36","raft_term":"2"},"succeeded":true,"responses":[{"response_range":{"header":{"revision":"36"}}}]}',
    "serverError": false,
  },
  {
    "section": "2.5",
    "path": "/v3/kv/txn",
    "request":
      '{"compare":[{"key":"cGZ4Lw==","range_end":"cGZ4MA==","target":"VALUE","result":"NOT_EQUAL","value":"eg=="}],"success":[{"request_range":{"key":"cGZ4Lw==","range_end":"cGZ4MA==","count_only":true}}]}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"36","raft_term":"2"},"succeeded":true,"responses":[{"response_range":{"header":{"revision":"36"},"count":"3"}}]}',
    "serverError": false,
  },
  {
    "section": "2.5",
    "path": "/v3/kv/txn",
    "request": "{}",
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"36","raft_term":"2"},"succeeded":true}',
    "serverError": false,
  },
  {
    "section": "2.5",
    "path": "/v3/kv/txn",
    "request":
      '{"success":[{"request_put":{"key":"Zm9v","value":"MQ=="}},{"request_put":{"key":"Zm9v","value":"Mg=="}}]}',
    "status": 400,
    "response":
      '{"error":"etcdserver: duplicate key given in txn request","message":"etcdserver: duplicate key given in txn request","code":3}',
    "serverError": true,
  },
  {
    "section": "2.6",
    "path": "/v3/kv/compaction",
    "request": '{"revision":"34","physical":true}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"36","raft_term":"2"}}',
    "serverError": false,
  },
  {
    "section": "2.6",
    "path": "/v3/kv/compaction",
    "request": '{"revision":"34"}',
    "status": 400,
    "response":
      '{"error":"etcdserver: mvcc: required revision has been compacted","message":"etcdserver: mvcc: required revision has been compacted","code":11}',
    "serverError": true,
  },
  {
    "section": "2.6",
    "path": "/v3/kv/compaction",
    "request": '{"revision":"100000"}',
    "status": 400,
    "response":
      '{"error":"etcdserver: mvcc: required revision is a future revision","message":"etcdserver: mvcc: required revision is a future revision","code":11}',
    "serverError": true,
  },
  {
    "section": "2.6",
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","revision":"2"}',
    "status": 400,
    "response":
      '{"error":"etcdserver: mvcc: required revision has been compacted","message":"etcdserver: mvcc: required revision has been compacted","code":11}',
    "serverError": true,
  },
  {
    "section": "2.8",
    "path": "/v3/kv/put",
    "request": '{"key":"bGVhc2VkMQ==","value":"eA==","lease":"8346474173627693963"}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"46","raft_term":"2"}}',
    "serverError": false,
  },
  {
    "section": "2.8",
    "path": "/v3/kv/put",
    "request": '{"key":"bGVhc2VkMg==","value":"eQ==","lease":"8346474173627693963"}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"47","raft_term":"2"}}',
    "serverError": false,
  },
  {
    "section": "2.8",
    "path": "/v3/kv/range",
    "request": '{"key":"bGVhc2VkMQ=="}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"47","raft_term":"2"},"kvs":[{"key":"bGVhc2VkMQ==","create_revision":"46","mod_revision":"46","version":"1","value":"eA==","lease":"8346474173627693963"}],"count":"1"}',
    "serverError": false,
  },
  {
    "section": "2.8",
    "path": "/v3/kv/range",
    "request": '{"key":"bGVhc2VkMQ=="}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"48","raft_term":"2"}}',
    "serverError": false,
  },
  {
    "section": "2.8",
    "path": "/v3/kv/put",
    "request": '{"key":"Zm9v","value":"YmFy","lease":"12345"}',
    "status": 404,
    "response":
      '{"error":"etcdserver: requested lease not found","message":"etcdserver: requested lease not found","code":5}',
    "serverError": true,
  },
  {
    "section": "2.9",
    "path": "/v3/cluster/member/list",
    "request": "{}",
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","raft_term":"2"},"members":[{"ID":"7578380740807422932","name":"etcd1","peerURLs":["http://127.0.0.1:2380"],"clientURLs":["http://127.0.0.1:2379"]},{"ID":"15679842276203101306","name":"etcd3","peerURLs":["http://127.0.0.1:32380"],"clientURLs":["http://127.0.0.1:32379"]},{"ID":"16369265254150603570","name":"etcd2","peerURLs":["http://127.0.0.1:22380"],"clientURLs":["http://127.0.0.1:22379"]}]}',
    "serverError": false,
  },
  {
    "section": "2.9",
    "path": "/v3/maintenance/status",
    "request": "{}",
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"48","raft_term":"2"},"version":"3.4.23","dbSize":"24576","leader":"16369265254150603570","raftIndex":"105","raftTerm":"2","raftAppliedIndex":"105","dbSizeInUse":"20480"}',
    "serverError": false,
  },
  {
    "section": "2.9",
    "path": "/v3/maintenance/alarm",
    "request": '{"action":"GET"}',
    "status": 200,
    "response": "{}",
    "serverError": false,
  },
  {
    "section": "2.9",
    "path": "/v3/maintenance/hash",
    "request": "{}",
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"48","raft_term":"2"},"hash":3431708645}',
    "serverError": false,
  },
  {
    "section": "2.9",
    "path": "/v3/maintenance/hashkv",
    "request": '{"revision":"0"}',
    "status": 404,
    "response": "Not Found\n",
    "serverError": false,
  },
  {
    "section": "2.9",
    "path": "/v3/maintenance/defragment",
    "request": "{}",
    "status": 200,
    "response": "{}",
    "serverError": false,
  },
  {
    "section": "2.9",
    "path": "/v3/maintenance/status",
    "request": "{}",
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"16369265254150603570","revision":"48","raft_term":"2"},"version":"3.4.23","dbSize":"24576","leader":"16369265254150603570","raftIndex":"106","raftTerm":"2","raftAppliedIndex":"106","dbSizeInUse":"20480"}',
    "serverError": false,
  },
  {
    "section": "2.10",
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v"}',
    "status": 400,
    "response":
      '{"error":"etcdserver: user name is empty","message":"etcdserver: user name is empty","code":3}',
    "serverError": true,
  },
  {
    "section": "2.10",
    "path": "/v3/kv/put",
    "request": '{"key":"Zm9v","value":"YmFy"}',
    "status": 400,
    "response":
      '{"error":"etcdserver: user name is empty","message":"etcdserver: user name is empty","code":3}',
    "serverError": true,
  },
  {
    "section": "2.11",
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v"',
    "status": 400,
    "response": '{"error":"unexpected EOF","message":"unexpected EOF","code":3}',
    "serverError": false,
  },
  {
    "section": "2.11",
    "path": "/v3/kv/range",
    "request": "not json",
    "status": 400,
    "response":
      '{"error":"invalid character \'o\' in literal null (expecting \'u\')","message":"invalid character \'o\' in literal null (expecting \'u\')","code":3}',
    "serverError": false,
  },
  {
    "section": "2.11",
    "path": "/v3/kv/range",
    "request": '{"key":"!!!"}',
    "status": 400,
    "response":
      '{"error":"illegal base64 data at input byte 0","message":"illegal base64 data at input byte 0","code":3}',
    "serverError": false,
  },
  {
    "section": "2.11",
    "path": "/v3/kv/range",
    "request": '{"key":"Pj4-Pw=="}',
    "status": 400,
    "response":
      '{"error":"illegal base64 data at input byte 3","message":"illegal base64 data at input byte 3","code":3}',
    "serverError": false,
  },
  {
    "section": "2.11",
    "path": "/v3/kv/put",
    "request": '{"key":"bm9wYWQ=","value":"dXJsc2FmZQ"}',
    "status": 400,
    "response":
      '{"error":"illegal base64 data at input byte 8","message":"illegal base64 data at input byte 8","code":3}',
    "serverError": false,
  },
  {
    "section": "2.11",
    "path": "/v3/kv/range",
    "request": '{"key":"bm9wYWQ="}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"49","raft_term":"2"}}',
    "serverError": false,
  },
  {
    "section": "2.11",
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v\\n"}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"49","raft_term":"2"},"kvs":[{"key":"Zm9v","create_revision":"35","mod_revision":"49","version":"3","value":"YXV0aA=="}],"count":"1"}',
    "serverError": false,
  },
  {
    "section": "2.11",
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","bogus":1}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"49","raft_term":"2"},"kvs":[{"key":"Zm9v","create_revision":"35","mod_revision":"49","version":"3","value":"YXV0aA=="}],"count":"1"}',
    "serverError": false,
  },
  {
    "section": "2.11",
    "path": "/v3/kv/range",
    "request": '{"key":123}',
    "status": 400,
    "response":
      '{"error":"json: cannot unmarshal number into Go value of type []uint8","message":"json: cannot unmarshal number into Go value of type []uint8","code":3}',
    "serverError": false,
  },
  {
    "section": "2.11",
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":"ten"}',
    "status": 400,
    "response":
      '{"error":"invalid character \'e\' in literal true (expecting \'r\')","message":"invalid character \'e\' in literal true (expecting \'r\')","code":3}',
    "serverError": false,
  },
  {
    "section": "2.11",
    "path": "/v3/kv/range",
    "request": "",
    "status": 400,
    "response":
      '{"error":"etcdserver: key is not provided","message":"etcdserver: key is not provided","code":3}',
    "serverError": true,
  },
  {
    "section": "2.11",
    "path": "/v3/kv/nope",
    "request": "{}",
    "status": 404,
    "response": "Not Found\n",
    "serverError": false,
  },
  {
    "section": "2.11",
    "path": "/v3/nope",
    "request": "{}",
    "status": 404,
    "response": "Not Found\n",
    "serverError": false,
  },
  {
    "section": "2.11",
    "path": "/nope",
    "request": "{}",
    "status": 404,
    "response": "404 page not found\n",
    "serverError": false,
  },
  {
    "section": "2.11",
    "path": "/v3alpha/kv/range",
    "request": '{"key":"Zm9v"}',
    "status": 404,
    "response": "404 page not found\n",
    "serverError": false,
  },
  {
    "section": "2.11",
    "path": "/v3beta/kv/range",
    "request": '{"key":"Zm9v"}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"49","raft_term":"2"},"kvs":[{"key":"Zm9v","create_revision":"35","mod_revision":"49","version":"3","value":"YXV0aA=="}],"count":"1"}',
    "serverError": false,
  },
  {
    "section": "2.11",
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","count_only":true}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"49","raft_term":"2"},"count":"1"}',
    "serverError": false,
  },
  {
    "section": "2.12",
    "path": "/v3/kv/range",
    "request": "{\"key\":\"Zm9v\"}' | tr -d '\\r' | grep -vE '^(Date|Access-Control)",
    "status": 503,
    "response":
      '{"error":"etcdserver: request timed out","message":"etcdserver: request timed out","code":14}',
    "serverError": true,
  },
  {
    "section": "2.12",
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","serializable":true,"count_only":true}',
    "status": 200,
    "response":
      '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"49","raft_term":"3"},"count":"1"}',
    "serverError": false,
  },
  {
    "section": "2.12",
    "path": "/v3/kv/put",
    "request":
      '{"key":"Zm9v","value":"YmFy"}\' | tr -d \'\\r\' | grep -vE \'^(Date|Access-Control)',
    "status": 500,
    "response":
      '{"error":"context deadline exceeded","message":"context deadline exceeded","code":2}',
    "serverError": true,
  },
];
