/**
 * GlobalRng: one generator and one stream for TypeScript and Rust. The stream of a fixed seed is
 * the golden file the SDK's own test checks too (systems-rs/hotloop-sdk/abi/rng.golden.json): a
 * change on one side only fails one of them. Also: the App has one, seeded from its options; a
 * zero seed is not stuck; bounds hold; bad arguments are one line.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { App } from "../../src/core/index.ts";
import { DEFAULT_SEED, GLOBAL_RNG_LAYOUT, GlobalRng } from "../../src/core/rng.ts";
import { goldenStream } from "../support/rng-golden.ts";
import { NATIVE_BYTES } from "../../src/ecs/resource.ts";

const GOLDEN = resolve(import.meta.dir, "../../systems-rs/hotloop-sdk/abi/rng.golden.json");

describe("GlobalRng", () => {
  test("its stream from the default seed is the golden one the SDK's Rust draws too", () => {
    expect(goldenStream()).toBe(readFileSync(GOLDEN, "utf8").trim());
  });

  test("the App has one, seeded from its options (the same seed, the same stream); Rust sees its four words", () => {
    const a = new App().resource(GlobalRng);
    const b = new App().resource(GlobalRng);
    expect(a.nextU32()).toBe(b.nextU32());
    const c = new App({ seed: 42 }).resource(GlobalRng);
    expect(c.state).toEqual(new GlobalRng(42).state);
    expect(c.state).not.toEqual(new GlobalRng(DEFAULT_SEED).state);
    expect(GLOBAL_RNG_LAYOUT.layout.text).toBe("GlobalRng{state:u32[4]}");
    expect([...new Uint32Array(c[NATIVE_BYTES], 0, 4)]).toEqual(c.state);
  });

  test("a zero seed is not stuck; draws stay in bounds; bad arguments are one line", () => {
    const rng = new GlobalRng(0);
    expect(rng.state).not.toEqual([0, 0, 0, 0]);
    expect(rng.nextU32()).not.toBe(rng.nextU32());
    for (let i = 0; i < 10_000; i++) {
      expect(rng.below(3)).toBeLessThan(3);
      const x = rng.range(2, 3);
      expect(x >= 2 && x < 3).toBe(true);
      const d = rng.rangeI32(-2, 2);
      expect(d >= -2 && d <= 2).toBe(true);
    }
    expect(() => rng.below(0)).toThrow("GlobalRng.below: n must be an integer from 1 to 2^32 - 1, got 0");
    expect(() => rng.rangeI32(3, 1)).toThrow("GlobalRng.rangeI32: lo and hi must be 32-bit integers with lo <= hi, got 3, 1");
  });
});

