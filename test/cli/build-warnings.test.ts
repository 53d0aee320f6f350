/**
 * The compiler's warnings of a build that worked are shown, one line each with the path from the
 * project's root (as TypeScript's are), through cargo and through cargo's rustc command replayed;
 * `--quiet` gives their count. Before, `hotloop build` and `hotloop dev` hid them.
 */
import { afterAll, expect, test } from "bun:test";
import { reportedBuild } from "../../src/dev/cargo.ts";
import { formatEvent, type HotEvent } from "../../src/hot/report.ts";
import { Fixture } from "../support/fixture.ts";

const crate = new Fixture();
afterAll(() => crate.cleanup());

test("a warning is one line with its place from the project's root, by cargo and by the rustc replay; quiet counts them", async () => {
  await crate.build(); // cargo, which records its rustc command
  const file = crate.path("src/lib.rs");
  crate.edit("pub fn stamp(", "fn never_called() {}\n\npub fn stamp(");
  const events: HotEvent[] = [];
  const result = await reportedBuild(crate.crate, { build: (changed) => crate.builder.build(changed) }, (e) => void events.push(e), [file], { crateFromRoot: "systems" });
  expect(result.ok).toBe(true);
  const finished = events.find((e) => e.type === "build" && e.status === "finished");
  expect(finished && formatEvent(finished)).toMatch(/^hotloop: built \S+ in [\d.]+ m?s( \(rustc directly\))?, 1 warning\nsystems\/src\/lib\.rs:\d+:\d+: warning: function `never_called` is never used$/);
  // Quiet, and through cargo itself this time (a change to Cargo.toml-free sources is replayed; a
  // new builder has no recording and goes through cargo).
  crate.edit("fn never_called() {}", "fn never_called() {}\nfn nor_this() {}");
  const quiet: HotEvent[] = [];
  await reportedBuild(crate.crate, crate.builder.options, (e) => void quiet.push(e), [file], { quiet: true, crateFromRoot: "systems" });
  const line = quiet.map(formatEvent).find((l) => l.startsWith("hotloop: built"));
  expect(line).toMatch(/^hotloop: built \S+ in [\d.]+ m?s, 2 warnings$/);
}, 300_000);
