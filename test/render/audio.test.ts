// Sound and music through the AudioPlugin, against the real libraylib and no sound card: where
// none can be opened (CI, this machine) the plugin says one line and plays on its silent device,
// which keeps the game's time (a sound plays for its length, music advances with frames); sounds
// are played from TypeScript and from a hot Rust system (a fixture crate built by cargo) through
// one list; a saved file is loaded again in place, a broken one is one line and the old data
// stays; HOTLOOP_AUDIO=off and headless apps have a silent stand-in. No window is needed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { App, Assets, ManualClock, PostUpdate, Timeline, TimelinePlugin, Update, yieldToEventLoop } from "../../src/core/index.ts";
import { defineResource } from "../../src/ecs/index.ts";
import { HotPlugin, HotReloader, hotSystem, type HotEvent } from "../../src/hot/index.ts";
import { Audio, AudioPlugin } from "../../src/render/audio.ts";
import { RaylibPlugin } from "../../src/render/plugin.ts";
import { loadRaylib } from "../../src/render/raylib.ts";
import { Fixture } from "../support/fixture.ts";
import { writeSineWav } from "../support/wav.ts";
import { skipWindowTests } from "../support/window-env.ts";

const SLOW = 10 * 60_000;
/** A frame of the tests' games, in milliseconds of game time. */
const FRAME_MS = 16;

/** An app on a manual clock with the AudioPlugin (`device`) and an asset folder. */
function audioApp(dir: string, device: "null" | "off" | undefined, say?: (line: string) => void) {
  const clock = new ManualClock();
  const app = new App({ clock });
  app.insertResource(new Assets(dir));
  app.addPlugins(AudioPlugin({ device, say }));
  const audio = app.resource(Audio);
  /** One frame of FRAME_MS of game time, then a moment for raylib's mixing thread (its pace is the game's, its work its own). */
  const frame = async () => {
    clock.advance(FRAME_MS);
    app.update();
    await Bun.sleep(2);
  };
  /** Frames until `done()` holds (at most `max`); returns how many ran. */
  const until = async (done: () => boolean, what: string, max = 600) => {
    for (let n = 1; n <= max; n++) {
      await frame();
      if (done()) return n;
    }
    throw new Error(`${what} not reached within ${max} frames`);
  };
  return { app, clock, audio, frame, until };
}

