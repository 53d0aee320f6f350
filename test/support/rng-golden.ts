/**
 * The stream of GlobalRng's default seed as systems-rs/hotloop-sdk/abi/rng.golden.json records it
 * (the SDK's rng.rs test writes the same text from Rust). `bun test/support/rng-golden.ts` prints it,
 * to make the file again after a deliberate change of the generator.
 */
import { DEFAULT_SEED, GlobalRng } from "../../src/core/rng.ts";

const f32Bits = (x: number) => new Uint32Array(new Float32Array([x]).buffer)[0]!;
const f64Bits = (x: number) => new BigUint64Array(new Float64Array([x]).buffer)[0]!.toString();

/** The stream, drawn in TypeScript, in the golden file's words. */
export function goldenStream(): string {
  const rng = new GlobalRng(DEFAULT_SEED);
  const u32 = Array.from({ length: 16 }, () => rng.nextU32());
  const below10 = Array.from({ length: 16 }, () => rng.below(10));
  const range = Array.from({ length: 8 }, () => f32Bits(rng.range(-5, 5)));
  const f64 = Array.from({ length: 4 }, () => JSON.stringify(f64Bits(rng.nextF64())));
  const dice = Array.from({ length: 8 }, () => rng.rangeI32(1, 6));
  return `{"seed":${DEFAULT_SEED},"u32":[${u32.join(",")}],"below10":[${below10.join(",")}],"range":[${range.join(",")}],"f64":[${f64.join(",")}],"dice":[${dice.join(",")}]}`;
}

if (import.meta.main) console.log(goldenStream());
