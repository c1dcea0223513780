// Every "etcd says" message below was printed by etcd 3.4.23 given the same
// file with `etcd --config-file f.yml` (after its "error verifying flags, "
// frame, which ConfigError.message adds back).

import assert from "node:assert/strict";
import { ConfigError } from "./flags.ts";
import {
  parseConfigFileUrls,
  parseYaml,
  readConfigFile,
  resolvePlainScalar,
  YamlError,
  type YamlMapping,
  YamlNumber,
  type YamlValue,
} from "./config_file.ts";

/** A plain-JS view of a YAML value: mappings as [key, value] lists, numbers as their JSON text. */
function plain(value: YamlValue): unknown {
  if (value instanceof YamlNumber) return `#${value.json}`;
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") {
    return (value as YamlMapping).entries.map(([k, v]) => [k, plain(v)]);
  }
  return value;
}

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return err;
  }
  assert.fail("expected a ConfigError");
}

function detailOf(fn: () => unknown): string {
  return configErrorOf(fn).detail;
}

Deno.test("parseYaml: top-level keys, comments, quotes, empty values, nested maps", () => {
  const doc = parseYaml(`---
# comment
name: 'my ''member'''   # trailing comment
data-dir:
"quoted key": "tab\\there \\u00e9 # not a comment"
url: http://h:1#frag
client-transport-security:
  # nested comment
  cert-file: /c.pem

  auto-tls: true
empty: ""
`);
  assert.deepEqual(plain(doc), [
    ["name", "my 'member'"],
    ["data-dir", null],
    ["quoted key", "tab\there é # not a comment"],
    ["url", "http://h:1#frag"],
    ["client-transport-security", [["cert-file", "/c.pem"], ["auto-tls", true]]],
    ["empty", ""],
  ]);
});

Deno.test("parseYaml: flow and block sequences, plain scalars over several lines", () => {
  const doc = parseYaml(`log-outputs: [stderr, "stdout"]
cipher-suites: [
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
]
list:
- a
- 'b'
deeper:
  - x
  - k: v
    j: w
flow-map: {a: 1, b: [2]}
initial-cluster: a=http://h:1,
  b=http://h:2
`);
  assert.deepEqual(plain(doc), [
    ["log-outputs", ["stderr", "stdout"]],
    ["cipher-suites", [
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    ]],
    ["list", ["a", "b"]],
    ["deeper", ["x", [["k", "v"], ["j", "w"]]]],
    ["flow-map", [["a", "#1"], ["b", ["#2"]]]],
    ["initial-cluster", "a=http://h:1, b=http://h:2"],
  ]);
  assert.equal(parseYaml(""), null);
  assert.equal(parseYaml("# only a comment\n"), null);
});

Deno.test("parseYaml: errors carry the line", () => {
  const cases: [string, number, string][] = [
    ["name: [x\n", 1, "did not find expected ',' or ']'"],
    ["a: 1\n\t name: x\n", 2, "found character that cannot start any token"],
    ["a: 1\nb: |\n  text\n", 2, "| (anchors, aliases, tags, block scalars) is not supported"],
    ["a: &anchor 1\n", 1, "& (anchors, aliases, tags, block scalars) is not supported"],
    ["a: b: c\n", 1, "mapping values are not allowed in this context"],
    ["a: 1\njust text\n", 2, "could not find expected ':'"],
    ['a: "open\n', 1, "found unexpected end of stream while scanning a quoted scalar"],
    ['a: "x" y\n', 1, "did not find expected key"],
  ];
  for (const [source, line, reason] of cases) {
    try {
      parseYaml(source);
      assert.fail(`no error for ${JSON.stringify(source)}`);
    } catch (err) {
      assert.ok(err instanceof YamlError, String(err));
      assert.equal(err.line, line, source);
      assert.equal(err.message, `yaml: line ${line}: ${reason}`);
    }
  }
});

Deno.test("resolvePlainScalar: YAML 1.1 as go-yaml v2 resolves it", () => {
  for (const t of ["y", "Y", "yes", "Yes", "on", "ON", "true", "True"]) {
    assert.equal(resolvePlainScalar(t), true, t);
  }
  for (const f of ["n", "no", "off", "OFF", "false", "FALSE"]) {
    assert.equal(resolvePlainScalar(f), false, f);
  }
  for (const n of ["", "~", "null", "Null", "NULL"]) assert.equal(resolvePlainScalar(n), null, n);
  const numbers: [string, string, boolean][] = [
    ["300", "300", true],
    ["0x10", "16", true],
    ["017", "15", true],
    ["0b101", "5", true],
    ["1_000", "1000", true],
    ["-5", "-5", true],
    ["1e3", "1000", false],
    ["1.5", "1.5", false],
    ["08", "8", false],
    ["18446744073709551615", "18446744073709551615", true],
  ];
  for (const [text, json, isInteger] of numbers) {
    const v = resolvePlainScalar(text);
    assert.ok(v instanceof YamlNumber, text);
    assert.equal(v.json, json, text);
    assert.equal(v.isInteger, isInteger, text);
  }
  assert.equal(resolvePlainScalar("1h"), "1h");
  assert.equal(resolvePlainScalar("TRUEish"), "TRUEish");
});

