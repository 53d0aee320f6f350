/**
 * Ship your game, end to end as a developer and a player meet it: `hotloop new`, `bun install`,
 * `hotloop release`; then only the produced file, copied into an empty directory, the project
 * deleted, run with a PATH that holds no bun, cargo or C compiler and an empty HOME. Headless it
 * plays its key script and prints its report; in a window (Xvfb) its screenshot shows the player
 * and the sparks. A second launch writes nothing; a flipped byte in a library it wrote out is
 * found and written again.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { raylibBuildProblem } from "../../src/render/build-raylib.ts";
import { sha256 } from "../../src/ship/extract.ts";
import { countColor, readPng, writePng } from "../support/png.ts";
import { skipWindowTests } from "../support/window-env.ts";

const SLOW = 600_000;
const CLI = resolve(import.meta.dir, "../../src/cli/main.ts");
const SKYBLUE = [102, 191, 255]; // the starter's player
const GOLD = [255, 203, 0]; // its sparks
const MAGENTA = [255, 0, 255]; // the asset the test adds

async function run(cmd: string[], cwd: string, env: Record<string, string | undefined>): Promise<{ code: number; out: string; err: string }> {
  const proc = Bun.spawn(cmd, { cwd, stdout: "pipe", stderr: "pipe", env });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, out, err };
}

/** Every file under `dir` with its size and modification time: what a launch may have written. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const st = statSync(path);
    out[path] = `${st.isDirectory() ? "dir" : st.size} ${st.mtimeMs}`;
  }
  return out;
}

/** `frame N  player (x, y) …`, the starter's headless report. */
function reports(text: string): { frame: number; x: number }[] {
  return [...text.matchAll(/frame +(\d+) +player \(([\d.-]+), ([\d.-]+)\)/g)].map((m) => ({ frame: Number(m[1]), x: Number(m[2]) }));
}

