// Expected messages below were produced by etcd 3.4.23 (go1.19): on the
// command line, e.g. `etcd --listen-client-urls http//bad` printed
// `invalid value "http//bad" for flag -listen-client-urls: URL scheme must be …`
// (the text after `: ` is what these functions must produce), and by
// etcdctl 3.4.23's `member update <id> --peer-urls=<url>` (after "Error: "),
// which runs the same `types.NewURLs` in etcd's client.

import assert from "node:assert/strict";
import {
  formatGoUrl,
  formatUrlsMap,
  isIpLiteral,
  parseEtcdUrls,
  parseGoUrl,
  parseUrlList,
  parseUrlsMap,
  splitHostPort,
  UrlError,
} from "./go_url.ts";

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof UrlError, `expected UrlError, got ${err}`);
    return err.message;
  }
  assert.fail("expected an error");
}

Deno.test("parseEtcdUrls: etcd 3.4's messages for malformed URLs", () => {
  const cases: [string, string][] = [
    ["http//bad", "URL scheme must be http, https, unix, or unixs: http//bad"],
    [
      "ftp://127.0.0.1:31379",
      "URL scheme must be http, https, unix, or unixs: ftp://127.0.0.1:31379",
    ],
    ["http://127.0.0.1", 'URL address does not have the form "host:port": http://127.0.0.1'],
    ["http://127.0.0.1:31379/path", "URL must not contain a path: http://127.0.0.1:31379/path"],
    ["http://127.0.0.1:31379/", "URL must not contain a path: http://127.0.0.1:31379/"],
    ["http://a b:1", 'parse "http://a b:1": invalid character " " in host name'],
    [
      "127.0.0.1:31379",
      'parse "127.0.0.1:31379": first path segment in URL cannot contain colon',
    ],
    ["http://127.0.0.1:abc", 'parse "http://127.0.0.1:abc": invalid port ":abc" after host'],
    ["http://%zz:1", 'parse "http://%zz:1": invalid URL escape "%zz"'],
    ["", "URL scheme must be http, https, unix, or unixs: "],
    ["localhost:2379", "URL scheme must be http, https, unix, or unixs: localhost:2379"],
  ];
  for (const [input, message] of cases) {
    assert.equal(errorOf(() => parseEtcdUrls([input])), message, input);
  }
  assert.equal(errorOf(() => parseEtcdUrls([])), "no valid URLs given");
});

Deno.test("parseEtcdUrls: accepts what etcd accepts, trimmed, Go-printed, sorted", () => {
  assert.deepEqual(parseEtcdUrls([" http://b:2 ", "HTTP://a:1", "https://[::1]:3"]), [
    "http://a:1",
    "http://b:2",
    "https://[::1]:3",
  ]);
  // Go keeps the host's case and an explicit default port (WHATWG URL would not).
  assert.deepEqual(parseEtcdUrls(["http://LocalHost:80"]), ["http://LocalHost:80"]);
  assert.deepEqual(parseEtcdUrls(["http://127.0.0.1:31379?x=1"]), ["http://127.0.0.1:31379?x=1"]);
  assert.deepEqual(parseEtcdUrls(["http://u:p@h:1"]), ["http://u:p@h:1"]);
  assert.deepEqual(parseEtcdUrls(["unix://foo:1", "unixs://foo:1"]), [
    "unix://foo:1",
    "unixs://foo:1",
  ]);
  assert.deepEqual(parseEtcdUrls(["http://:2379"]), ["http://:2379"]);
});

Deno.test("parseUrlList: empty means no URLs, a trailing comma is an empty URL", () => {
  assert.deepEqual(parseUrlList(""), []);
  assert.equal(
    errorOf(() => parseUrlList("http://127.0.0.1:31379,")),
    "URL scheme must be http, https, unix, or unixs: ",
  );
  assert.deepEqual(parseUrlList("http://b:1,http://a:1"), ["http://a:1", "http://b:1"]);
});