Deno.test("readConfigFile: JSON typing errors word for word as etcd 3.4.23", () => {
  const prefix = "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ";
  const cases: [string, string][] = [
    ["snapshot-count: abc", "string into Go struct field configYAML.snapshot-count of type uint64"],
    [
      "snapshot-count: -5",
      "number -5 into Go struct field configYAML.snapshot-count of type uint64",
    ],
    [
      "snapshot-count: 1.5",
      "number 1.5 into Go struct field configYAML.snapshot-count of type uint64",
    ],
    [
      'heartbeat-interval: "300"',
      "string into Go struct field configYAML.heartbeat-interval of type uint",
    ],
    ['enable-v2: "true"', "string into Go struct field configYAML.enable-v2 of type bool"],
    ["name: 123", "number into Go struct field configYAML.name of type string"],
    ["name: true", "bool into Go struct field configYAML.name of type string"],
    ["name: y", "bool into Go struct field configYAML.name of type string"],
    ["name: on", "bool into Go struct field configYAML.name of type string"],
    [
      "listen-client-urls: [http://127.0.0.1:31379]",
      "array into Go struct field configYAML.listen-client-urls of type string",
    ],
    ["log-outputs: stderr", "string into Go struct field configYAML.log-outputs of type []string"],
    ["log-outputs: [1]", "number into Go struct field configYAML.log-outputs of type string"],
    [
      "max-concurrent-streams: 4294967296",
      "number 4294967296 into Go struct field configYAML.max-concurrent-streams of type uint32",
    ],
    [
      "peer-transport-security:\n  cert-file: [[1]]",
      "array into Go struct field securityConfig.peer-transport-security.cert-file of type string",
    ],
    [
      "client-transport-security: x",
      "string into Go struct field configYAML.client-transport-security of type embed.securityConfig",
    ],
    ["- a\n- b", "array into Go value of type embed.configYAML"],
  ];
  for (const [source, expected] of cases) {
    assert.equal(detailOf(() => readConfigFile(source)), prefix + expected, source);
  }
  assert.equal(
    detailOf(() => readConfigFile("name: [x")),
    "error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'",
  );
  const err = configErrorOf(() => readConfigFile("snapshot-count: abc"));
  assert.equal(err.exitCode, 1);
  assert.equal(
    err.message,
    `error verifying flags, ${prefix}string into Go struct field configYAML.snapshot-count of type uint64. ` +
      "See 'etcd-ts serve --help'.",
  );
});

Deno.test("readConfigFile: keys match case-insensitively, unknown keys ignored, last wins", () => {
  const { values } = readConfigFile(`
Heartbeat-Interval: 300
bogus-key: 1
heartbeat-interval: 300
heartbeat-interval: 100
enable-v2: yes
snapshot-count: 0x10
max-wals: 1_000
election-timeout: 1e3
quota-backend-bytes: -1
grpc-keepalive-timeout: 5
data-dir:
name: ~
auto-compaction-retention: "1"
`);
  // "Heartbeat-Interval" sorts before "heartbeat-interval": the lower-case key wins, as in etcd.
  assert.equal(values.get("heartbeat-interval"), 100);
  assert.equal(values.get("enable-v2"), true);
  assert.equal(values.get("snapshot-count"), 16);
  assert.equal(values.get("max-wals"), 1000);
  assert.equal(values.get("election-timeout"), 1000);
  assert.equal(values.get("quota-backend-bytes"), -1);
  assert.equal(values.get("grpc-keepalive-timeout"), 5, "a bare number is nanoseconds");
  assert.equal(values.get("auto-compaction-retention"), "1");
  assert.ok(!values.has("data-dir"), "null keeps the default");
  assert.ok(!values.has("name"));
  assert.ok(!values.has("bogus-key"));
  assert.deepEqual([...readConfigFile("").values], []);
});

Deno.test("readConfigFile: transport security maps become the TLS flags", () => {
  const { values } = readConfigFile(`
client-transport-security:
  cert-file: /c.pem
  key-file: /c.key
  client-cert-auth: true
  trusted-ca-file: /ca.pem
  auto-tls: yes
  bogus: 1
peer-transport-security:
  Cert-File: /p.pem
  auto-tls: false
cert-file: /ignored-at-top-level.pem
`);
  assert.deepEqual(Object.fromEntries(values), {
    "cert-file": "/c.pem",
    "key-file": "/c.key",
    "client-cert-auth": true,
    "trusted-ca-file": "/ca.pem",
    "auto-tls": true,
    "peer-cert-file": "/p.pem",
    "peer-auto-tls": false,
  });
});

Deno.test("parseConfigFileUrls: etcd's messages, including its advertise-peer-urls slip", () => {
  const cases: [string, string][] = [
    [
      "listen-client-urls",
      "unexpected error setting up listen-client-urls: URL scheme must be http, https, unix, or unixs: http//bad",
    ],
    [
      "listen-peer-urls",
      "unexpected error setting up listen-peer-urls: URL scheme must be http, https, unix, or unixs: http//bad",
    ],
    [
      "advertise-client-urls",
      "unexpected error setting up advertise-peer-urls: URL scheme must be http, https, unix, or unixs: http//bad",
    ],
  ];
  for (const [key, message] of cases) {
    const values = readConfigFile(`${key}: http//bad`).values;
    try {
      parseConfigFileUrls(values);
      assert.fail("no error");
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, message);
      assert.equal(err.exitCode, 1);
    }
  }
  const values = readConfigFile(
    "listen-client-urls: http://b:2, http://a:1\nadvertise-client-urls: ''\ncors: b,a,b\n",
  ).values;
  parseConfigFileUrls(values);
  assert.deepEqual(values.get("listen-client-urls"), ["http://a:1", "http://b:2"]);
  assert.ok(!values.has("advertise-client-urls"), "an empty string keeps the default");
  assert.deepEqual(values.get("cors"), ["a", "b"]);
});
