/**
 * `GlobalRng`: the game's random numbers, one generator and one stream for TypeScript and Rust.
 *
 * Why a resource: a game whose randomness comes from `Math.random()` cannot be replayed or checked
 * for determinism; one whose randomness is state in host memory can (a snapshot holds it, a replay
 * draws the same numbers). Rust systems draw from the same four words through `ResMut<GlobalRng>`
 * (the SDK's rng.rs), so a TypeScript system and a Rust system draw one stream, in the order they
 * run. The generator is xoshiro128** (Blackman and Vigna): 32-bit operations only, so both sides
 * compute it exactly alike (no BigInt in TypeScript); seeding runs splitmix32. Every value the two
 * sides return is the same bits: `systems-rs/hotloop-sdk/abi/rng.golden.json` holds a stream both
 * test suites check.
 *
 *     app.addSystems(Update, ({ resource }) => {
 *       const rng = resource(GlobalRng);
 *       if (rng.chance(0.1)) spawnCoinAt(rng.range(40, 760), rng.range(40, 410));
 *     });
 *
 * @module
 */
import { nativeBuffer } from "../ecs/native-buffer.ts";
import { NATIVE_BYTES } from "../ecs/resource.ts";
import { structLayout } from "../ecs/struct-layout.ts";

/** `GlobalRng` as hot systems read and write it (`ResMut<GlobalRng>`): xoshiro128**'s four words. */
export const GLOBAL_RNG_LAYOUT = structLayout("GlobalRng", { state: "u32[4]" });

/** The seed an App's {@link GlobalRng} starts from unless `AppOptions.seed` says otherwise: runs repeat. */
export const DEFAULT_SEED = 0x5eed_1007;

const TWO_NEG_24 = 2 ** -24;
const TWO_NEG_53 = 2 ** -53;

/** One step of splitmix32 over `state` (a u32): the next state and the value it gives. */
function splitmix32(state: number): [next: number, value: number] {
  const next = (state + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return [next, (z ^ (z >>> 16)) >>> 0];
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

/**
 * The game's random number generator, a resource every App has (seeded from `AppOptions.seed`).
 * Draw from it rather than from `Math.random()`: its state is the game's, so a replay draws the
 * same numbers and Rust systems share its stream.
 */
export class GlobalRng {
  /** Its C layout: a resource hot systems may read and write. */
  static readonly struct = GLOBAL_RNG_LAYOUT;
  /** Systems may write it (`ResMut<GlobalRng>`): drawing a number changes the state. */
  static readonly readOnly = false;
  readonly #s = new Uint32Array(nativeBuffer(GLOBAL_RNG_LAYOUT.size), 0, 4);

  /** A generator seeded with `seed` (an integer; its low 64 bits are used). */
  constructor(seed: number | bigint = DEFAULT_SEED) {
    this.reseed(seed);
  }

  /** The native bytes Rust reads and writes (the resource's native-bytes key). */
  get [NATIVE_BYTES](): ArrayBuffer {
    return this.#s.buffer as ArrayBuffer;
  }

  /** The four words of state, a copy (xoshiro128**'s s[0..4]). */
  get state(): [number, number, number, number] {
    return [this.#s[0]!, this.#s[1]!, this.#s[2]!, this.#s[3]!];
  }

  /**
   * Starts the stream again from `seed`: splitmix32 over its two 32-bit halves fills the four
   * words (never all zero, where xoshiro would stay). The same seed gives the same stream on both
   * sides (the SDK's `reseed(u64)`).
   */
  reseed(seed: number | bigint): void {
    const big = BigInt.asUintN(64, BigInt(seed));
    let state = Number(big & 0xffff_ffffn) ^ Math.imul(Number(big >> 32n), 0x9e3779b9);
    state >>>= 0;
    for (let i = 0; i < 4; i++) {
      const [next, value] = splitmix32(state);
      state = next;
      this.#s[i] = value;
    }
    if ((this.#s[0]! | this.#s[1]! | this.#s[2]! | this.#s[3]!) === 0) this.#s[0] = 1;
  }

  /** The next 32 random bits, 0 to 2^32 - 1 (xoshiro128**). */
  nextU32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2] = s[2]! ^ s[0]!;
    s[3] = s[3]! ^ s[1]!;
    s[1] = s[1]! ^ s[2]!;
    s[0] = s[0]! ^ s[3]!;
    s[2] = s[2]! ^ t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** A float in [0, 1) with 24 random bits: exactly an f32 (Rust's `next_f32` gives the same value). */
  nextF32(): number {
    return (this.nextU32() >>> 8) * TWO_NEG_24;
  }

  /** A float in [0, 1) with 53 random bits (two draws), exactly Rust's `next_f64`. */
  nextF64(): number {
    const a = this.nextU32() >>> 5;
    const b = this.nextU32() >>> 6;
    return (a * 67_108_864 + b) * TWO_NEG_53;
  }

  /**
   * An integer in 0..n-1, uniform (draws masked to the next power of two, those ≥ n drawn again).
   * `n` from 1 to 2^32 - 1 (a u32, as in Rust); anything else is one line.
   */
  below(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 0xffff_ffff) throw new RangeError(`GlobalRng.below: n must be an integer from 1 to 2^32 - 1, got ${n}`);
    if (n === 1) return 0;
    const mask = n > 0x8000_0000 ? 0xffff_ffff : 2 ** Math.ceil(Math.log2(n)) - 1;
    for (;;) {
      const x = (this.nextU32() & mask) >>> 0;
      if (x < n) return x;
    }
  }

  /** An integer in lo..=hi (both included), uniform; lo ≤ hi, both 32-bit signed. */
  rangeI32(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo > hi || lo < -0x8000_0000 || hi > 0x7fff_ffff) {
      throw new RangeError(`GlobalRng.rangeI32: lo and hi must be 32-bit integers with lo <= hi, got ${lo}, ${hi}`);
    }
    return lo + this.below(hi - lo + 1);
  }

  /**
   * A float in [lo, hi), computed in f32 exactly as Rust's `range(lo, hi)` computes it
   * (`lo + (hi - lo) * next_f32()`, each operation rounded to f32), so both sides agree bit for bit.
   */
  range(lo: number, hi: number): number {
    const f = Math.fround;
    return f(f(lo) + f(f(f(hi) - f(lo)) * this.nextF32()));
  }

  /** True with probability `p` (0 to 1): `next_f32() < p`, as Rust's `chance`. */
  chance(p: number): boolean {
    return this.nextF32() < Math.fround(p);
  }
}
