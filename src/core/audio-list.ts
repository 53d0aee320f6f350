/**
 * The audio list (docs/abi.md, "The audio list"): sounds and music to start and stop, appended
 * during a frame and carried out by the AudioPlugin after the frame's schedules, in order.
 *
 * Why a list, as for drawing: a hot Rust system cannot hold raylib's `Sound` structs (they live in
 * the host, and are replaced when their file is saved), so it names a sound by the hash of its
 * name and appends a fixed-size record to one host-owned list (the SDK's `Audio` parameter);
 * TypeScript appends to the same list, so both sides' plays happen in the order their systems ran.
 * The name tables (sounds, music) hold the hashes of the names the AudioPlugin loaded, at the
 * indexes records carry.
 *
 *     const audio = audioListOf(app);
 *     app.addSystems(Update, () => {
 *       if (coinPicked) audio.playSound("sounds/coin.wav", { volume: 0.8 });
 *     });
 *
 * @module
 */
import { ptr, type Pointer } from "bun:ffi";
import { fnv1a64 } from "../ecs/layout.ts";
import { nativeBuffer } from "../ecs/native-buffer.ts";
import { structLayout } from "../ecs/struct-layout.ts";
import type { App } from "./app.ts";
import { HOTLOOP_OWN } from "./resources.ts";

/** The list's header as Rust reads it (`AudioListData`, 40 bytes). */
export const AUDIO_LIST_LAYOUT = structLayout("AudioListData", {
  records: "u64",
  capacity: "u32",
  len: "u32",
  sounds: "u64",
  music: "u64",
  sound_count: "u32",
  music_count: "u32",
});

/** One record as Rust and the AudioPlugin read it (`AudioRecord`, 24 bytes). */
export const AUDIO_RECORD_LAYOUT = structLayout("AudioRecord", {
  kind: "u32",
  index: "u32",
  volume: "f32",
  pitch: "f32",
  pan: "f32",
  flags: "u32",
});

/** A record's `kind` (the SDK's `audio::kind`). */
export const AudioKind = {
  /** Start a sound (again from its start, if it plays). */
  PlaySound: 1,
  /** Stop a sound. */
  StopSound: 2,
  /** Start a music stream, unless it plays already. */
  PlayMusic: 3,
  /** Stop a music stream (and rewind it). */
  StopMusic: 4,
  /** Pause a playing music stream. */
  PauseMusic: 5,
  /** Resume a paused music stream. */
  ResumeMusic: 6,
} as const;

/** Bits of a record's `flags`. */
export const AudioFlag = {
  /** PlayMusic: start again from the beginning when it ends. */
  Loop: 1,
} as const;

/** How a sound or a music stream plays: each multiplies the name's own setting (1 by default). */
export interface PlayOptions {
  /** Loudness, 0 (silent) to 1 (as recorded) and above. Default 1. */
  readonly volume?: number;
  /** Speed and pitch together: 1 as recorded, 2 an octave up and twice as fast. Default 1. */
  readonly pitch?: number;
  /** raylib's pan: 0.5 centred (the default), from 0 to 1 across the stereo field. */
  readonly pan?: number;
}

/** How a music stream plays. */
export interface MusicPlayOptions extends PlayOptions {
  /** Start again from the beginning when it ends. Default true (raylib's). */
  readonly loop?: boolean;
}

/** Capacities of an {@link AudioList}. */
export interface AudioListOptions {
  /** Records a frame may hold (24 bytes each). Default 4096. */
  readonly records?: number;
  /** Sound names that can be registered. Default 1024. */
  readonly sounds?: number;
  /** Music names that can be registered. Default 256. */
  readonly music?: number;
}

/** The capacities an {@link AudioList} gets when {@link AudioListOptions} leaves one out. */
export const AUDIO_LIST_DEFAULTS = {
  /** Requests a frame may hold: 4096. */
  records: 4096,
  /** Sounds that can be registered: 1024. */
  sounds: 1024,
  /** Music streams that can be registered: 256. */
  music: 256,
} as const;

