/**
 * A components change the running game refuses changes nothing: under `hotloop dev --features
 * reload` (a copy of the example, its crate a fixture built by cargo), a save that would lose data
 * is refused with one line, and there is no codegen, no build and no load after it; the Rust views
 * on disk stay those of the running layout. The next acceptable save goes the whole way.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { EXAMPLE_CRATE, REPO, writeExampleProject } from "../support/example.ts";
import { Fixture, FIXTURE_TARGET_DIR } from "../support/fixture.ts";

const SLOW = 300_000;
let crate: Fixture;
let dir: string;
let dev: Subprocess<"ignore", "ignore", "pipe">;
let stderr = "";

async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 3000 && !done(); i++) await Bun.sleep(20);
  if (!done()) throw new Error(`no ${what}; hotloop dev said:\n${stderr}`);
}

beforeAll(async () => {
  crate = new Fixture(EXAMPLE_CRATE);
  await crate.build();
  dir = mkdtempSync(join(tmpdir(), "hotloop-refused-schema-"));
  writeExampleProject(dir, crate.dir, "refused-schema");
  dev = Bun.spawn([process.execPath, join(REPO, "src/cli/main.ts"), "dev", "--features", "reload", "--headless"], {
    cwd: dir,
    env: { ...process.env, CARGO_TARGET_DIR: FIXTURE_TARGET_DIR, DISPLAY: "" },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of dev.stderr) stderr += decoder.decode(chunk, { stream: true });
  })();
  await until(() => stderr.includes("hotloop: watching"), "the watcher");
}, SLOW);

afterAll(async () => {
  dev?.kill("SIGINT");
  await dev?.exited;
  crate?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("a lossy components change is refused and goes no further; an acceptable one is built and migrated", async () => {
  const file = join(dir, "src/components.ts");
  const source = readFileSync(file, "utf8");
  const views = join(crate.dir, "components/src/lib.rs");
  const viewsBefore = readFileSync(views, "utf8");
  const from = stderr.length;
  writeFileSync(file, source.replace('defineComponent("Appearance", { color: "u32", radius: "f32" })', 'defineComponent("Appearance", { color: "u8", radius: "f32" })'));
  await until(() => stderr.slice(from).includes("skipped"), "the skip line");
  await Bun.sleep(500); // anything that would follow (codegen, a build) comes within this
  const after = stderr.slice(from).trim().split("\n");
  expect(after).toEqual([
    'hotloop: refused src/components.ts: Appearance.color: u32 → u8 loses data: give defineComponent("Appearance", …, { migrate }) to convert it, or keep the type (still running game v1)',
    "hotloop: codegen and the build skipped: the game refused the save of src/components.ts (see above); the Rust views stay those of the running layout until it is accepted",
  ]);
  expect(readFileSync(views, "utf8")).toBe(viewsBefore);
  // Acceptable: a field added with a default. Codegen, the build and the migration at one boundary.
  const next = stderr.length;
  writeFileSync(file, source.replace('defineComponent("Coin", { phase: "f32" })', 'defineComponent("Coin", { phase: "f32", value: "u8" }, { defaults: { value: 5 } })'));
  await until(() => /migrated Coin\{phase\} → Coin\{phase,value\}/.test(stderr.slice(next)), "the migration");
  expect(stderr.slice(next)).toContain("codegen wrote");
  expect(readFileSync(views, "utf8")).toContain("value: u8 = 5");
}, SLOW);

test("a refusal lifted by a save of another module (the one that still read a removed field): codegen and the build follow", async () => {
  const file = join(dir, "src/components.ts");
  const render = join(dir, "src/render.ts");
  const renderSource = readFileSync(render, "utf8");
  const read = "if (hasComponent(world, e, Coin)) continue;";
  expect(renderSource).toContain(read);
  // Coin.value (added above) read by render.ts, then removed from Coin: refused, since render.ts still reads it.
  writeFileSync(render, renderSource.replace(read, "if (hasComponent(world, e, Coin) && Coin.value[e]! >= 0) continue;"));
  await Bun.sleep(300);
  const from = stderr.length;
  const withValue = readFileSync(file, "utf8");
  writeFileSync(file, withValue.replace('defineComponent("Coin", { phase: "f32", value: "u8" }, { defaults: { value: 5 } })', 'defineComponent("Coin", { phase: "f32" })'));
  await until(() => stderr.slice(from).includes("skipped"), "the skip line");
  expect(stderr.slice(from)).toMatch(/Coin\.value is removed but still read at src\/render\.ts:\d+/);
  // The use taken out of render.ts: the game accepts the save, and the build it waits for is made.
  writeFileSync(render, renderSource);
  await until(() => /migrated Coin\{phase,value\} → Coin\{phase\}/.test(stderr.slice(from)), "the migration with the build");
  expect(stderr.slice(from)).toContain("codegen wrote");
}, SLOW);
