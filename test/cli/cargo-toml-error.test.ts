/**
 * A syntax error in the crate's Cargo.toml under `hotloop dev --features reload`, for real: a
 * project around a copy of the hot fixture, a real cargo, the dev runner as a child process,
 * headless. Like a compile error: cargo's place and cause in one line (`Cargo.toml:L:C: error: …`),
 * the last good build runs, and saving the fixed Cargo.toml builds and loads — whether the file
 * was broken before the start (cargo metadata cannot read it then) or while the game runs.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { manifestLine, manifestProblem } from "../../src/dev/cargo-output.ts";
import { Fixture, FIXTURE_TARGET_DIR } from "../support/fixture.ts";
import { Running as RunningChild } from "../support/running.ts";

const REPO = resolve(import.meta.dir, "../..");
const CLI = join(REPO, "src/cli/main.ts");
const SLOW = 300_000;

/** `hotloop dev` as a child, with the fixtures' target dir, reading the game's stamp reports. */
class Running extends RunningChild {
  constructor(cmd: string[], cwd: string) {
    super(cmd, cwd, { ...process.env, DISPLAY: "", WAYLAND_DISPLAY: "", CARGO_TARGET_DIR: FIXTURE_TARGET_DIR });
  }
  /** The stamp the game reported on the first report line at or after `from`. */
  async stampAfter(from: number): Promise<{ line: number; stamp: number }> {
    const line = await this.waitFor(/^frame +\d+ +stamp \d+$/, from);
    return { line, stamp: Number(/stamp (\d+)$/.exec(this.lines[line]!)![1]) };
  }
}

let fixture: Fixture | undefined;
let dir: string | undefined;
let dev: Running | undefined;

afterEach(async () => {
  if (dev && dev.proc.exitCode === null) {
    dev.proc.kill();
    await dev.proc.exited;
  }
  dev = undefined;
  // The dev builder keeps cargo's rustc command for the next session in the shared target dir: this crate has none.
  if (fixture) rmSync(join(FIXTURE_TARGET_DIR, "hotloop", `rustc-${fixture.crate}.json`), { force: true });
  fixture?.cleanup();
  fixture = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A project whose crate is a fresh fixture copy and whose game prints, every 10 frames, the Stamp the hot `stamp` system writes. */
function project(): { fixture: Fixture; dir: string } {
  fixture = new Fixture();
  dir = mkdtempSync(join(tmpdir(), "hotloop-cargo-toml-"));
  const config = { crate: fixture.dir, components: "components.ts", entry: "game.ts", names: "systems.gen.ts" };
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "cargo-toml-error", type: "module", hotloop: config }));
  writeFileSync(
    join(dir, "game.ts"),
    `import { FixedUpdate, hotSystem, Last, spawn, Startup, type App, type SystemContext } from ${JSON.stringify(join(REPO, "src/api/index.ts"))};
import { Position, Stamp, Trap, Velocity } from ${JSON.stringify(join(REPO, "test/fixtures/hot-fixture/components.ts"))};

export default function game(app: App): void {
  app.registerComponents(Position, Velocity, Stamp, Trap);
  let e = 0;
  app.addSystems(Startup, ({ world }: SystemContext) => void (e = spawn(world, Stamp)));
  app.addSystems(FixedUpdate, hotSystem("stamp"));
  app.addSystems(Last, ({ time }: SystemContext) => {
    if (time.frame % 10 === 0) console.log(\`frame \${time.frame} stamp \${Stamp.value[e]}\`);
  });
}
`,
  );
  return { fixture, dir };
}

const MANIFEST_ERROR = /^Cargo\.toml:(\d+):(\d+): error: missing comma between array elements, expected `,`$/;