/** One record read back ({@link AudioList.record}). */
export interface AudioRecordValue {
  /** One of {@link AudioKind}. */
  readonly kind: number;
  /** The sound's or the stream's index in its name table. */
  readonly index: number;
  /** Loudness for this play (multiplies the name's own). */
  readonly volume: number;
  /** Pitch for this play (multiplies the name's own). */
  readonly pitch: number;
  /** Pan for this play: 0 left, 0.5 centre, 1 right. */
  readonly pan: number;
  /** Bits of {@link AudioFlag}. */
  readonly flags: number;
}

const RECORD_WORDS = AUDIO_RECORD_LAYOUT.size / 4;
/** u32 indexes of the header fields TypeScript updates. */
const LEN = AUDIO_LIST_LAYOUT.byName.len!.offset / 4;
const SOUND_COUNT = AUDIO_LIST_LAYOUT.byName.sound_count!.offset / 4;
const MUSIC_COUNT = AUDIO_LIST_LAYOUT.byName.music_count!.offset / 4;
/** Where the sound table starts in the list's block: after the header, 8-aligned. */
const TABLE_OFFSET = Math.ceil(AUDIO_LIST_LAYOUT.size / 8) * 8;

/** Checks a capacity option: an integer in 1..max, or a one-line error naming it. */
function capacity(name: keyof AudioListOptions, value: number | undefined, max: number): number {
  const n = value ?? AUDIO_LIST_DEFAULTS[name];
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`AudioList: ${name} must be an integer from 1 to ${max}, got ${n}`);
  return n;
}

/** A volume, pitch or pan from options: a finite number, or a one-line error naming it. */
function setting(what: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new Error(`hotloop: ${what} must be a number from 0 up, got ${value}`);
  return value;
}

/** One name table (sounds or music): names at indexes, their hashes in native memory. */
class NameTable {
  readonly #indexes = new Map<string, number>();
  readonly #names: string[] = [];
  constructor(
    readonly kind: "sound" | "music",
    readonly hashes: BigUint64Array,
    readonly words: Uint32Array,
    readonly countWord: number,
  ) {}

  register(name: string): number {
    const known = this.#indexes.get(name);
    if (known !== undefined) return known;
    const index = this.#names.length;
    if (index >= this.hashes.length) {
      const option = this.kind === "sound" ? "sounds" : "music";
      throw new Error(`hotloop: the audio list's ${this.kind} table is full (${this.hashes.length} names): raise it with audioListOf(app, { ${option}: ... }) before anything loads`);
    }
    this.hashes[index] = BigInt(`0x${fnv1a64(name)}`);
    this.#indexes.set(name, index);
    this.#names.push(name);
    this.words[this.countWord] = index + 1;
    return index;
  }

  index(name: string): number | undefined {
    return this.#indexes.get(name);
  }

  name(index: number): string | undefined {
    return this.#names[index];
  }

  /** The index of `name`, or a one-line error saying how to load it. */
  require(name: string): number {
    const index = this.#indexes.get(name);
    if (index !== undefined) return index;
    const how = this.kind === "sound" ? `app.resource(Audio).sounds.load(${JSON.stringify(name)})` : `app.resource(Audio).music.load(${JSON.stringify(name)})`;
    throw new Error(`hotloop: ${this.kind} ${JSON.stringify(name)} is not loaded (load it with ${how})`);
  }
}

/**
 * One app's audio list, in native memory that stays put for the list's life: the header, the two
 * name tables and the records in one block. Get the app's with {@link audioListOf}; the
 * AudioPlugin carries the records out after the frame's schedules, and the end of the frame
 * empties it (with no AudioPlugin, records are dropped there).
 *
 * Every method appends one record; a full list throws one line saying how to raise it.
 */
