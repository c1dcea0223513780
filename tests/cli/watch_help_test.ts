// `ctl watch --help` as etcdctl 3.4.23 prints it (testdata/help/watch.txt was printed by
// `etcdctl watch --help`).
import assert from "node:assert/strict";
import { ctl } from "./_ctl_io.ts";

Deno.test("watch help: etcdctl watch --help", async () => {
  const expected = await Deno.readTextFile(new URL("./testdata/help/watch.txt", import.meta.url));
  for (const args of [["watch", "--help"], ["help", "watch"], ["watch", "-h"]]) {
    const run = await ctl(args);
    assert.equal(run.stdout, expected, args.join(" "));
    assert.equal(run.stderr, "");
    assert.equal(run.code, 0);
  }
});

Deno.test("watch help: a bad --rev is a flag error with the usage, as etcdctl's", async () => {
  const run = await ctl(["watch", "--rev", "abc", "a"]);
  const usage = await Deno.readTextFile(new URL("./testdata/help/watch.txt", import.meta.url));
  const message =
    'Error: invalid argument "abc" for "--rev" flag: strconv.ParseInt: parsing "abc": invalid syntax\n';
  assert.equal(run.stdout, usage);
  assert.equal(run.stderr, message + "\n" + message);
  assert.equal(run.code, 1);
});
