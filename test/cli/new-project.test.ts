/**
 * "Your own game", end to end as a new user meets it: `hotloop new` in a temp dir outside the
 * repository, `bun install` (hotloop from a tarball of this checkout), typecheck, the starter's own
 * tests, then `bun run dev --features reload --headless`; an edit of the Rust system is built and
 * swapped in while the game runs, with the player where it was.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Running } from "../support/running.ts";

const SLOW = 600_000;
const CLI = resolve(import.meta.dir, "../../src/cli/main.ts");

/** Runs a command to completion; returns its exit code and output. */
async function run(cmd: string[], cwd: string): Promise<{ code: number; out: string }> {
  const proc = Bun.spawn(cmd, { cwd, stdout: "pipe", stderr: "pipe", env: { ...process.env, DISPLAY: "" } });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, out: out + err };
}

/** `frame N  player (x, y)  velocity (vx, vy)`, the starter's headless report. */
function report(line: string): { frame: number; x: number; y: number; vx: number } {
  const m = /frame +(\d+) +player \(([\d.-]+), ([\d.-]+)\) +velocity \(([\d.-]+), ([\d.-]+)\)/.exec(line);
  if (!m) throw new Error(`not a report line: ${line}`);
  return { frame: Number(m[1]), x: Number(m[2]), y: Number(m[3]), vx: Number(m[4]) };
}