export class AudioList {
  /** The header (`AudioListData`), what a hot system's `Audio` parameter reads. */
  readonly pointer: Pointer;
  /** Records a frame may hold. */
  readonly capacity: number;
  /** Sound names that can be registered. */
  readonly soundCapacity: number;
  /** Music names that can be registered. */
  readonly musicCapacity: number;
  readonly #u32: Uint32Array;
  readonly #f32: Float32Array;
  readonly #sounds: NameTable;
  readonly #music: NameTable;
  /** Where the records start, in u32 words from the block's start. */
  readonly #recordsWord: number;

  constructor(options: AudioListOptions = {}) {
    this.capacity = capacity("records", options.records, 1 << 24);
    this.soundCapacity = capacity("sounds", options.sounds, 1 << 20);
    this.musicCapacity = capacity("music", options.music, 1 << 20);
    const musicStart = TABLE_OFFSET + this.soundCapacity * 8;
    const recordsStart = musicStart + this.musicCapacity * 8;
    const block = nativeBuffer(recordsStart + this.capacity * AUDIO_RECORD_LAYOUT.size);
    this.#u32 = new Uint32Array(block);
    this.#f32 = new Float32Array(block);
    this.#sounds = new NameTable("sound", new BigUint64Array(block, TABLE_OFFSET, this.soundCapacity), this.#u32, SOUND_COUNT);
    this.#music = new NameTable("music", new BigUint64Array(block, musicStart, this.musicCapacity), this.#u32, MUSIC_COUNT);
    this.#recordsWord = recordsStart / 4;
    this.pointer = ptr(new Uint8Array(block));
    const header = new DataView(block, 0, AUDIO_LIST_LAYOUT.size);
    const field = (name: string) => AUDIO_LIST_LAYOUT.byName[name]!.offset;
    header.setBigUint64(field("records"), BigInt(this.pointer + recordsStart), true);
    header.setUint32(field("capacity"), this.capacity, true);
    header.setBigUint64(field("sounds"), BigInt(this.pointer + TABLE_OFFSET), true);
    header.setBigUint64(field("music"), BigInt(this.pointer + musicStart), true);
  }

  /** Records written this frame (by TypeScript and Rust alike). */
  get len(): number {
    return this.#u32[LEN]!;
  }

  /** Sound names registered so far. */
  get soundCount(): number {
    return this.#u32[SOUND_COUNT]!;
  }

  /** Music names registered so far. */
  get musicCount(): number {
    return this.#u32[MUSIC_COUNT]!;
  }

  /** Empties the list; registered names stay. The AudioPlugin does this after carrying it out. */
  clear(): void {
    this.#u32[LEN] = 0;
  }