Deno.test("parseGoUrl/formatGoUrl: Go's split and String()", () => {
  const url = parseGoUrl("HTTP://us%41r:p%40ss@Host.Example:8080?q=1#fr%20ag");
  assert.equal(url.scheme, "http");
  assert.deepEqual(url.user, { username: "usAr", password: "p@ss" });
  assert.equal(url.host, "Host.Example:8080");
  assert.equal(url.rawQuery, "q=1");
  assert.equal(url.fragment, "fr ag");
  assert.equal(formatGoUrl(url), "http://usAr:p%40ss@Host.Example:8080?q=1#fr%20ag");
  assert.equal(formatGoUrl(parseGoUrl("mailto:x@y")), "mailto:x@y");
  assert.equal(formatGoUrl(parseGoUrl("http://h:1?")), "http://h:1?");
  assert.equal(formatGoUrl(parseGoUrl("http://[fe80::1%25eth0]:1")), "http://[fe80::1%25eth0]:1");
  assert.equal(errorOf(() => parseGoUrl(":x")), 'parse ":x": missing protocol scheme');
  assert.equal(
    errorOf(() => parseGoUrl("http://[::1:1")),
    `parse "http://[::1:1": missing ']' in host`,
  );
  assert.equal(
    errorOf(() => parseGoUrl("http://h\n:1")),
    'parse "http://h\\n:1": net/url: invalid control character in URL',
  );
  assert.equal(
    errorOf(() => parseGoUrl("http://%41:1")),
    'parse "http://%41:1": invalid URL escape "%41"',
  );
  assert.equal(
    errorOf(() => parseGoUrl("http://a^b@h:1")),
    'parse "http://a^b@h:1": net/url: invalid userinfo',
  );
});

Deno.test("splitHostPort: Go's results and messages", () => {
  assert.deepEqual(splitHostPort("127.0.0.1:2379"), { host: "127.0.0.1", port: "2379" });
  assert.deepEqual(splitHostPort("[::1]:2379"), { host: "::1", port: "2379" });
  assert.deepEqual(splitHostPort(":2379"), { host: "", port: "2379" });
  assert.deepEqual(splitHostPort("h:"), { host: "h", port: "" });
  assert.equal(errorOf(() => splitHostPort("h")), "address h: missing port in address");
  assert.equal(errorOf(() => splitHostPort("a:b:c")), "address a:b:c: too many colons in address");
  assert.equal(errorOf(() => splitHostPort("[::1]")), "address [::1]: missing port in address");
  assert.equal(errorOf(() => splitHostPort("[::1:2")), "address [::1:2: missing ']' in address");
  assert.equal(errorOf(() => splitHostPort("[a]b:1")), "address [a]b:1: missing port in address");
  assert.equal(errorOf(() => splitHostPort("a]:1")), "address a]:1: unexpected ']' in address");
});

Deno.test("isIpLiteral: Go's net.ParseIP", () => {
  for (
    const ip of [
      "127.0.0.1",
      "0.0.0.0",
      "255.255.255.255",
      "::",
      "::1",
      "fe80::1",
      "1:2:3:4:5:6:7:8",
      "::ffff:1.2.3.4",
    ]
  ) {
    assert.ok(isIpLiteral(ip), ip);
  }
  for (
    const ip of [
      "localhost",
      "",
      "1.2.3",
      "256.0.0.1",
      "01.2.3.4",
      "1:2:3:4:5:6:7:8:9",
      "1::2::3",
      "fe80::1%eth0",
      "example.com",
    ]
  ) {
    assert.ok(!isIpLiteral(ip), ip);
  }
});

Deno.test("parseUrlsMap: etcd's --initial-cluster form", () => {
  const map = parseUrlsMap("b=http://h:2,a=http://h:1,,a= http://h:0 ");
  assert.deepEqual([...map], [["b", ["http://h:2"]], ["a", ["http://h:0", "http://h:1"]]]);
  assert.deepEqual([...parseUrlsMap("")], []);
  assert.deepEqual([...parseUrlsMap("=http://h:1")], [["", ["http://h:1"]]]);
  // An entry without "=" is a name with an empty URL (etcd: "error setting up initial cluster: …").
  assert.equal(
    errorOf(() => parseUrlsMap("foo")),
    "URL scheme must be http, https, unix, or unixs: ",
  );
  assert.equal(
    errorOf(() => parseUrlsMap("foo=http//bad")),
    "URL scheme must be http, https, unix, or unixs: http//bad",
  );
});

