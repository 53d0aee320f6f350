/**
 * Sound and music: the AudioPlugin opens raylib's audio device (it needs no window, so it works
 * headless too), loads sounds and music streams by asset name, and carries out the app's audio
 * list after each frame's schedules: what TypeScript and hot Rust systems (`Audio`, the SDK's
 * parameter) asked to play, stop, pause or resume, in the order they asked. It also keeps every
 * playing music stream fed (raylib's UpdateMusicStream), so the game never has to.
 *
 *     app.addPlugins(AudioPlugin());              // RaylibPlugin adds one unless `audio: false`
 *     const audio = app.resource(Audio);
 *     audio.sounds.load("sounds/coin.wav");       // assets/sounds/coin.wav, named by its path
 *     audio.music.load("music/theme.ogg");
 *     app.addSystems(Startup, () => audio.music.play("music/theme.ogg", { volume: 0.6 }));
 *     app.addSystems(Update, () => { if (picked) audio.sounds.play("sounds/coin.wav"); });
 *
 * The device, by `device` (or HOTLOOP_AUDIO):
 *  - "default": the system's sound device. Where none can be opened (CI, a server, a container
 *    without a sound card) that is one line, `hotloop: no audio device (...): sounds play on a
 *    silent device`, and the silent one below is opened instead;
 *  - "null": the silent device: ALSA's null device, paced by the game's frames (see
 *    src/render/alsa-null.conf), so sounds really play for their length, `isPlaying` says so and
 *    music streams advance; nothing is heard. Where even that cannot be opened: one line and "off";
 *  - "off": no device, and raylib's audio is never called: names are registered (Rust's
 *    `Sound::named` finds them), plays do nothing, `isPlaying` is false.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { assetPath, audioListOf, AudioFlag, AudioKind, isHeadless, Last, oncePlugin, type App, type AudioList, type AudioListOptions, type AudioRecordValue, type MusicPlayOptions, type Plugin, type PlayOptions } from "../core/index.ts";
import { HOTLOOP_OWN } from "../core/resources.ts";
import { nativeBuffer } from "../ecs/native-buffer.ts";
import { RaylibSetupError } from "./build-raylib.ts";
import { loadRaylibSync, LogLevel, type Music, type Raylib, type Sound } from "./raylib.ts";

/** Which device the AudioPlugin opens (see the module comment). */
export type AudioDevice = "default" | "null" | "off";

/** The ALSA configuration of the silent device (ALSA's null device, paced through a pipe). */
export const NULL_AUDIO_CONFIG = join(import.meta.dir, "alsa-null.conf");

/** Options of {@link AudioPlugin}. */
export interface AudioPluginOptions {
  /**
   * The device (see the module comment). Default: HOTLOOP_AUDIO (`default`, `null` or `off`), else
   * "off" for a headless app (the core `Headless` resource: `hotloop dev --headless`, no display),
   * else "default".
   */
  readonly device?: AudioDevice;
  /** raylib's master volume, 0 to 1. Default 1. */
  readonly volume?: number;
  /** Capacities of the app's audio list, when this plugin makes it. */
  readonly list?: AudioListOptions;
  /** Where the plugin's one line goes (a missing device). Default: stderr. */
  readonly say?: (line: string) => void;
}

/** Options of {@link Sounds.load} and {@link MusicStreams.load}. */
export interface LoadOptions {
  /** The name to play it by. Default: the file's asset name (`"sounds/coin.wav"`). */
  readonly name?: string;
  /** Its own volume (1 as recorded), which each play's multiplies. Default: 1, or what it had. */
  readonly volume?: number;
  /** Its own pitch (1 as recorded), which each play's multiplies. Default: 1, or what it had. */
  readonly pitch?: number;
}

/** What reloading a saved file did to one name: nothing to say, or why the old data stays. */
export interface AudioReload {
  /** Which registry loaded it again. */
  readonly kind: "sound" | "music";
  /** The name it is played by. */
  readonly name: string;
  /** Why it could not be loaded again (the old one stays); absent when it was. */
  readonly problem?: string;
}

/** A loaded sound: its file, raylib's struct (undefined when silent), its own volume and pitch. */
interface SoundEntry {
  readonly name: string;
  file: string;
  sound: Sound | undefined;
  volume: number;
  pitch: number;
}