  /**
   * Drops the records written after the list had `len` of them (a {@link len} read earlier this
   * frame): a determinism check that runs a fixed step twice keeps one run's sounds. A length
   * beyond the current one changes nothing.
   */
  truncate(len: number): void {
    if (len >= 0 && len < this.#u32[LEN]!) this.#u32[LEN] = len;
  }

  /** Starts sound `name` from its beginning (again, if it is playing: a sound is one voice). */
  playSound(name: string, options: PlayOptions = {}): void {
    this.#push(AudioKind.PlaySound, this.#sounds.require(name), options, 0);
  }

  /** Stops sound `name`. */
  stopSound(name: string): void {
    this.#push(AudioKind.StopSound, this.#sounds.require(name), {}, 0);
  }

  /**
   * Plays music stream `name`: from its beginning when it is not playing (a paused one too; see
   * {@link resumeMusic}), else only its volume, pitch, pan and looping change, so a system may ask
   * every frame.
   */
  playMusic(name: string, options: MusicPlayOptions = {}): void {
    this.#push(AudioKind.PlayMusic, this.#music.require(name), options, options.loop === false ? 0 : AudioFlag.Loop);
  }

  /** Stops music stream `name` and rewinds it. */
  stopMusic(name: string): void {
    this.#push(AudioKind.StopMusic, this.#music.require(name), {}, 0);
  }

  /** Pauses music stream `name` where it is. */
  pauseMusic(name: string): void {
    this.#push(AudioKind.PauseMusic, this.#music.require(name), {}, 0);
  }

  /** Resumes a paused music stream where it was paused. */
  resumeMusic(name: string): void {
    this.#push(AudioKind.ResumeMusic, this.#music.require(name), {}, 0);
  }

  /**
   * Puts sound `name` in the sound table (its 64-bit FNV-1a hash, which Rust's `Sound::named`
   * computes too) and returns its index; a name registered before keeps its index.
   */
  registerSound(name: string): number {
    return this.#sounds.register(name);
  }

  /** The same for music stream `name` (Rust's `Music::named`), in the music table. */
  registerMusic(name: string): number {
    return this.#music.register(name);
  }

  /** The index sound `name` was registered at, or undefined. */
  soundIndex(name: string): number | undefined {
    return this.#sounds.index(name);
  }

  /** The index music stream `name` was registered at, or undefined. */
  musicIndex(name: string): number | undefined {
    return this.#music.index(name);
  }

  /** The sound name registered at `index`, or undefined. */
  soundName(index: number): string | undefined {
    return this.#sounds.name(index);
  }

  /** The music name registered at `index`, or undefined. */
  musicName(index: number): string | undefined {
    return this.#music.name(index);
  }

  /** Record `i` of this frame, read back. */
  record(i: number): AudioRecordValue {
    if (!Number.isInteger(i) || i < 0 || i >= this.len) throw new RangeError(`AudioList: record ${i} is outside 0..${this.len - 1}`);
    const w = this.#recordsWord + i * RECORD_WORDS;
    const u = this.#u32;
    const f = this.#f32;
    return { kind: u[w]!, index: u[w + 1]!, volume: f[w + 2]!, pitch: f[w + 3]!, pan: f[w + 4]!, flags: u[w + 5]! };
  }

  #push(kind: number, index: number, options: PlayOptions, flags: number): void {
    const volume = setting("volume", options.volume, 1);
    const pitch = setting("pitch", options.pitch, 1);
    const pan = setting("pan", options.pan, 0.5);
    const u = this.#u32;
    const len = u[LEN]!;
    if (len >= this.capacity) {
      throw new Error(`hotloop: the audio list is full (${this.capacity} records): play less in one frame, or raise it with audioListOf(app, { records: ... }) before anything plays`);
    }
    u[LEN] = len + 1;
    const w = this.#recordsWord + len * RECORD_WORDS;
    const f = this.#f32;
    u[w] = kind;
    u[w + 1] = index;
    f[w + 2] = volume;
    f[w + 3] = pitch;
    f[w + 4] = pan;
    u[w + 5] = flags;
  }
}

/** Apps whose frame end already empties their audio list. */
const clearing = new WeakSet<App>();

/**
 * The app's {@link AudioList}, made with `options` and inserted as a resource on first use; the
 * first call also makes the end of every frame (after Last) empty it. Options given later must
 * match the list's capacities: its memory cannot move once hot systems hold its address.
 */
export function audioListOf(app: App, options?: AudioListOptions): AudioList {
  let list = app.getResource(AudioList);
  if (list === undefined) {
    list = app.insertResource(new AudioList(options), HOTLOOP_OWN);
  } else if (options !== undefined) {
    const has = { records: list.capacity, sounds: list.soundCapacity, music: list.musicCapacity };
    const differs = (Object.keys(has) as (keyof typeof has)[]).filter((k) => options[k] !== undefined && options[k] !== has[k]);
    if (differs.length > 0) {
      const now = differs.map((k) => `${k}: ${has[k]}`).join(", ");
      throw new Error(`audioListOf: the app's audio list already exists with ${now}: pass the options at the first audioListOf(app, ...), before anything loads or plays`);
    }
  }
  if (!clearing.has(app)) {
    clearing.add(app);
    app.onFrameEnd((a) => a.getResource(AudioList)?.clear(), { always: true });
  }
  return list;
}
