// `ctl lease <command> --help` as etcdctl 3.4.23 prints it (testdata/help/lease_*.txt were
// printed by `etcdctl lease <command> --help`).
import assert from "node:assert/strict";
import { ctl } from "./_ctl_io.ts";

const HELP_DIR = new URL("./testdata/help/", import.meta.url);

for (const command of ["grant", "revoke", "timetolive", "list", "keep-alive"]) {
  Deno.test(`lease help: etcdctl lease ${command} --help`, async () => {
    const expected = await Deno.readTextFile(
      new URL(`lease_${command.replace("-", "_")}.txt`, HELP_DIR),
    );
    for (const args of [["lease", command, "--help"], ["help", "lease", command]]) {
      const run = await ctl(args);
      assert.equal(run.stdout, expected, args.join(" "));
      assert.equal(run.stderr, "");
      assert.equal(run.code, 0);
    }
  });
}