describe.skipIf(skipWindowTests({ display: "none" }))("audio on the real libraylib, without a sound card", () => {
  const dir = mkdtempSync(join(tmpdir(), "hotloop-audio-"));
  beforeAll(async () => {
    await loadRaylib(); // build or find raylib off the event loop; the plugin then loads it at once
    mkdirSync(join(dir, "sounds"));
    mkdirSync(join(dir, "music"));
  }, SLOW);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("no device to open: one line (not ALSA's fifteen), and sounds play on the silent device", async () => {
    writeSineWav(join(dir, "sounds/child.wav"), { seconds: 2 });
    // Every device hidden, whatever this machine has: ALSA finds no `default`, PulseAudio no server.
    const emptyConfig = join(dir, "empty-asound.conf");
    writeFileSync(emptyConfig, "# no devices\n");
    const env: Record<string, string | undefined> = { ...process.env, ALSA_CONFIG_PATH: emptyConfig, PULSE_SERVER: "unix:/nonexistent/hotloop-test" };
    delete env.HOTLOOP_AUDIO;
    const child = Bun.spawn(["bun", resolve(import.meta.dir, "../support/audio-child.ts"), join(dir, "sounds/child.wav")], { env, stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    expect(code).toBe(0);
    expect(err).not.toContain("ALSA lib");
    const said = err.split("\n").filter((l) => l.startsWith("hotloop:"));
    expect(said).toEqual([expect.stringMatching(/^hotloop: no audio device \(Failed to initialize playback device \(ALSA: .+\)\): sounds play on a silent device$/)]);
    expect(JSON.parse(out.trim().split("\n").at(-1)!)).toEqual({ device: "null", backend: "ALSA", playing: true });
  }, SLOW);

  test("a sound played from TypeScript plays for its length in game time, not at once", async () => {
    writeSineWav(join(dir, "sounds/two.wav"), { seconds: 2 });
    const lines: string[] = [];
    const { app, audio, frame, until } = audioApp(dir, "null", (l) => void lines.push(l));
    try {
      expect([audio.device, audio.backend]).toEqual(["null", "ALSA"]);
      expect(audio.sounds.load("sounds/two.wav")).toBe("sounds/two.wav");
      expect(audio.sounds.isPlaying("sounds/two.wav")).toBe(false);
      let play = true;
      app.addSystems(Update, () => {
        if (play) audio.sounds.play("sounds/two.wav");
        play = false;
      });
      await frame();
      expect(audio.sounds.isPlaying("sounds/two.wav")).toBe(true);
      // One second of frames later it still plays: the silent device takes samples at the game's
      // pace (a device that took them as fast as they came would have finished it at once).
      for (let i = 0; i < 1000 / FRAME_MS; i++) await frame();
      expect(audio.sounds.isPlaying("sounds/two.wav")).toBe(true);
      // And it ends: within a few seconds of game time more.
      await until(() => !audio.sounds.isPlaying("sounds/two.wav"), "the end of the sound", 300);
      expect(lines).toEqual([]); // asked for the silent device: nothing to say
    } finally {
      app.shutdown();
    }
  });

  test("music streams advance with frames (the plugin feeds them), loop or stop at their end, and pause", async () => {
    writeSineWav(join(dir, "music/short.wav"), { seconds: 0.5 });
    writeSineWav(join(dir, "music/long.wav"), { seconds: 3 });
    const { app, audio, frame, until } = audioApp(dir, "null");
    try {
      audio.music.load("music/short.wav");
      audio.music.load("music/long.wav");
      expect(audio.music.timeLength("music/long.wav")).toBeCloseTo(3, 2);
      audio.music.play("music/long.wav", { volume: 0.5 });
      audio.music.play("music/short.wav", { loop: false });
      await frame();
      expect(audio.music.isPlaying("music/long.wav")).toBe(true);
      const start = audio.music.timePlayed("music/long.wav");
      // A second on: well past what raylib buffers ahead, so it was fed frame after frame (unfed,
      // a stream plays what it holds and stops).
      await until(() => audio.music.timePlayed("music/long.wav") > start + 1, "a second of the long stream");
      // The short one did not loop: it stopped at its end and stays stopped.
      expect(audio.music.isPlaying("music/short.wav")).toBe(false);
      audio.music.pause("music/long.wav");
      await frame();
      expect(audio.music.isPlaying("music/long.wav")).toBe(false);
      const paused = audio.music.timePlayed("music/long.wav");
      for (let i = 0; i < 20; i++) await frame();
      expect(audio.music.timePlayed("music/long.wav")).toBe(paused);
      audio.music.resume("music/long.wav");
      await until(() => audio.music.timePlayed("music/long.wav") > paused, "the resumed stream advancing");
      // Past its end it loops (raylib's default): it plays on.
      await until(() => audio.music.timePlayed("music/long.wav") < paused, "the loop back to the start");
      expect(audio.music.isPlaying("music/long.wav")).toBe(true);
    } finally {
      app.shutdown();
    }
  });

  test("a paused timeline holds the music (nothing feeds it while paused) and lets it go on when resumed, where it was", async () => {
    writeSineWav(join(dir, "music/held.wav"), { seconds: 3 });
    const { app, audio, frame, until } = audioApp(dir, "null");
    // As a game may: asked to play every frame (a stream that plays goes on; one that does not starts over).
    app.addSystems(Update, () => audio.music.play("music/held.wav"));
    app.addPlugins(TimelinePlugin({ report: () => {} }));
    const timeline = app.resource(Timeline);
    const step = async () => {
      app.runFrame();
      await Bun.sleep(2);
    };
    try {
      audio.music.load("music/held.wav");
      await until(() => audio.music.timePlayed("music/held.wav") > 0.5, "the stream playing");
      timeline.pause();
      await step();
      const held = audio.music.timePlayed("music/held.wav");
      for (let i = 0; i < 20; i++) await step();
      expect(audio.music.timePlayed("music/held.wav")).toBe(held);
      // Saved while paused: opened again, still held, and it goes on after.
      audio.music.reloadFile(join(dir, "music/held.wav"));
      await step();
      expect(audio.music.isPlaying("music/held.wav")).toBe(true); // held counts as playing
      timeline.resume();
      await frame();
      // Went on from where it was held, not from its start.
      expect(audio.music.timePlayed("music/held.wav")).toBeGreaterThanOrEqual(held - 0.05);
      await until(() => audio.music.timePlayed("music/held.wav") > held + 0.2, "the stream going on");
    } finally {
      app.shutdown();
    }
  });

  test("a saved file is loaded again in place; one that cannot be loaded is one problem and the old data stays", async () => {
    const file = join(dir, "sounds/swap.wav");
    writeSineWav(file, { seconds: 0.5 });
    const song = join(dir, "music/swap.wav");
    writeSineWav(song, { seconds: 1 });
    const { app, audio, frame, until } = audioApp(dir, "null");
    try {
      audio.sounds.load("sounds/swap.wav", { name: "swap" });
      audio.music.load("music/swap.wav");
      expect(audio.music.timeLength("music/swap.wav")).toBeCloseTo(1, 2);
      // Broken: the old ones stay, and still play.
      writeFileSync(file, "not a wav at all");
      writeFileSync(song, "not a wav either");
      expect(audio.reloadFile(file)).toEqual([{ kind: "sound", name: "swap", problem: expect.stringMatching(/^cannot load sound "swap": raylib could not load it from .*swap\.wav/) }]);
      expect(audio.reloadFile(song)).toEqual([{ kind: "music", name: "music/swap.wav", problem: expect.stringMatching(/^cannot load music "music\/swap\.wav": raylib could not load it from /) }]);
      expect(audio.music.timeLength("music/swap.wav")).toBeCloseTo(1, 2);
      audio.sounds.play("swap");
      await frame();
      expect(audio.sounds.isPlaying("swap")).toBe(true);
      await until(() => !audio.sounds.isPlaying("swap"), "the end of the old 0.5 s sound", 200);
      // Fixed, and longer: the same names play the new data.
      writeSineWav(file, { seconds: 3 });
      writeSineWav(song, { seconds: 4 });
      expect(audio.reloadFile(file)).toEqual([{ kind: "sound", name: "swap" }]);
      expect(audio.reloadFile(song)).toEqual([{ kind: "music", name: "music/swap.wav" }]);
      expect(audio.music.timeLength("music/swap.wav")).toBeCloseTo(4, 2);
      audio.sounds.play("swap");
      for (let i = 0; i < 1000 / FRAME_MS; i++) await frame();
      expect(audio.sounds.isPlaying("swap")).toBe(true); // 1 s in: the old one would be over
      expect(audio.reloadFile(join(dir, "sounds/other.wav"))).toEqual([]); // no sound was read from it
    } finally {
      app.shutdown();
    }
  });

  test("a music file saved over while it streams (the asset watcher of hotloop dev --features reload): reloaded at a frame boundary, a broken save is one line, the game never stalls", async () => {
    const assets = join(dir, "watched");
    mkdirSync(join(assets, "music"), { recursive: true });
    writeSineWav(join(assets, "music/watched.wav"), { seconds: 1 });
    // In a process of its own: a stream that froze (raylib decoding a file rewritten under it) hangs
    // it, and a hang is seen here as the child not ending, not as this whole run stopping.
    const child = Bun.spawn(["bun", resolve(import.meta.dir, "../support/music-save-child.ts"), assets], { stdout: "pipe", stderr: "pipe" });
    const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    clearTimeout(killer);
    const lines = out.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect({ code, ended: lines.at(-1), err: err.split("\n").filter((l) => l.startsWith("hotloop:")) }).toEqual({ code: 0, ended: { done: true }, err: [] });
    expect(lines[0]).toEqual({ type: "info", message: expect.stringMatching(/^reloaded music "music\/watched\.wav" from music\/watched\.wav \([\d.]+ ms after the save was seen\)$/) });
    expect(lines[1]).toMatchObject({ playing: true });
    expect(lines[1]!.length).toBeCloseTo(5, 2);
    expect(lines[2]).toMatchObject({ type: "warning", file: "music/watched.wav", message: expect.stringMatching(/^music "music\/watched\.wav" could not be loaded again \(.*\); the old music stays$/) });
    expect(lines[3]).toMatchObject({ playing: true }); // the old stream plays on: its bytes are in memory
    expect(lines[3]!.length).toBeCloseTo(5, 2);
  }, SLOW);

  test("a paused stream saved over stays paused at its time, and resumes; a bad master volume is refused before the device opens", async () => {
    const song = join(dir, "music/paused.wav");
    writeSineWav(song, { seconds: 3 });
    const { app, audio, frame } = audioApp(dir, "null");
    try {
      audio.music.load("music/paused.wav");
      audio.music.play("music/paused.wav");
      for (let i = 0; i < 40; i++) await frame();
      audio.music.pause("music/paused.wav");
      await frame();
      const at = audio.music.timePlayed("music/paused.wav");
      expect(at).toBeGreaterThan(0.3);
      writeSineWav(song, { seconds: 4 });
      expect(audio.reloadFile(song)).toEqual([{ kind: "music", name: "music/paused.wav" }]);
      for (let i = 0; i < 10; i++) await frame();
      expect(audio.music.isPlaying("music/paused.wav")).toBe(false);
      expect(audio.music.timePlayed("music/paused.wav")).toBeCloseTo(at, 1);
      audio.music.resume("music/paused.wav");
      for (let i = 0; i < 20; i++) await frame();
      expect(audio.music.isPlaying("music/paused.wav")).toBe(true);
      expect(audio.music.timePlayed("music/paused.wav")).toBeGreaterThan(at + 0.1);
    } finally {
      app.shutdown();
    }
    // A bad option: one line, and the device is not left open and owned by an App that never ran.
    const bad = new App({ clock: new ManualClock() });
    expect(() => bad.addPlugins(AudioPlugin({ device: "null", volume: 2 }))).toThrow("AudioPlugin: the master volume must be a number from 0 to 1, got 2");
    const lines: string[] = [];
    const next = audioApp(dir, "null", (l) => void lines.push(l));
    try {
      expect(next.audio.device).toBe("null");
      expect(lines).toEqual([]);
    } finally {
      next.app.shutdown();
    }
  });

  test("a hot Rust system plays a sound and keeps music going by name, through the same list", async () => {
    writeSineWav(join(dir, "sounds/beep.wav"), { seconds: 2 });
    writeSineWav(join(dir, "music/theme.wav"), { seconds: 3 });
    const fixture = new Fixture("test/fixtures/audio-fixture");
    const Quiet = defineResource("Quiet", { on: "u32" });
    const { app, audio, frame, until } = audioApp(dir, "null");
    const events: HotEvent[] = [];
    try {
      await fixture.build();
      const quiet = app.insertResource(new Quiet());
      audio.sounds.load("sounds/beep.wav");
      audio.music.load("music/theme.wav");
      app.addPlugins(HotPlugin({ library: fixture.library, reload: false, reporter: (e) => void events.push(e) }));
      await app.resource(HotReloader).ready();
      expect(events.filter((e) => "reason" in e)).toEqual([]); // nothing refused or kept back
      await frame(); // the library's systems placed in Update and run: beep played, theme asked for
      await yieldToEventLoop();
      expect(audio.sounds.isPlaying("sounds/beep.wav")).toBe(true);
      expect(audio.music.isPlaying("music/theme.wav")).toBe(true);
      const start = audio.music.timePlayed("music/theme.wav");
      await until(() => audio.music.timePlayed("music/theme.wav") > start + 0.5, "the theme advancing");
      // Asked every frame, it was started once: it plays on rather than restarting.
      expect(audio.music.isPlaying("music/theme.wav")).toBe(true);
      // One list, one order: Rust's hush (Update, after theme) stops it, then a TypeScript system in
      // PostUpdate plays it again: the frame's last request wins, whichever language made it.
      let replay = true;
      app.addSystems(PostUpdate, () => {
        if (replay) audio.music.play("music/theme.wav");
      });
      quiet.on = 1;
      await frame();
      expect(audio.music.isPlaying("music/theme.wav")).toBe(true);
      replay = false;
      await frame();
      expect(audio.music.isPlaying("music/theme.wav")).toBe(false);
    } finally {
      app.shutdown();
      fixture.cleanup();
    }
  }, SLOW);

  test("HOTLOOP_AUDIO=off: a silent stand-in that registers names and never calls raylib's audio", async () => {
    writeSineWav(join(dir, "sounds/off.wav"), { seconds: 1 });
    const before = process.env.HOTLOOP_AUDIO;
    process.env.HOTLOOP_AUDIO = "off";
    const lines: string[] = [];
    try {
      const { app, audio, frame } = audioApp(dir, undefined, (l) => void lines.push(l));
      try {
        expect([audio.device, audio.backend, audio.rl]).toEqual(["off", undefined, undefined]);
        audio.sounds.load("sounds/off.wav");
        audio.sounds.play("sounds/off.wav", { volume: 0.3 });
        await frame();
        expect(audio.sounds.isPlaying("sounds/off.wav")).toBe(false);
        expect((await loadRaylib()).isAudioDeviceReady()).toBe(false);
        expect(audio.reloadFile(join(dir, "sounds/off.wav"))).toEqual([{ kind: "sound", name: "sounds/off.wav" }]);
        // A missing file is still one line, silent or not.
        expect(() => audio.sounds.load("sounds/none.wav")).toThrow(/^hotloop: cannot load sound "sounds\/none\.wav": no file at .*none\.wav$/);
        expect(() => audio.sounds.play("sounds/none.wav")).toThrow('hotloop: sound "sounds/none.wav" is not loaded (load it with app.resource(Audio).sounds.load("sounds/none.wav"))');
        expect(lines).toEqual([]);
      } finally {
        app.shutdown();
      }
    } finally {
      if (before === undefined) delete process.env.HOTLOOP_AUDIO;
      else process.env.HOTLOOP_AUDIO = before;
    }
  });

  test("headless: the RaylibPlugin's audio is the stand-in unless asked for the silent device, which works without a window", async () => {
    writeSineWav(join(dir, "sounds/headless.wav"), { seconds: 2 });
    for (const [audioOptions, device] of [[undefined, "off"], [{ device: "null" as const }, "null"]] as const) {
      const clock = new ManualClock();
      const app = new App({ clock });
      app.insertResource(new Assets(dir));
      app.addPlugins(RaylibPlugin({ width: 100, height: 100, title: "headless audio", headless: true, audio: audioOptions }));
      try {
        const audio = app.resource(Audio);
        expect(audio.device).toBe(device);
        audio.sounds.load("sounds/headless.wav");
        audio.sounds.play("sounds/headless.wav");
        clock.advance(FRAME_MS);
        app.update();
        expect(audio.sounds.isPlaying("sounds/headless.wav")).toBe(device === "null");
      } finally {
        app.shutdown();
      }
    }
  });
});