/** Breaks `crate-type = ["cdylib"]` into `crate-type = ["cdylib" "rlib"]`: returns the fix and the line and column cargo must name. */
function breakManifest(f: Fixture): { fix: () => void; line: number; column: number } {
  const file = f.path("Cargo.toml");
  const good = readFileSync(file, "utf8");
  const lines = good.split("\n");
  const line = lines.findIndex((l) => l === 'crate-type = ["cdylib"]');
  expect(line).toBeGreaterThanOrEqual(0);
  lines[line] = 'crate-type = ["cdylib" "rlib"]';
  writeFileSync(file, lines.join("\n"));
  return { fix: () => writeFileSync(file, good), line: line + 1, column: 'crate-type = ["cdylib" '.length + 1 };
}

test("broken before the start: one line with Cargo.toml:L:C, the last good build runs, the fix builds and loads", async () => {
  const { fixture: f, dir: root } = project();
  await f.build(); // the last good build: stamp 1
  // A new stamp saved, then Cargo.toml broken: cargo can neither describe the crate nor build it.
  f.setConst("STAMP", "2");
  const broken = breakManifest(f);

  dev = new Running([process.execPath, CLI, "dev", "--features", "reload", "--headless"], root);
  const failed = await dev.waitFor(/^hotloop: build of hot_fixture_\d+_\d+ failed after [\d.]+ m?s; the game keeps running the last good code$/);
  // The lines after it come as the child writes them: wait for the last of the three.
  expect(await dev.waitFor(/^hotloop: running the last good build of hot_fixture_\d+_\d+$/, failed)).toBe(failed + 2);
  // The build's line: cargo's place (the line and column of the missing comma) and cause, nothing else.
  expect(dev.lines[failed + 1]).toMatch(MANIFEST_ERROR);
  expect(dev.lines[failed + 1]).toBe(`Cargo.toml:${broken.line}:${broken.column}: error: missing comma between array elements, expected \`,\``);
  expect(dev.lines[failed + 2]).toMatch(/^hotloop: running the last good build of hot_fixture_\d+_\d+$/);
  const watching = await dev.waitFor(/^hotloop: watching /, failed);
  // The game runs the last good build (stamp 1), and keeps running it.
  expect((await dev.stampAfter(watching)).stamp).toBe(1);
  expect((await dev.stampAfter(dev.lines.length)).stamp).toBe(1);

  broken.fix();
  const reloaded = await dev.waitFor(/^hotloop: reloaded libhot_fixture_\d+_\d+\.so → v2 in /, watching);
  // The library lands (and may be running) before the build's own end is said: wait for that line too.
  await dev.waitFor(/^hotloop: built hot_fixture_\d+_\d+ in /, watching);
  expect((await dev.stampAfter(reloaded + 1)).stamp).toBe(2);
  if (process.env.SHOW_DEV_OUTPUT) console.error(dev.lines.join("\n"));
  // Nothing else went wrong on the way: no stack trace, no warning (cargo metadata, asked again after the fix, found the same library).
  expect(dev.lines.filter((l) => l.includes("    at ") || l.includes("warning"))).toEqual([]);
}, SLOW);

test("broken while the game runs: one line with Cargo.toml:L:C, the game keeps running, the fix builds and loads", async () => {
  const { fixture: f, dir: root } = project();
  dev = new Running([process.execPath, CLI, "dev", "--features", "reload", "--headless"], root);
  const watching = await dev.waitFor(/^hotloop: watching /);
  expect((await dev.stampAfter(watching)).stamp).toBe(1);

  const broken = breakManifest(f);
  const failed = await dev.waitFor(/^hotloop: build of hot_fixture_\d+_\d+ failed after [\d.]+ m?s; the game keeps running the last good code$/, watching);
  expect(dev.lines[failed + 1]).toBe(`Cargo.toml:${broken.line}:${broken.column}: error: missing comma between array elements, expected \`,\``);
  // A source saved while Cargo.toml is broken fails the same way (no replay of rustc bypasses the broken manifest); the game keeps stamp 1.
  const from = dev.lines.length;
  f.setConst("STAMP", "3");
  const again = await dev.waitFor(/^hotloop: build of hot_fixture_\d+_\d+ failed after/, from);
  expect(dev.lines[again + 1]).toMatch(MANIFEST_ERROR);
  expect((await dev.stampAfter(again)).stamp).toBe(1);
  expect((await dev.stampAfter(dev.lines.length)).stamp).toBe(1);

  broken.fix();
  const reloaded = await dev.waitFor(/^hotloop: reloaded libhot_fixture_\d+_\d+\.so → v2 in /, again);
  expect((await dev.stampAfter(reloaded + 1)).stamp).toBe(3);
  if (process.env.SHOW_DEV_OUTPUT) console.error(dev.lines.join("\n"));
  expect(dev.proc.exitCode).toBeNull();
  expect(dev.lines.filter((l) => l.includes("    at ") || l.includes("warning"))).toEqual([]);
}, SLOW);

