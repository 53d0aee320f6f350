/**
 * release: what `hotloop release` gives a player, for a starter game made by `hotloop new`: the
 * executable's size and what each part contributes, start-up to the first frame (cold: a HOME the
 * game never ran in, its native parts written out; warm: the second launch), and the released
 * game's frame time against the same entry run by bun from its sources (`hotloop static` runs the
 * release itself).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fmt, median } from "../lib.ts";
import type { Suite } from "../suite.ts";

const CLI = resolve(import.meta.dir, "../../src/cli/main.ts");

interface ReleaseFigures {
  readonly exe_mb: number;
  readonly bun_mb: number;
  readonly library_mb: number;
  readonly raylib_mb: number;
  readonly shim_kb: number;
  readonly release_s: number;
  readonly cold_start_ms: number;
  readonly warm_start_ms: number;
  readonly release_frame_us: number;
  readonly source_frame_us: number;
  readonly release_over_source: number;
}

async function run(cmd: string[], cwd: string, env: Record<string, string | undefined> = process.env): Promise<{ code: number; out: string; ms: number }> {
  const start = performance.now();
  const proc = Bun.spawn(cmd, { cwd, stdout: "pipe", stderr: "pipe", env });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const ms = performance.now() - start;
  if (code !== 0) throw new Error(`bench release: ${cmd.join(" ")} failed (${code}):\n${(out + err).slice(-2000)}`);
  return { code, out: out + err, ms };
}

/** The size in MB of the embedded part whose path matches `pattern`, from the entry the release compiled. */
function partMb(entry: string, pattern: RegExp): number {
  for (const m of readFileSync(entry, "utf8").matchAll(/from "([^"]+)" with \{ type: "file" \}/g)) {
    if (pattern.test(m[1]!)) return statSync(m[1]!).size / 1024 / 1024;
  }
  return Number.NaN;
}

export const releaseSuite: Suite<ReleaseFigures> = {
  notInQuick: true,
  async run() {
    const root = mkdtempSync(join(tmpdir(), "hotloop-bench-release-"));
    try {
      await run(["bun", CLI, "new", "game"], root);
      const project = join(root, "game");
      await run(["bun", "install"], project);
      const noDisplay = { ...process.env, DISPLAY: "" };
      await run(["bun", "run", "release"], project, noDisplay); // the first: cargo's release build
      const released = await run(["bun", "run", "release"], project, noDisplay); // packing only
      const exe = join(project, "dist/game");
      const entry = join(project, ".hotloop/release/game.ts");
      const player = (home: string) => ({ HOME: home, PATH: "/nonexistent" });
      const launch = (home: string, frames: number) => run([exe, "--headless", "--fps", "0", "--frames", String(frames)], root, player(home));

      // Start-up: spawn → the first frame run → exit, from a HOME the game never saw, then again.
      const cold: number[] = [], warm: number[] = [];
      for (let i = 0; i < 5; i++) {
        const home = join(root, `home-${i}`);
        mkdirSync(home);
        cold.push((await launch(home, 1)).ms);
        warm.push((await launch(home, 1)).ms);
      }
      // A frame: (a long run - a short run) / the 20,000 frames between, both sides headless and
      // unthrottled: start-up, the build check and exit cancel out.
      const home = join(root, "home-frames");
      mkdirSync(home);
      const framesOf = async (side: (frames: number) => Promise<{ ms: number }>) => {
        const per: number[] = [];
        for (let i = 0; i < 3; i++) per.push(((await side(20_200)).ms - (await side(200)).ms) / 20_000);
        return median(per);
      };
      const releaseFrame = await framesOf((n) => launch(home, n));
      // `hotloop static` runs the release itself; the other side is the same generated entry run by
      // bun from the sources, not bundled or compiled (what static ran before this round).
      const sourceFrame = await framesOf((n) => run(["bun", entry, "--headless", "--fps", "0", "--frames", String(n)], project, { ...noDisplay, XDG_DATA_HOME: join(home, ".local/share") }));
      return {
        exe_mb: statSync(exe).size / 1024 / 1024,
        bun_mb: statSync(process.execPath).size / 1024 / 1024,
        library_mb: partMb(entry, /libgame_systems\.so$/),
        raylib_mb: partMb(entry, /libraylib\.so[\d.]*$/),
        shim_kb: partMb(entry, /libhotloop_rlshim-[0-9a-f]+\.so$/) * 1024,
        release_s: released.ms / 1000,
        cold_start_ms: median(cold),
        warm_start_ms: median(warm),
        release_frame_us: releaseFrame * 1000,
        source_frame_us: sourceFrame * 1000,
        release_over_source: releaseFrame / sourceFrame,
      };
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
  rows: (f) => [
    { suite: "release", figure: "the starter's executable (hotloop release)", value: `${fmt(f.exe_mb)} MB`, headline: true, context: `Bun's runtime ${fmt(f.bun_mb)} MB (the bun binary it is made from), raylib ${fmt(f.raylib_mb)} MB, the hot library ${fmt(f.library_mb)} MB, the shim ${fmt(f.shim_kb)} KB, the rest the game's and hotloop's JavaScript; packing ${fmt(f.release_s)} s once built`, spread: ["exe_mb"] },
    { suite: "release", figure: "start-up to the first frame, cold / warm", value: `${fmt(f.cold_start_ms)} / ${fmt(f.warm_start_ms)} ms`, headline: true, context: "spawn → one frame run → exit, headless; cold: a HOME the game never ran in (its native parts written out and checked), warm: the second launch (checked, nothing written); 5 each", spread: ["cold_start_ms", "warm_start_ms"] },
    { suite: "release", figure: "a frame of the released starter / the same entry run by bun from its sources", value: (f.release_frame_us / f.source_frame_us).toFixed(2), context: `${fmt(f.release_frame_us)} vs ${fmt(f.source_frame_us)} us per frame (the value is their ratio; the spreads are theirs): (20,200 frames - 200 frames) / 20,000, headless, unthrottled; the same parts and main, compiled or not (hotloop static runs the release itself); a frame of the starter is mostly the yield to the event loop`, spread: ["release_frame_us", "source_frame_us"] },
  ],
};