/** A loaded music stream, and whether the plugin feeds it (it was played and has not ended). */
interface MusicEntry {
  readonly name: string;
  file: string;
  music: Music | undefined;
  volume: number;
  pitch: number;
  active: boolean;
  paused: boolean;
}

/** The bytes each music stream decodes from, kept alive while its Music object is (raylib does not copy them). */
const streamBytes = new WeakMap<Music, Uint8Array>();

/** The one-line error for a file that is missing or that raylib cannot read. */
function loadError(kind: "sound" | "music", name: string, file: string, exists: boolean): Error {
  const why = exists ? `raylib could not load it from ${file} (set HOTLOOP_RAYLIB_LOG=info for raylib's log)` : `no file at ${file}`;
  return new Error(`hotloop: cannot load ${kind} ${JSON.stringify(name)}: ${why}`);
}

/**
 * Runs `load` with raylib's warnings held back when its threshold is hotloop's default (WARNING):
 * a file raylib cannot read is then hotloop's one line, not raylib's two more. Asked for raylib's
 * log (HOTLOOP_RAYLIB_LOG=info), the user sees it all.
 */
function quietly<T>(rl: Raylib, load: () => T): T {
  const level = rl.traceLogLevel();
  if (level !== LogLevel.WARNING) return load();
  rl.setTraceLogLevel(LogLevel.ERROR);
  try {
    return load();
  } finally {
    rl.setTraceLogLevel(level);
  }
}

/**
 * A record's volume or pitch as raylib may take it: Rust writes records unchecked (TypeScript's
 * list refuses NaN and negatives with one line), so NaN, infinities and negatives become 0.
 */
