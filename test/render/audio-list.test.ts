// The audio list without raylib: TypeScript writes records into native memory laid out as
// docs/abi.md ("The audio list") says, names register in two tables of FNV-1a hashes (the ones
// Rust's `Sound::named` / `Music::named` compute), a name not loaded and a full list are one line
// each, and the end of the frame empties the list when no AudioPlugin carried it out.
import { describe, expect, test } from "bun:test";
import { read } from "bun:ffi";
import { App, AUDIO_LIST_LAYOUT, AUDIO_RECORD_LAYOUT, AudioFlag, AudioKind, AudioList, audioListOf, ManualClock, Update } from "../../src/core/index.ts";

const offsets = (layout: typeof AUDIO_LIST_LAYOUT) => Object.fromEntries(layout.fields.map((f) => [f.name, f.offset]));

/** The header as Rust reads it, through the list's pointer. */
function header(list: AudioList) {
  const at = (name: string) => AUDIO_LIST_LAYOUT.byName[name]!.offset;
  const p = list.pointer;
  return {
    records: Number(read.u64(p, at("records"))),
    capacity: read.u32(p, at("capacity")),
    len: read.u32(p, at("len")),
    sounds: Number(read.u64(p, at("sounds"))),
    music: Number(read.u64(p, at("music"))),
    soundCount: read.u32(p, at("sound_count")),
    musicCount: read.u32(p, at("music_count")),
  };
}

describe("the audio list", () => {
  test("AudioListData and AudioRecord lie as docs/abi.md and the SDK's audio.rs say", () => {
    expect(offsets(AUDIO_LIST_LAYOUT)).toEqual({ records: 0, capacity: 8, len: 12, sounds: 16, music: 24, sound_count: 32, music_count: 36 });
    expect([AUDIO_LIST_LAYOUT.size, AUDIO_LIST_LAYOUT.align]).toEqual([40, 8]);
    expect(offsets(AUDIO_RECORD_LAYOUT)).toEqual({ kind: 0, index: 4, volume: 8, pitch: 12, pan: 16, flags: 20 });
    expect([AUDIO_RECORD_LAYOUT.size, AUDIO_RECORD_LAYOUT.align]).toEqual([24, 4]);
    expect(AudioKind).toEqual({ PlaySound: 1, StopSound: 2, PlayMusic: 3, StopMusic: 4, PauseMusic: 5, ResumeMusic: 6 });
  });

  test("names register in their own table as Rust hashes them; requests become records in order", () => {
    const list = new AudioList({ records: 16, sounds: 4, music: 2 });
    expect(list.registerSound("shot")).toBe(0);
    expect(list.registerSound("sounds/coin.wav")).toBe(1);
    expect(list.registerSound("shot")).toBe(0); // again: the same index
    expect(list.registerMusic("music/theme.ogg")).toBe(0);
    const h = header(list);
    expect([h.capacity, h.len, h.soundCount, h.musicCount]).toEqual([16, 0, 2, 1]);
    expect([h.sounds % 8, h.music % 8, h.records % 4]).toEqual([0, 0, 0]);
    // The SDK's hashes_are_the_hosts test holds the same number for "sounds/coin.wav".
    expect(read.u64(h.sounds as never, 8)).toBe(0xbbb7bd1d4fa63c8bn);

    list.playSound("sounds/coin.wav");
    list.playSound("shot", { volume: 0.25, pitch: 2, pan: 0 });
    list.stopSound("shot");
    list.playMusic("music/theme.ogg", { volume: 0.5 });
    list.playMusic("music/theme.ogg", { loop: false });
    list.pauseMusic("music/theme.ogg");
    list.resumeMusic("music/theme.ogg");
    list.stopMusic("music/theme.ogg");
    expect(header(list).len).toBe(8);
    const records = Array.from({ length: list.len }, (_, i) => list.record(i));
    const rec = (kind: number, index: number, volume = 1, pitch = 1, pan = 0.5, flags = 0) => ({ kind, index, volume, pitch, pan, flags });
    expect(records).toEqual([
      rec(AudioKind.PlaySound, 1),
      rec(AudioKind.PlaySound, 0, 0.25, 2, 0),
      rec(AudioKind.StopSound, 0),
      rec(AudioKind.PlayMusic, 0, 0.5, 1, 0.5, AudioFlag.Loop),
      rec(AudioKind.PlayMusic, 0),
      rec(AudioKind.PauseMusic, 0),
      rec(AudioKind.ResumeMusic, 0),
      rec(AudioKind.StopMusic, 0),
    ]);
  });

  test("a name not loaded, a bad volume, a full list and a full table are one line each, and write nothing", () => {
    const list = new AudioList({ records: 1, sounds: 1, music: 1 });
    list.registerSound("shot");
    expect(() => list.playSound("coin")).toThrow('hotloop: sound "coin" is not loaded (load it with app.resource(Audio).sounds.load("coin"))');
    expect(() => list.playMusic("shot")).toThrow('hotloop: music "shot" is not loaded (load it with app.resource(Audio).music.load("shot"))');
    expect(() => list.playSound("shot", { volume: -1 })).toThrow("hotloop: volume must be a number from 0 up, got -1");
    expect(() => list.playSound("shot", { pitch: Number.NaN })).toThrow("hotloop: pitch must be a number from 0 up, got NaN");
    expect(list.len).toBe(0);
    list.playSound("shot");
    expect(() => list.playSound("shot")).toThrow("hotloop: the audio list is full (1 records): play less in one frame, or raise it with audioListOf(app, { records: ... }) before anything plays");
    expect(() => list.registerSound("coin")).toThrow("hotloop: the audio list's sound table is full (1 names): raise it with audioListOf(app, { sounds: ... }) before anything loads");
    expect(list.len).toBe(1);
  });

  test("the app's list is made once; the end of each frame empties it (no AudioPlugin: requests are dropped)", () => {
    const clock = new ManualClock();
    const app = new App({ clock });
    const list = audioListOf(app, { records: 8 });
    expect(audioListOf(app)).toBe(list);
    expect(() => audioListOf(app, { records: 16 })).toThrow("audioListOf: the app's audio list already exists with records: 8");
    list.registerSound("shot");
    let seen = -1;
    app.addSystems(Update, () => {
      list.playSound("shot");
      seen = list.len;
    });
    app.update();
    app.update();
    expect(seen).toBe(1); // one record this frame, none left from the last
    expect(list.len).toBe(0);
    expect(list.soundIndex("shot")).toBe(0); // names stay
  });
});