describe("hotloop release: one file a player runs with nothing installed", () => {
  let root: string;
  let player: string;
  let home: string;
  let game: string;
  /** A player's environment: no bun, cargo or cc on PATH, a HOME of its own (empty at first). */
  let playerEnv: Record<string, string | undefined>;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "hotloop-release-"));
    const project = join(root, "my-game");
    expect((await run(["bun", CLI, "new", "my-game"], root, process.env)).code).toBe(0);
    const install = await run(["bun", "install"], project, process.env);
    expect(install.code).toBe(0);
    // An asset, loaded by name and drawn as a sprite: it must travel in the release.
    mkdirSync(join(project, "assets"));
    const dot = new Uint8Array(8 * 8 * 4);
    for (let i = 0; i < 64; i++) dot.set(MAGENTA.concat(255), i * 4);
    writePng(join(project, "assets/dot.png"), 8, 8, dot);
    const gameTs = join(project, "src/game.ts");
    const source = readFileSync(gameTs, "utf8");
    const withDot = source
      .replace('import { Colors, Raylib, RaylibPlugin, rgba } from "hotloop/render";', 'import { Colors, Raylib, RaylibPlugin, loadTexture, rgba } from "hotloop/render";\nimport { drawListOf } from "hotloop";')
      .replace("  app.addSystems(Render, function draw(", '  loadTexture(app, "dot", "dot.png");\n  app.addSystems(Render, () => drawListOf(app).sprite("dot", 20, 400, 2));\n  app.addSystems(Render, function draw(');
    expect(withDot).not.toBe(source);
    // First a name the folder lacks: refused at release time, one line with the place.
    writeFileSync(gameTs, withDot.replace('"dot.png"', '"dots.png"'));
    // A machine that cannot have raylib (only Bun and cargo) releases without a window; the window test is skipped there.
    const release = ["bun", "run", "release", ...(raylibBuildProblem() ? ["--no-window"] : [])];
    const missing = await run(release, project, { ...process.env, DISPLAY: "" });
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/hotloop: src\/game\.ts:\d+: the game names the asset "dots\.png", which is not in assets\/: add the file, or fix the name/);
    // A name in a comment is not a use.
    writeFileSync(gameTs, withDot.replace("export default function game", '// loadTexture(app, "old", "gone.png");\nexport default function game'));
    const released = await run(release, project, { ...process.env, DISPLAY: "" });
    if (released.code !== 0) throw new Error(`hotloop release failed:\n${released.out}${released.err}`);
    expect(released.err).toMatch(/hotloop: released dist\/my-game: [\d.]+ MB \(libmy_game_systems\.so/);
    // Only the file goes to the player; the project is gone.
    player = join(root, "player");
    home = join(player, "home");
    mkdirSync(join(player, "bin"), { recursive: true });
    mkdirSync(home);
    game = join(player, "my-game");
    copyFileSync(join(project, "dist/my-game"), game);
    chmodSync(game, 0o755);
    rmSync(project, { recursive: true, force: true });
    playerEnv = { HOME: home, PATH: join(player, "bin") };
  }, SLOW);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("headless, it plays its key script and prints its report; nothing but the game's own directory is written", async () => {
    const first = await run([game, "--frames", "130"], player, playerEnv);
    if (!raylibBuildProblem()) expect(first.err).toContain("my-game: no window here (DISPLAY is not set): running headless");
    expect(first.code).toBe(0);
    const lines = reports(first.out);
    expect(lines.map((l) => l.frame)).toEqual([60, 120]);
    // The demo script holds RIGHT from frame 1: the player left the middle (x 400) moving right.
    expect(lines[0]!.x).toBeGreaterThan(400);
    const natives = join(home, ".local/share/my-game/native");
    const written = readdirSync(natives, { recursive: true }).filter((p) => String(p).includes(".so"));
    expect(written.map((p) => String(p).split("/").at(-1)).sort()).toEqual(expect.arrayContaining(["libmy_game_systems.so"]));
    expect(readdirSync(player).sort()).toEqual(["bin", "home", "my-game"]);
  }, SLOW);

  test("the dev tools are not in it: no inspector, no watcher, no cargo", async () => {
    const bytes = readFileSync(game);
    expect(bytes.includes("did not match the game's copy")).toBe(true); // the player's own text is found as written
    for (const devOnly of ["hotloop inspector: a wrong or missing token", "hotloop-renewed-module-keys", "cargo metadata failed"]) {
      expect({ devOnly, found: bytes.includes(devOnly) }).toEqual({ devOnly, found: false });
    }
  }, SLOW);

  test("a second launch writes nothing new to disk", async () => {
    const before = snapshot(home);
    const again = await run([game, "--frames", "10"], player, playerEnv);
    expect(again.code).toBe(0);
    expect(snapshot(home)).toEqual(before);
  }, SLOW);

  test("a flipped byte in the library it wrote out is found and the library written again", async () => {
    const natives = join(home, ".local/share/my-game/native");
    const lib = readdirSync(natives, { recursive: true }).map(String).find((p) => p.endsWith("libmy_game_systems.so"))!;
    const path = join(natives, lib);
    const good = sha256(readFileSync(path));
    const bytes = readFileSync(path);
    bytes[bytes.length >> 1]! ^= 0xff;
    chmodSync(path, 0o700);
    writeFileSync(path, bytes);
    const repaired = await run([game, "--frames", "70"], player, playerEnv);
    expect(repaired.code).toBe(0);
    expect(repaired.err).toContain(`my-game: ${path} did not match the game's copy (damaged or changed): written again from the game`);
    expect(sha256(readFileSync(path))).toBe(good);
    expect(reports(repaired.out).map((l) => l.frame)).toEqual([60]);
    // And said where a player's support request would look: the crash log.
    expect(readFileSync(join(home, ".local/share/my-game/crash.log"), "utf8")).toContain("did not match the game's copy");
  }, SLOW);

  test("started from a folder with a bunfig.toml and a .env, it reads neither (no planted preload runs)", async () => {
    const hostile = join(root, "downloads");
    mkdirSync(hostile);
    const marker = join(hostile, "preload-ran");
    writeFileSync(join(hostile, "bunfig.toml"), 'preload = ["./x.ts"]\n');
    writeFileSync(join(hostile, "x.ts"), `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "yes");\n`);
    writeFileSync(join(hostile, ".env"), `XDG_DATA_HOME=${join(hostile, "data")}\n`);
    const r = await run([game, "--frames", "5"], hostile, playerEnv);
    expect(r.code).toBe(0);
    expect(readdirSync(hostile).sort()).toEqual([".env", "bunfig.toml", "x.ts"]); // no marker, no data/ from the .env
  }, SLOW);

  test("--help, --version, and a mistake is one line with exit 2", async () => {
    const help = await run([game, "--help"], player, playerEnv);
    expect(help.code).toBe(0);
    expect(help.out).toContain("usage: my-game [options]");
    expect((await run([game, "--version"], player, playerEnv)).out.trim()).toBe("my-game 0.1.0");
    const wrong = await run([game, "--nope"], player, playerEnv);
    expect(wrong.code).toBe(2);
    expect(wrong.err.trim()).toBe("my-game: unknown option --nope (see my-game --help)");
  }, SLOW);

  test.skipIf(skipWindowTests({ display: "answering" }))("in a window (Xvfb) its screenshot shows the player and its sparks", async () => {
    const shot = join(player, "shot.png");
    const env = { ...playerEnv, DISPLAY: process.env.DISPLAY, XAUTHORITY: process.env.XAUTHORITY };
    const windowed = await run([game, "--demo", "--frames", "90", "--screenshot", shot], player, env);
    expect(windowed.err).toContain(`my-game: screenshot saved to ${shot}`);
    expect(windowed.code).toBe(0);
    const png = readPng(shot);
    expect([png.width, png.height]).toEqual([800, 450]);
    expect(countColor(png, SKYBLUE)).toBeGreaterThan(400); // the player, radius 16
    expect(countColor(png, GOLD)).toBeGreaterThan(20); // the spark trail behind it
    expect(countColor(png, MAGENTA)).toBe(16 * 16); // assets/dot.png, 8x8 drawn at scale 2, from the release's own copy
  }, SLOW);
});