function gain(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/** A record's pan, 0 (left) to 1 (right); what is not a number is the centre. */
function pan(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0.5;
}

/** A master volume: a number from 0 to 1, or a one-line error from `who`. */
function checkMasterVolume(volume: number, who: string): void {
  if (!Number.isFinite(volume) || volume < 0 || volume > 1) throw new Error(`${who}: the master volume must be a number from 0 to 1, got ${volume}`);
}

/** A volume or pitch given to a setter: a number from 0 up, or a one-line error. */
function level(what: string, name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new Error(`hotloop: the ${what} of ${JSON.stringify(name)} must be a number from 0 up, got ${value}`);
  return value;
}

/**
 * The app's sounds, by name: loaded from asset files, played from TypeScript here or from Rust
 * (`audio.play(Sound::named("sounds/coin.wav"))`). A sound is one voice: playing it while it plays
 * starts it again (load the file under two names for two voices).
 */
export class Sounds {
  readonly #entries = new Map<string, SoundEntry>();

  /** @internal Made by the AudioPlugin. */
  constructor(
    /** The app whose asset folder names resolve in. */
    readonly app: App,
    /** The app's audio list, where plays and stops are asked. */
    readonly list: AudioList,
    /** raylib with an open device, or undefined: silent. */
    readonly rl: Raylib | undefined,
  ) {}

  /**
   * Loads the sound file `file` (an asset name: a path in the project's `assets/` folder, the same
   * in a released game; WAV, OGG, MP3 or QOA) under its name (`options.name`, default `file`)
   * and returns the name. Loading a name again from the same file keeps what is loaded (a
   * TypeScript reload runs the game's setup again); from another file, replaces it. Throws one
   * line when the file is missing or raylib cannot read it. Silent ("off"): only checks the file
   * exists and registers the name.
   */
  load(file: string, options: LoadOptions = {}): string {
    const name = options.name ?? file;
    const path = assetPath(this.app, file);
    const volume = options.volume === undefined ? undefined : level("volume", name, options.volume);
    const pitch = options.pitch === undefined ? undefined : level("pitch", name, options.pitch);
    let entry = this.#entries.get(name);
    if (entry?.file !== path) {
      if (!existsSync(path)) throw loadError("sound", name, path, false);
      const sound = this.rl ? this.#read(name, path) : undefined;
      this.list.registerSound(name);
      if (entry?.sound && this.rl) {
        this.rl.stopSound(entry.sound);
        this.rl.unloadSound(entry.sound);
      }
      entry = { name, file: path, sound, volume: entry?.volume ?? 1, pitch: entry?.pitch ?? 1 };
      this.#entries.set(name, entry);
    }
    if (volume !== undefined) this.setVolume(name, volume);
    if (pitch !== undefined) this.setPitch(name, pitch);
    return name;
  }

  /** Whether a sound of that name is loaded. */
  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** The loaded sounds' names. */
  names(): string[] {
    return [...this.#entries.keys()];
  }

  /** Plays sound `name` after this frame's schedules (in order with Rust's plays); `options` multiply its own volume and pitch. Throws one line for a name not loaded. */
  play(name: string, options?: PlayOptions): void {
    this.list.playSound(name, options);
  }

  /** Stops sound `name` after this frame's schedules. */
  stop(name: string): void {
    this.list.stopSound(name);
  }

  /** Whether sound `name` is playing now (false when silent, or not loaded). */
  isPlaying(name: string): boolean {
    const sound = this.#entries.get(name)?.sound;
    return sound !== undefined && this.rl !== undefined && this.rl.isSoundPlaying(sound);
  }

  /** Sets sound `name`'s own volume (1 as recorded), now and for its next plays. */
  setVolume(name: string, volume: number): void {
    const entry = this.#require(name);
    entry.volume = level("volume", name, volume);
    if (entry.sound && this.rl) this.rl.setSoundVolume(entry.sound, entry.volume);
  }

  /** Sets sound `name`'s own pitch (1 as recorded), now and for its next plays. */
  setPitch(name: string, pitch: number): void {
    const entry = this.#require(name);
    entry.pitch = level("pitch", name, pitch);
    if (entry.sound && this.rl) this.rl.setSoundPitch(entry.sound, entry.pitch);
  }

  /** Unloads sound `name`; plays of it are then ignored until it is loaded again. */
  unload(name: string): void {
    const entry = this.#entries.get(name);
    if (!entry) return;
    if (entry.sound && this.rl) this.rl.unloadSound(entry.sound);
    this.#entries.delete(name);
  }

  /**
   * Loads again every sound read from `file` (an absolute path; it was saved): each keeps its
   * name, so every use of it plays the new data; one that was playing starts again with it. One
   * that fails keeps its old data; each result says which name and why.
   */
  reloadFile(file: string): AudioReload[] {
    const results: AudioReload[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.file !== file) continue;
      if (!this.rl) {
        results.push({ kind: "sound", name: entry.name });
        continue;
      }
      try {
        const fresh = this.#read(entry.name, file);
        const wasPlaying = entry.sound !== undefined && this.rl.isSoundPlaying(entry.sound);
        if (entry.sound) {
          this.rl.stopSound(entry.sound);
          this.rl.unloadSound(entry.sound);
        }
        entry.sound = fresh;
        if (wasPlaying) {
          this.rl.setSoundVolume(fresh, entry.volume);
          this.rl.setSoundPitch(fresh, entry.pitch);
          this.rl.playSound(fresh);
        }
        results.push({ kind: "sound", name: entry.name });
      } catch (e) {
        results.push({ kind: "sound", name: entry.name, problem: (e as Error).message.replace(/^hotloop: /, "") });
      }
    }
    return results;
  }

  /** @internal Carries out one record of the audio list (the AudioPlugin, after the schedules). */
  apply(record: AudioRecordValue): void {
    const name = this.list.soundName(record.index);
    const entry = name === undefined ? undefined : this.#entries.get(name);
    const rl = this.rl;
    if (!entry?.sound || !rl) return; // silent, or unloaded since
    if (record.kind === AudioKind.PlaySound) {
      rl.setSoundVolume(entry.sound, entry.volume * gain(record.volume));
      rl.setSoundPitch(entry.sound, entry.pitch * gain(record.pitch));
      rl.setSoundPan(entry.sound, pan(record.pan));
      rl.playSound(entry.sound);
    } else if (record.kind === AudioKind.StopSound) {
      rl.stopSound(entry.sound);
    }
  }

  /** @internal Unloads everything (the device is closing). */
  unloadAll(): void {
    for (const name of [...this.#entries.keys()]) this.unload(name);
  }

  #read(name: string, path: string): Sound {
    const sound = quietly(this.rl!, () => this.rl!.loadSound(path));
    if (!this.rl!.isSoundValid(sound)) throw loadError("sound", name, path, existsSync(path));
    return sound;
  }

  #require(name: string): SoundEntry {
    const entry = this.#entries.get(name);
    if (!entry) throw new Error(`hotloop: sound ${JSON.stringify(name)} is not loaded (load it with app.resource(Audio).sounds.load(${JSON.stringify(name)}))`);
    return entry;
  }
}

/**
 * The app's music streams, by name: long sounds decoded as they play (OGG, MP3, WAV, QOA,
 * XM, MOD). The AudioPlugin feeds every playing stream once a frame.
 */
export class MusicStreams {
  readonly #entries = new Map<string, MusicEntry>();
  #held = false;

  /** @internal Made by the AudioPlugin. */
  constructor(
    /** The app whose asset folder names resolve in. */
    readonly app: App,
    /** The app's audio list, where plays and stops are asked. */
    readonly list: AudioList,
    /** raylib with an open device, or undefined: silent. */
    readonly rl: Raylib | undefined,
  ) {}

  /**
   * Opens the music file `file` (an asset name) as a stream named `options.name` (default `file`)
   * and returns the name; the same rules as {@link Sounds.load}.
   */
  load(file: string, options: LoadOptions = {}): string {
    const name = options.name ?? file;
    const path = assetPath(this.app, file);
    const volume = options.volume === undefined ? undefined : level("volume", name, options.volume);
    const pitch = options.pitch === undefined ? undefined : level("pitch", name, options.pitch);
    let entry = this.#entries.get(name);
    if (entry?.file !== path) {
      if (!existsSync(path)) throw loadError("music", name, path, false);
      const music = this.rl ? this.#read(name, path) : undefined;
      this.list.registerMusic(name);
      if (entry?.music && this.rl) {
        this.rl.stopMusicStream(entry.music);
        this.rl.unloadMusicStream(entry.music);
      }
      entry = { name, file: path, music, volume: entry?.volume ?? 1, pitch: entry?.pitch ?? 1, active: false, paused: false };
      this.#entries.set(name, entry);
    }
    if (volume !== undefined) this.setVolume(name, volume);
    if (pitch !== undefined) this.setPitch(name, pitch);
    return name;
  }

  /** Whether a music stream of that name is loaded. */
  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** The loaded streams' names. */
  names(): string[] {
    return [...this.#entries.keys()];
  }

  /**
   * Plays stream `name` after this frame's schedules: from its beginning when it is not playing,
   * else only its volume, pitch, pan and looping change (so a system may ask every frame).
   */
  play(name: string, options?: MusicPlayOptions): void {
    this.list.playMusic(name, options);
  }

  /** Stops stream `name` and rewinds it, after this frame's schedules. */
  stop(name: string): void {
    this.list.stopMusic(name);
  }

  /** Pauses stream `name` where it is, after this frame's schedules. */
  pause(name: string): void {
    this.list.pauseMusic(name);
  }

  /** Resumes a paused stream where it was, after this frame's schedules. */
  resume(name: string): void {
    this.list.resumeMusic(name);
  }

  /** Whether stream `name` is playing now (false when paused, silent, or not loaded). */
  isPlaying(name: string): boolean {
    const entry = this.#entries.get(name);
    return entry !== undefined && this.#playing(entry);
  }

  /** Whether a stream plays, a held one (a paused timeline) counted as playing: it goes on when the game does. */
  #playing(entry: MusicEntry): boolean {
    if (!entry.music || !this.rl) return false;
    return this.rl.isMusicStreamPlaying(entry.music) || (this.#held && entry.active && !entry.paused);
  }

  /** Seconds of stream `name` played since it started (0 when silent or not loaded). */
  timePlayed(name: string): number {
    const music = this.#entries.get(name)?.music;
    return music !== undefined && this.rl !== undefined ? this.rl.getMusicTimePlayed(music) : 0;
  }

  /** The length of stream `name` in seconds (0 when silent or not loaded). */
  timeLength(name: string): number {
    const music = this.#entries.get(name)?.music;
    return music !== undefined && this.rl !== undefined ? this.rl.getMusicTimeLength(music) : 0;
  }

  /** Sets stream `name`'s own volume (1 as recorded), now and for its next plays. */
  setVolume(name: string, volume: number): void {
    const entry = this.#require(name);
    entry.volume = level("volume", name, volume);
    if (entry.music && this.rl) this.rl.setMusicVolume(entry.music, entry.volume);
  }

  /** Sets stream `name`'s own pitch (1 as recorded), now and for its next plays. */
  setPitch(name: string, pitch: number): void {
    const entry = this.#require(name);
    entry.pitch = level("pitch", name, pitch);
    if (entry.music && this.rl) this.rl.setMusicPitch(entry.music, entry.pitch);
  }

  /** Closes stream `name`; plays of it are then ignored until it is loaded again. */
  unload(name: string): void {
    const entry = this.#entries.get(name);
    if (!entry) return;
    if (entry.music && this.rl) {
      this.rl.stopMusicStream(entry.music);
      this.rl.unloadMusicStream(entry.music);
    }
    this.#entries.delete(name);
  }

  /**
   * Opens again every stream read from `file` (an absolute path; it was saved): each keeps its
   * name; one that was playing goes on with the new file from the same time (its start, when the
   * new one is shorter). One that fails keeps its old stream; each result says which name and why.
   */
  reloadFile(file: string): AudioReload[] {
    const results: AudioReload[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.file !== file) continue;
      const rl = this.rl;
      if (!rl) {
        results.push({ kind: "music", name: entry.name });
        continue;
      }
      try {
        const fresh = this.#read(entry.name, file);
        fresh.looping = entry.music?.looping ?? true;
        const at = entry.music ? rl.getMusicTimePlayed(entry.music) : 0;
        // A paused stream reports not playing, yet is one: it goes on paused, at the same time.
        const playing = entry.music !== undefined && (this.#playing(entry) || (entry.active && entry.paused));
        if (entry.music) {
          rl.stopMusicStream(entry.music);
          rl.unloadMusicStream(entry.music);
        }
        entry.music = fresh;
        rl.setMusicVolume(fresh, entry.volume);
        rl.setMusicPitch(fresh, entry.pitch);
        if (playing) {
          rl.playMusicStream(fresh);
          if (at > 0 && at < rl.getMusicTimeLength(fresh)) rl.seekMusicStream(fresh, at);
          if (entry.paused || this.#held) rl.pauseMusicStream(fresh);
        } else {
          entry.active = false;
          entry.paused = false;
        }
        results.push({ kind: "music", name: entry.name });
      } catch (e) {
        results.push({ kind: "music", name: entry.name, problem: (e as Error).message.replace(/^hotloop: /, "") });
      }
    }
    return results;
  }

  /** @internal Carries out one record of the audio list (the AudioPlugin, after the schedules). */
  apply(record: AudioRecordValue): void {
    const name = this.list.musicName(record.index);
    const entry = name === undefined ? undefined : this.#entries.get(name);
    const rl = this.rl;
    const music = entry?.music;
    if (!entry || !music || !rl) return; // silent, or unloaded since
    switch (record.kind) {
      case AudioKind.PlayMusic: {
        music.looping = (record.flags & AudioFlag.Loop) !== 0;
        rl.setMusicVolume(music, entry.volume * gain(record.volume));
        rl.setMusicPitch(music, entry.pitch * gain(record.pitch));
        rl.setMusicPan(music, pan(record.pan));
        if (!this.#playing(entry)) {
          rl.stopMusicStream(music); // rewinds: a paused or ended stream starts over
          rl.playMusicStream(music);
        }
        entry.active = true;
        entry.paused = false;
        break;
      }
      case AudioKind.StopMusic:
        rl.stopMusicStream(music);
        entry.active = false;
        entry.paused = false;
        break;
      case AudioKind.PauseMusic:
        if (entry.active) {
          rl.pauseMusicStream(music);
          entry.paused = true;
        }
        break;
      case AudioKind.ResumeMusic:
        if (entry.active && entry.paused) {
          rl.resumeMusicStream(music);
          entry.paused = false;
        }
        break;
    }
  }

  /**
   * @internal Feeds every playing stream (UpdateMusicStream) and forgets the ones that ended (a
   * stream that does not loop stops at its end). The AudioPlugin calls it once a frame.
   */
  update(): void {
    const rl = this.rl;
    if (!rl || this.#held) return; // held (a paused timeline): raylib's pause is not an end

    for (const entry of this.#entries.values()) {
      if (!entry.active || entry.paused || !entry.music) continue;
      rl.updateMusicStream(entry.music);
      if (!rl.isMusicStreamPlaying(entry.music)) entry.active = false;
    }
  }

  /**
   * @internal Holds every playing stream (raylib's pause, the streams' own state untouched) or lets
   * them go on: while a timeline is paused nothing feeds them, and a stream not fed repeats its last
   * buffer. The AudioPlugin calls it at each frame's end.
   */
  hold(on: boolean): void {
    const rl = this.rl;
    if (!rl || on === this.#held) return;
    this.#held = on;
    for (const entry of this.#entries.values()) {
      if (!entry.active || entry.paused || !entry.music) continue;
      if (on) rl.pauseMusicStream(entry.music);
      else rl.resumeMusicStream(entry.music);
    }
  }

  /** @internal Closes everything (the device is closing). */
  unloadAll(): void {
    for (const name of [...this.#entries.keys()]) this.unload(name);
  }

  /**
   * Opens a stream over the file's bytes read into memory, not over the file: raylib decodes a
   * stream from its source as it plays, and a file saved over while it streams (the very edit that
   * reloads it) would be read half-written, or not at all: raylib's UpdateMusicStream then loops
   * forever on a source that gives no frames (seen: a WAV overwritten mid-stream froze the game).
   * The bytes live as long as the Music object that streams them ({@link streamBytes}).
   */
  #read(name: string, path: string): Music {
    let bytes: Uint8Array;
    try {
      const file = readFileSync(path);
      bytes = new Uint8Array(nativeBuffer(Math.max(1, file.length)), 0, file.length);
      bytes.set(file);
    } catch {
      throw loadError("music", name, path, existsSync(path));
    }
    const music = quietly(this.rl!, () => this.rl!.loadMusicStreamFromMemory(extname(path).toLowerCase(), bytes, bytes.length));
    if (!this.rl!.isMusicValid(music)) throw loadError("music", name, path, true);
    streamBytes.set(music, bytes);
    return music;
  }

  #require(name: string): MusicEntry {
    const entry = this.#entries.get(name);
    if (!entry) throw new Error(`hotloop: music ${JSON.stringify(name)} is not loaded (load it with app.resource(Audio).music.load(${JSON.stringify(name)}))`);
    return entry;
  }
}

/**
 * The app's audio, a resource the AudioPlugin inserts: its sounds and music streams, and the
 * device they play on.
 */
export class Audio {
  /** The app's sounds. */
  readonly sounds: Sounds;
  /** The app's music streams. */
  readonly music: MusicStreams;

  /** @internal Made by the AudioPlugin. */
  constructor(
    app: App,
    list: AudioList,
    /** raylib with the device open, or undefined: silent ("off"). */
    readonly rl: Raylib | undefined,
    /** The device in use: the system's, the silent one, or none ("off"). */
    readonly device: AudioDevice,
    /** miniaudio's backend for it ("ALSA", "PulseAudio", ...), undefined when "off". */
    readonly backend: string | undefined,
  ) {
    this.sounds = new Sounds(app, list, rl);
    this.music = new MusicStreams(app, list, rl);
  }

  /** raylib's master volume, 0 to 1 (1 when "off"). */
  get volume(): number {
    return this.rl ? this.rl.getMasterVolume() : 1;
  }

  /** Sets the master volume, 0 to 1; anything else is one line. */
  set volume(volume: number) {
    checkMasterVolume(volume, "hotloop");
    this.rl?.setMasterVolume(volume);
  }

  /**
   * Loads again every sound and music stream read from `file` (an absolute path in the asset
   * folder, just saved), in place: see {@link Sounds.reloadFile} and {@link MusicStreams.reloadFile}.
   * An empty result: no sound or music was read from it. A generic asset reloader calls this.
   */
  reloadFile(file: string): AudioReload[] {
    return [...this.sounds.reloadFile(file), ...this.music.reloadFile(file)];
  }
}

/** Which device HOTLOOP_AUDIO asks for, or undefined (unset or empty); a value it cannot be is one line and the default. */
function deviceFromEnv(say: (line: string) => void): AudioDevice | undefined {
  const value = process.env.HOTLOOP_AUDIO?.trim().toLowerCase();
  if (!value) return undefined;
  if (value === "default" || value === "null" || value === "off") return value;
  say(`hotloop: warning: HOTLOOP_AUDIO=${process.env.HOTLOOP_AUDIO} is not one of default, null, off: using the default device`);
  return undefined;
}

/** The process's open audio device: raylib has one. */
let deviceOwner: App | undefined;

/** Opens the device `wanted` asks for, falling back as the module comment says, saying one line when it falls back. */
function openDevice(wanted: AudioDevice, say: (line: string) => void): { rl: Raylib | undefined; device: AudioDevice; backend: string | undefined } {
  if (wanted === "off") return { rl: undefined, device: "off", backend: undefined };
  let rl: Raylib;
  try {
    rl = loadRaylibSync();
  } catch (e) {
    if (!(e instanceof RaylibSetupError)) throw e;
    say(`hotloop: no audio device (raylib cannot be loaded: ${e.message}): sounds are silent`);
    return { rl: undefined, device: "off", backend: undefined };
  }
  let why: string | undefined;
  if (wanted === "default") {
    const opened = rl.openAudioDevice();
    if (opened.ready) return { rl, device: "default", backend: opened.backend };
    why = opened.reason;
  }
  // The silent device is ALSA's: elsewhere the same configuration would open the real device.
  const silent = process.platform === "linux" ? rl.openAudioDevice(NULL_AUDIO_CONFIG, true) : { ready: false as const, reason: "it is ALSA's, and this is not Linux" };
  if (silent.ready) {
    if (why !== undefined) say(`hotloop: no audio device (${why}): sounds play on a silent device`);
    return { rl, device: "null", backend: silent.backend };
  }
  if (why === undefined) say(`hotloop: no silent audio device (${silent.reason}): sounds are silent`);
  else say(`hotloop: no audio device (${why}; nor a silent one: ${silent.reason}): sounds are silent`);
  return { rl: undefined, device: "off", backend: undefined };
}

/**
 * The audio plugin: opens the device (see the module comment), inserts the {@link Audio}
 * resource, carries out the app's audio list after Last's systems, feeds playing music streams,
 * and at shutdown unloads everything and closes the device. A `once` plugin: a TypeScript reload
 * keeps the device and what is loaded. Throws when the app has audio already (one added by the
 * RaylibPlugin); while another App of this process holds the device (raylib has one), says so in
 * one line and is silent.
 */
export function AudioPlugin(options: AudioPluginOptions = {}): Plugin {
  return oncePlugin(
    "AudioPlugin",
    function audioPlugin(app: App): void {
      const say = options.say ?? ((line: string) => console.error(line));
      const wanted = options.device ?? deviceFromEnv(say) ?? (isHeadless(app) ? "off" : "default");
      // Checked before the device opens: a throw after it would leave the device open and owned.
      if (options.volume !== undefined) checkMasterVolume(options.volume, "AudioPlugin");
      if (app.hasResource(Audio)) {
        throw new Error("AudioPlugin: this app has audio already (RaylibPlugin adds an AudioPlugin: give it `audio: { ... }` for these options, or `audio: false` and add your own)");
      }
      let { rl, device, backend } = { rl: undefined as Raylib | undefined, device: "off" as AudioDevice, backend: undefined as string | undefined };
      if (wanted !== "off" && deviceOwner !== undefined) {
        say("hotloop: the audio device is held by another App of this process (raylib has one; shut that one down first): this one's sounds are silent");
      } else {
        ({ rl, device, backend } = openDevice(wanted, say));
      }
      if (rl) deviceOwner = app;
      const list = audioListOf(app, options.list);
      const audio = app.insertResource(new Audio(app, list, rl, device, backend), HOTLOOP_OWN);
      if (options.volume !== undefined) audio.volume = options.volume;

      app.aroundSchedule(Last, undefined, (ctx) => {
        // A live frame after a paused timeline: the streams go on before this frame's records apply.
        audio.music.hold(false);
        for (let i = 0; i < list.len; i++) {
          const record = list.record(i);
          if (record.kind === AudioKind.PlaySound || record.kind === AudioKind.StopSound) audio.sounds.apply(record);
          else audio.music.apply(record); // a kind from a newer writer: ignored there
        }
        list.clear();
        if (device === "null") rl?.paceAudio(ctx.time.frameDelta);
        audio.music.update();
      });

      // A frame that only presents (a paused timeline) feeds no stream: hold them until the game goes on.
      app.onFrameEnd(() => void (app.presenting && audio.music.hold(true)), { always: true });

      app.onShutdown(() => {
        audio.sounds.unloadAll();
        audio.music.unloadAll();
        if (rl && deviceOwner === app) {
          rl.closeAudio();
          deviceOwner = undefined;
        }
      });
    },
    options,
  );
}