Deno.test("formatUrlsMap: sorted name=url pairs", () => {
  const map = new Map([["foo", ["http://h:2", "http://h:1"]], ["bar", ["http://h:3"]]]);
  assert.equal(formatUrlsMap(map), "bar=http://h:3,foo=http://h:1,foo=http://h:2");
});

Deno.test("parseEtcdUrls: etcdctl's member add/update messages (the client's check)", () => {
  const cases: [string, string][] = [
    ["foo", "URL scheme must be http, https, unix, or unixs: foo"],
    ["http://a", 'URL address does not have the form "host:port": http://a'],
    ["http://a:1/x", "URL must not contain a path: http://a:1/x"],
    ["HTTP://a:1/", "URL must not contain a path: HTTP://a:1/"],
    ["://x", 'parse "://x": missing protocol scheme'],
    ["http://a:1x", 'parse "http://a:1x": invalid port ":1x" after host'],
    ["http://a:1/%zz", 'parse "http://a:1/%zz": invalid URL escape "%zz"'],
    ["http://a:1\x01", 'parse "http://a:1\\x01": net/url: invalid control character in URL'],
    ["1a:b", 'parse "1a:b": first path segment in URL cannot contain colon'],
    ["http://u s@a:1", 'parse "http://u s@a:1": net/url: invalid userinfo'],
    ["http:a:1", 'URL address does not have the form "host:port": http:a:1'],
    ["*", "URL scheme must be http, https, unix, or unixs: *"],
    ["http://[::1]:2x", 'parse "http://[::1]:2x": invalid port ":2x" after host'],
    ["http://a:1:2", 'URL address does not have the form "host:port": http://a:1:2'],
  ];
  for (const [input, message] of cases) {
    assert.equal(errorOf(() => parseEtcdUrls([input])), message, input);
  }
  assert.equal(
    errorOf(() => parseEtcdUrls(["http://a:1", "bad"])),
    "URL scheme must be http, https, unix, or unixs: bad",
  );
  const ok = [
    "http://127.0.0.1:2380",
    " https://etcd.example:2380 ",
    "unix://sock:1",
    "unixs://a:0",
    "http://a:1?x",
    "http://a:1#f",
    "http://a:",
    "http://[::1]:2380",
    "http://u:p@a:1",
    "HTTP://A:1",
    "http://%C3%A9:1",
  ];
  for (const url of ok) assert.doesNotThrow(() => parseEtcdUrls([url]), url);
});

Deno.test("parseGoUrl: an error before the # quotes the URL without its fragment, as Go", () => {
  // Go's url.Parse: &Error{"parse", u, err} for the part before "#", and
  // &Error{"parse", rawURL, err} for a bad escape in the fragment.
  assert.equal(
    errorOf(() => parseGoUrl("http://a:1x#f")),
    'parse "http://a:1x": invalid port ":1x" after host',
  );
  assert.equal(
    errorOf(() => parseGoUrl("http://a:1x#%zz")),
    'parse "http://a:1x": invalid port ":1x" after host',
  );
  assert.equal(
    errorOf(() => parseGoUrl("http://a b:1#x#y")),
    'parse "http://a b:1": invalid character " " in host name',
  );
  assert.equal(
    errorOf(() => parseEtcdUrls(["http://a:1x#f"])),
    'parse "http://a:1x": invalid port ":1x" after host',
  );
  assert.equal(
    errorOf(() => parseGoUrl("http://a:1#%zz")),
    'parse "http://a:1#%zz": invalid URL escape "%zz"',
  );
  // The fragment is cut at the first "#"; a control character after it is not checked.
  assert.equal(parseGoUrl("http://a:1#x#y").fragment, "x#y");
  assert.equal(parseGoUrl("http://a:1#x\ty").fragment, "x\ty");
});

Deno.test("parseGoUrl/formatGoUrl: characters outside the BMP are escaped as their UTF-8 bytes", () => {
  const url = parseGoUrl("http://\u{1F600}:1/\u{1F600}");
  assert.equal(url.host, "\u{1F600}:1");
  assert.equal(url.path, "/\u{1F600}");
  assert.equal(formatGoUrl(url), "http://%F0%9F%98%80:1/%F0%9F%98%80");
  assert.deepEqual(parseEtcdUrls(["http://%F0%9F%98%80:1"]), ["http://%F0%9F%98%80:1"]);
});
