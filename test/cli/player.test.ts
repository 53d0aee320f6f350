/**
 * What a player sees when something goes wrong in a released game (src/ship/player.ts, the main
 * `hotloop release` compiles and `hotloop static` runs): a panic in a hot system is one line on
 * stderr and a line in crash.log in the game's per-user directory, the system is disabled and the
 * game goes on; a game plugin that throws is one line, a crash.log line and exit 1. The hot
 * library is the test fixture's, built by cargo.
 */
import { afterAll, beforeAll, expect, spyOn, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn, Update, type App, type Plugin } from "../../src/api/index.ts";
import { hotSystem } from "../../src/hot/index.ts";
import { sha256 } from "../../src/ship/extract.ts";
import { runShippedGame, type ShippedGame } from "../../src/ship/player.ts";
import { Position, Stamp, Trap, Velocity } from "../fixtures/hot-fixture/components.ts";
import { Fixture } from "../support/fixture.ts";

let fixture: Fixture;
let data: string;
const saved = process.env.XDG_DATA_HOME;

beforeAll(async () => {
  fixture = new Fixture();
  await fixture.build();
  data = mkdtempSync(join(tmpdir(), "hotloop-player-"));
  process.env.XDG_DATA_HOME = data;
}, 300_000);
afterAll(() => {
  if (saved === undefined) delete process.env.XDG_DATA_HOME;
  else process.env.XDG_DATA_HOME = saved;
  fixture.cleanup();
  rmSync(data, { recursive: true, force: true });
});

/** Runs the game as a released one would run, with what it says on stderr collected instead of shown. */
async function runCapturingErrors(game: Plugin, argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const err = spyOn(console, "error").mockImplementation((line: unknown) => void lines.push(String(line)));
  try {
    return { code: await runShippedGame(game, shipped(), argv), lines };
  } finally {
    err.mockRestore();
  }
}

function shipped(): ShippedGame {
  return { name: "trap-game", version: "1.2.3", library: { name: "libtrap.so", path: fixture.library, sha256: sha256(readFileSync(fixture.library)) } };
}

test("a panic in a hot system: one line, a crash.log line, the system disabled, the game goes on to its last frame", async () => {
  let frames = 0;
  const game = (app: App) => {
    app.registerComponents(Position, Velocity, Stamp, Trap);
    spawn(app.world, [Trap, { armed: 1 }]);
    app.addSystems(Update, hotSystem("trap"));
    app.addSystems(Update, () => void frames++);
  };
  const { code, lines } = await runCapturingErrors(game, ["--headless", "--frames", "20", "--fps", "0"]);
  expect(code).toBe(0);
  expect(frames).toBe(20); // every frame ran, the one that panicked and all after it
  const panics = lines.filter((l) => l.includes("panicked"));
  expect(panics).toHaveLength(1);
  expect(panics[0]).toMatch(/^trap-game: system trap of .*libtrap\.so v1 panicked: trap sprung \(stamp 1\) \(at src\/lib\.rs:\d+:\d+\); disabled/);
  const log = readFileSync(join(data, "trap-game/crash.log"), "utf8").trim().split("\n");
  expect(log).toHaveLength(1);
  expect(log[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z trap-game 1\.2\.3: system trap of .* panicked: trap sprung/);
}, 60_000);

test("a game that throws while it is built: one line, a crash.log line, exit 1", async () => {
  const { code, lines } = await runCapturingErrors(() => {
      throw new Error("no level file");
    }, ["--headless", "--frames", "5"]);
  expect(code).toBe(1);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^trap-game: no level file \(at .*player\.test\.ts:\d+:\d+\)$/);
  expect(readFileSync(join(data, "trap-game/crash.log"), "utf8")).toContain("trap-game 1.2.3: no level file");
}, 60_000);

test("a screenshot asked of a headless run is one line and exit 2", async () => {
  const { code, lines } = await runCapturingErrors(() => {}, ["--headless", "--screenshot", "shot.png"]);
  expect(code).toBe(2);
  expect(lines).toEqual(["trap-game: --screenshot needs a window, and this run is headless (--headless)"]);
}, 60_000);
