// Every message below is what etcdctl 3.4.23 printed (after "Error: ") for
// `member update <id> --peer-urls=<url>` with that URL.
import assert from "node:assert/strict";
import { checkPeerUrls, PeerUrlError } from "./peer_urls.ts";

function messageOf(urls: string[]): string | null {
  try {
    checkPeerUrls(urls);
    return null;
  } catch (e) {
    assert.ok(e instanceof PeerUrlError);
    return e.message;
  }
}

Deno.test("peer URLs: etcdctl's messages for bad URLs", () => {
  const cases: [string, string][] = [
    ["foo", "URL scheme must be http, https, unix, or unixs: foo"],
    ["", "URL scheme must be http, https, unix, or unixs: "],
    ["http://a", 'URL address does not have the form "host:port": http://a'],
    ["http://a:1/x", "URL must not contain a path: http://a:1/x"],
    ["HTTP://a:1/", "URL must not contain a path: HTTP://a:1/"],
    ["http://a b:1", 'parse "http://a b:1": invalid character " " in host name'],
    ["://x", 'parse "://x": missing protocol scheme'],
    ["http://[::1:1", `parse "http://[::1:1": missing ']' in host`],
    ["http://a:1x", 'parse "http://a:1x": invalid port ":1x" after host'],
    ["http://%zz:1", 'parse "http://%zz:1": invalid URL escape "%zz"'],
    ["http://a:1/%zz", 'parse "http://a:1/%zz": invalid URL escape "%zz"'],
    ["http://a:1\x01", 'parse "http://a:1\\x01": net/url: invalid control character in URL'],
  ];
  for (const [url, message] of cases) assert.equal(messageOf([url]), message, url);
});

Deno.test("peer URLs: Go's url.Parse corners", () => {
  assert.equal(
    messageOf(["http://a:1x#%zz"]),
    'parse "http://a:1x": invalid port ":1x" after host',
  );
  assert.equal(messageOf(["http://a:1#%zz"]), 'parse "http://a:1#%zz": invalid URL escape "%zz"');
  assert.equal(messageOf(["1a:b"]), 'parse "1a:b": first path segment in URL cannot contain colon');
  assert.equal(messageOf(["http://u s@a:1"]), 'parse "http://u s@a:1": net/url: invalid userinfo');
  assert.equal(messageOf(["http://%41:1"]), 'parse "http://%41:1": invalid URL escape "%41"');
  assert.equal(messageOf(["http:a:1"]), 'URL address does not have the form "host:port": http:a:1');
  assert.equal(messageOf(["*"]), "URL scheme must be http, https, unix, or unixs: *");
  assert.equal(
    messageOf(["http://[::1]:2x"]),
    'parse "http://[::1]:2x": invalid port ":2x" after host',
  );
  assert.equal(
    messageOf(["http://a:1:2"]),
    'URL address does not have the form "host:port": http://a:1:2',
  );
  assert.equal(messageOf([]), "no valid URLs given");
});

Deno.test("peer URLs: what etcd's client lets through", () => {
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
  for (const url of ok) assert.equal(messageOf([url]), null, url);
  assert.equal(messageOf(["http://a:1", "http://b:2"]), null);
  assert.equal(
    messageOf(["http://a:1", "bad"]),
    "URL scheme must be http, https, unix, or unixs: bad",
  );
});