describe("hotloop new: a starter game outside the repository", () => {
  let root: string;
  let game: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "hotloop-new-"));
    game = join(root, "my-game");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("new → install → typecheck → its tests pass", async () => {
    const created = await run(["bun", CLI, "new", "my-game"], root);
    expect(created.code).toBe(0);
    expect(created.out).toContain("hotloop: created my-game");
    const pkg = JSON.parse(readFileSync(join(game, "package.json"), "utf8"));
    expect(pkg.dependencies.hotloop).toMatch(/^file:vendor\/hotloop-[\d.]+\.tgz$/);
    expect(Object.keys(pkg.scripts).sort()).toEqual(["build", "codegen", "dev", "release", "start", "static", "test", "typecheck"]);
    // The generated files are there before any build, so the project typechecks at once.
    expect(readFileSync(join(game, "src/systems.gen.ts"), "utf8")).toContain("export type SystemName = string;");
    expect(readFileSync(join(game, "systems/components/src/lib.rs"), "utf8")).toContain("hotloop_sdk::component!(Position(PositionValue, PositionMut), 0x");

    const install = await run(["bun", "install"], game);
    expect(install.code).toBe(0);
    // The tarball holds the package's files only: no tests, benches, .git or build outputs.
    for (const absent of ["test", "bench", ".git", "systems-rs/target", "examples"]) expect(existsSync(join(game, "node_modules/hotloop", absent))).toBe(false);
    expect(existsSync(join(game, "node_modules/hotloop/systems-rs/hotloop-sdk/src/lib.rs"))).toBe(true);

    const typecheck = await run(["bun", "run", "typecheck"], game);
    expect({ code: typecheck.code, out: typecheck.out }).toEqual({ code: 0, out: expect.any(String) });

    const tests = await run(["bun", "test"], game);
    expect(tests.out).toContain("4 pass");
    expect(tests.code).toBe(0);
    // The first build narrowed the names: a misspelt hotSystem("...") is now a type error.
    expect(readFileSync(join(game, "src/systems.gen.ts"), "utf8")).toContain('export type SystemName = "player_movement";');
  }, SLOW);

  test("bun run dev --features reload --headless swaps in an edit of the Rust system, entities kept", async () => {
    const dev = new Running(["bun", "run", "dev", "--features", "reload", "--headless"], game);
    try {
      await dev.waitFor(/hotloop: watching systems, src\/components\.ts and the game's modules/);
      // demo-keys.txt holds RIGHT: the player moves at SPEED (240 px/s).
      const before = report(dev.lines[await dev.waitFor(/frame +120 +player/)]!);
      expect(before.vx).toBe(240);

      const lib = join(game, "systems/src/lib.rs");
      writeFileSync(lib, readFileSync(lib, "utf8").replace("const SPEED: f32 = 240.0;", "const SPEED: f32 = 60.0;"));
      const reloaded = await dev.waitFor(/hotloop: reloaded libmy_game_systems\.so → v2 in [\d.]+ ms/);
      const after = report(dev.lines[await dev.waitFor(/frame +\d+ +player .* velocity \(60, 0\)/, reloaded)]!);
      // The same run and the same player: frames went on, the DOWN keys' offset is still there.
      expect(after.frame).toBeGreaterThan(before.frame);
      expect(after.y).toBe(before.y);
      expect(dev.lines.filter((l) => /frame +60 +player/.test(l))).toHaveLength(1);
      expect(dev.lines.join("\n")).not.toContain("refused");

      // A new system, placed in FixedUpdate by the library: it runs from the next frame.
      const drift = "/// Drifts the player down a pixel a step.\npub fn drift_down(mut players: Query<Write<Position>, With<Player>>) {\n    for pos in players.iter_mut() {\n        *pos.y += 1.0;\n    }\n}\n\nhotloop_sdk::export! {";
      writeFileSync(
        lib,
        readFileSync(lib, "utf8")
          .replace("hotloop_sdk::export! {", drift)
          .replace("FixedUpdate: [spark_trail.after(\"player_movement\").run_if(in_state(GameState::Playing))],", "FixedUpdate: [spark_trail.after(\"player_movement\").run_if(in_state(GameState::Playing)), drift_down],"),
      );
      const added = await dev.waitFor(/hotloop: added system drift_down to FixedUpdate after spark_trail/, reloaded);
      const drifting = report(dev.lines[await dev.waitFor(/frame +\d+ +player/, added)]!);
      const later = report(dev.lines[await dev.waitFor(/frame +\d+ +player/, dev.lines.length)]!);
      expect(later.y).toBeGreaterThan(drifting.y); // 64 steps a second, a pixel each
      expect(later.vx).toBe(60);

      // A TypeScript edit: game.ts is imported again and applied at a frame boundary, the frame count going on.
      const gameTs = join(game, "src/game.ts");
      const lastFrame = report(dev.lines.findLast((l) => /frame +\d+ +player/.test(l))!).frame;
      writeFileSync(gameTs, readFileSync(gameTs, "utf8").replace("  if (isHeadless(app)) {", '  app.addSystems(Last, function hello({ time }: SystemContext) {\n    if (time.frame % 60 === 30) console.log(`hello at frame ${time.frame}`);\n  });\n\n  if (isHeadless(app)) {'));
      const tsReloaded = await dev.waitFor(/^hotloop: reloaded src\/game\.ts → game v2 in [\d.]+ ms/, added);
      expect(dev.lines).toContain("hotloop: added system hello to Last");
      const hello = Number(/hello at frame (\d+)/.exec(dev.lines[await dev.waitFor(/^hello at frame \d+$/, tsReloaded)]!)![1]);
      expect(hello).toBeGreaterThan(lastFrame);

      // A components edit: codegen runs fresh (never the running process's module cache), the
      // build follows, and at one frame boundary the TypeScript reload migrates Velocity's data
      // to the new layout and swaps in the library built against it: player_movement keeps running.
      const components = join(game, "src/components.ts");
      writeFileSync(components, readFileSync(components, "utf8").replace('Velocity", { x: "f32", y: "f32" }', 'Velocity", { x: "f32", y: "f32", z: "f32" }'));
      const wrote = await dev.waitFor(/hotloop: codegen wrote systems\/components\/src\/lib\.rs/, added);
      expect(readFileSync(join(game, "systems/components/src/lib.rs"), "utf8")).toContain("{ x: f32, y: f32, z: f32 }");
      const migrated = await dev.waitFor(/^hotloop: migrated Velocity\{x,y\} → Velocity\{x,y,z\}: 1 entity, [\d.]+ ms$/, added);
      expect(dev.lines.slice(added).join("\n")).toMatch(/hotloop: reloaded libmy_game_systems\.so → v4/);
      const moving = report(dev.lines[await dev.waitFor(/frame +\d+ +player .* velocity \(60, 0\)/, Math.max(wrote, migrated) + 1)]!);
      const next = report(dev.lines[await dev.waitFor(/frame +\d+ +player/, dev.lines.length)]!);
      // player_movement runs on the new layout: 60 px a second to the right (the arena wraps at 800)
      const moved = (((next.x - moving.x) % 800) + 800) % 800;
      expect(moved / ((next.frame - moving.frame) / 60)).toBeCloseTo(60, -1);
      expect(dev.lines.filter((l) => l.includes("hotloop: building")).length).toBe(4); // start, SPEED, drift_down, components: not one more for codegen's output
      // The Rust-only edits after cargo's first recorded rustc command are built by running it again;
      // the components edit changes the components crate, which is cargo's to rebuild.
      const built = dev.lines.filter((l) => l.startsWith("hotloop: built "));
      expect(built.slice(0, 3).some((l) => l.endsWith("(rustc directly)"))).toBe(true);
      expect(dev.lines.slice(wrote).find((l) => l.startsWith("hotloop: built "))).not.toContain("(rustc directly)");
      expect(dev.lines.join("\n")).not.toContain("refused");
      expect(dev.lines.join("\n")).not.toContain("kept system");
    } finally {
      dev.proc.kill("SIGTERM");
      await dev.proc.exited;
    }
  }, SLOW);
});