test("broken where the package is named: the crate cargo described last time is remembered, and its last good build runs", async () => {
  const { fixture: f, dir: root } = project();
  const once = async () => {
    const env = { ...process.env, DISPLAY: "", WAYLAND_DISPLAY: "", CARGO_TARGET_DIR: FIXTURE_TARGET_DIR };
    const proc = Bun.spawn([process.execPath, CLI, "dev", "--headless", "--frames", "21"], { cwd: root, env, stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { out, err, code };
  };
  expect((await once()).code).toBe(0); // builds, and cargo metadata's answer is kept in .hotloop/crate.json
  // `name = hot_fixture_…` unquoted: Cargo.toml no longer says which library is the crate's.
  const file = f.path("Cargo.toml");
  const lines = readFileSync(file, "utf8").split("\n");
  const at = lines.findIndex((l) => l.startsWith("name = "));
  lines[at] = `name = ${f.crate}`;
  writeFileSync(file, lines.join("\n"));
  const run = await once();
  expect(run.err).toContain(`\nCargo.toml:${at + 1}:8: error: string values must be quoted, expected literal string\n`);
  expect(run.err).toContain(`hotloop: running the last good build of ${f.crate}\n`);
  expect(run.out).toContain("frame 20 stamp 1\n");
  expect(run.code).toBe(0);
}, SLOW);

test("cargo's manifest errors, in each of its formats, as one line", () => {
  const line = (output: string) => {
    const problem = manifestProblem(output);
    return problem && manifestLine(problem);
  };
  // cargo 1.7x and later (what the tests above get from the cargo installed)
  expect(line("error: missing comma between array elements, expected `,`\n --> Cargo.toml:9:24\n  |\n9 | crate-type = [\"cdylib\" \"rlib\"]\n  |                        ^\n")).toBe(
    "Cargo.toml:9:24: error: missing comma between array elements, expected `,`",
  );
  // a workspace member's, then the workspace's own complaint
  expect(line("error: unclosed inline table, expected `}`\n --> m/Cargo.toml:6:26\n  |\nerror: failed to load manifest for workspace member `/w/m`\nreferenced by workspace at `/w/Cargo.toml`\n")).toBe(
    "m/Cargo.toml:6:26: error: unclosed inline table, expected `}`",
  );
  // older cargo: the place in a Caused by, the cause after the snippet, in two lines
  const older = "error: failed to parse manifest at `/w/systems/Cargo.toml`\n\nCaused by:\n  could not parse input as TOML\n\nCaused by:\n  TOML parse error at line 7, column 24\n    |\n  7 | crate-type = [\"cdylib\" \"rlib\"]\n    |                        ^\n  invalid array\n  expected `]`\n";
  expect(line(older)).toBe("/w/systems/Cargo.toml:7:24: error: invalid array, expected `]`");
  // a cause without a place: the innermost manifest, the innermost cause
  const unplaced = "error: failed to load manifest for workspace member `/w/m`\nreferenced by workspace at `/w/Cargo.toml`\n\nCaused by:\n  failed to parse manifest at `/w/m/Cargo.toml`\n\nCaused by:\n  missing field `package.name`\n";
  expect(line(unplaced)).toBe("/w/m/Cargo.toml: error: missing field `package.name`");
  // a compile error is no manifest error
  expect(line("src/lib.rs:23:18: error[E0425]: cannot find value `STAMP_TYPO` in this scope\nerror: could not compile `x` (lib) due to 1 previous error\n")).toBeUndefined();
});
