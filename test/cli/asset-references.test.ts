// The release's check of the asset names a game's source spells out (src/dev/release.ts): a sound or
// music file loaded by a literal name the asset folder lacks is refused with the file and line,
// like a texture's, before a player gets a game that cannot find it.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { Project } from "../../src/dev/project.ts";
import { checkAssetReferences } from "../../src/dev/release.ts";

const dir = mkdtempSync(join(tmpdir(), "hotloop-asset-refs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The parts of a Project the check reads. */
const project = { entry: join(dir, "src/game.ts"), assets: join(dir, "assets"), show: (p: string) => relative(dir, p) } as unknown as Project;

test("sounds.load and music.load names are checked against the asset folder, with the place", () => {
  mkdirSync(join(dir, "src"));
  const game = [
    "export function game(app) {",
    '  loadTexture(app, "ship", "ship.png");',
    "  const audio = app.resource(Audio);",
    '  audio.sounds.load("sounds/coin.wav", { name: "coin" });',
    "  // audio.music.load(\"music/old.ogg\"); a comment is not read",
    "  audio.music.load('music/theme.ogg');",
    "}",
  ].join("\n");
  writeFileSync(project.entry, game);
  const all = new Set(["ship.png", "sounds/coin.wav", "music/theme.ogg"]);
  expect(() => checkAssetReferences(project, all)).not.toThrow();
  expect(() => checkAssetReferences(project, new Set(["ship.png", "music/theme.ogg"]))).toThrow('src/game.ts:4: the game names the asset "sounds/coin.wav", which is not in assets/: add the file, or fix the name');
  expect(() => checkAssetReferences(project, new Set(["ship.png", "sounds/coin.wav"]))).toThrow('src/game.ts:6: the game names the asset "music/theme.ogg", which is not in assets/: add the file, or fix the name');
});
