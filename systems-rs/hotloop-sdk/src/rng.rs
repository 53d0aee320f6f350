//! `GlobalRng`: the game's random numbers, one generator and one stream for Rust and TypeScript.
//!
//! Why a resource: randomness from a thread-local or an OS source cannot be replayed or checked for
//! determinism; randomness that is state in host memory can (a snapshot holds it, a replay draws
//! the same numbers). TypeScript draws from the same four words (`resource(GlobalRng)`,
//! src/core/rng.ts), so a Rust system and a TypeScript system share one stream, in the order they
//! run. The generator is xoshiro128** (Blackman and Vigna), seeded by splitmix32: 32-bit
//! operations only, computed alike on both sides; `abi/rng.golden.json` holds a stream both test
//! suites check.

use crate::component::Field;
use crate::res::{Resource, ResourceMut};

/// The game's random number generator, a resource every App has (seeded from the App's `seed`).
///
/// ```
/// use hotloop_sdk::prelude::*;
///
/// fn scatter(mut rng: ResMut<GlobalRng>) {
///     let x = rng.range(40.0, 760.0);
///     let lucky = rng.chance(0.1);
///     let face = rng.range_i32(1, 6);
///     let _ = (x, lucky, face);
/// }
/// ```
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GlobalRng {
    /// xoshiro128**'s four words of state (never all zero).
    pub state: [u32; 4],
}

const _: () = assert!(std::mem::size_of::<GlobalRng>() == 16);
const _: () = assert!(std::mem::align_of::<GlobalRng>() == 4);

/// One step of splitmix32: the next state and the value it gives.
fn splitmix32(state: u32) -> (u32, u32) {
    let next = state.wrapping_add(0x9e37_79b9);
    let mut z = next;
    z = (z ^ (z >> 16)).wrapping_mul(0x85eb_ca6b);
    z = (z ^ (z >> 13)).wrapping_mul(0xc2b2_ae35);
    (next, z ^ (z >> 16))
}

impl GlobalRng {
    /// A generator seeded with `seed`, as TypeScript's `new GlobalRng(seed)`.
    pub fn seeded(seed: u64) -> GlobalRng {
        let mut rng = GlobalRng { state: [0; 4] };
        rng.reseed(seed);
        rng
    }

    /// Starts the stream again from `seed`: splitmix32 over its two halves fills the four words
    /// (never all zero). The same seed gives the same stream as TypeScript's `reseed`.
    pub fn reseed(&mut self, seed: u64) {
        let mut state = (seed as u32) ^ ((seed >> 32) as u32).wrapping_mul(0x9e37_79b9);
        for word in &mut self.state {
            let (next, value) = splitmix32(state);
            state = next;
            *word = value;
        }
        if self.state == [0; 4] {
            self.state[0] = 1;
        }
    }

    /// The next 32 random bits (xoshiro128**).
    pub fn next_u32(&mut self) -> u32 {
        let s = &mut self.state;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 9;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(11);
        result
    }

    /// A float in [0, 1) with 24 random bits: TypeScript's `nextF32` gives the same value.
    pub fn next_f32(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 * (1.0 / 16_777_216.0)
    }

    /// A float in [0, 1) with 53 random bits (two draws), TypeScript's `nextF64`.
    pub fn next_f64(&mut self) -> f64 {
        let a = (self.next_u32() >> 5) as f64;
        let b = (self.next_u32() >> 6) as f64;
        (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// An integer in `0..n`, uniform (draws masked to the next power of two, those `>= n` drawn
    /// again). Panics when `n` is 0.
    pub fn below(&mut self, n: u32) -> u32 {
        assert!(n > 0, "GlobalRng::below: n must be at least 1");
        if n == 1 {
            return 0;
        }
        let mask = if n > 1 << 31 {
            u32::MAX
        } else {
            n.next_power_of_two() - 1
        };
        loop {
            let x = self.next_u32() & mask;
            if x < n {
                return x;
            }
        }
    }

    /// An integer in `lo..=hi` (both included), uniform. Panics when `lo > hi`.
    pub fn range_i32(&mut self, lo: i32, hi: i32) -> i32 {
        assert!(lo <= hi, "GlobalRng::range_i32: lo must be at most hi");
        let span = (hi as i64 - lo as i64 + 1) as u64;
        if span > u32::MAX as u64 {
            return self.next_u32() as i32; // the whole i32 range
        }
        (lo as i64 + self.below(span as u32) as i64) as i32
    }

    /// A float in `[lo, hi)`: `lo + (hi - lo) * next_f32()`, each step in f32 (no fused
    /// multiply-add), as TypeScript's `range` computes it.
    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        let span = hi - lo;
        let scaled = span * self.next_f32();
        lo + scaled
    }

    /// True with probability `p` (0 to 1): `next_f32() < p`.
    pub fn chance(&mut self, p: f32) -> bool {
        self.next_f32() < p
    }
}

impl Resource for GlobalRng {
    const NAME: &'static str = "GlobalRng";
    const LAYOUT_HASH: u64 = crate::layout_hash(Self::NAME, Self::FIELDS);
    /// The layout TypeScript's `GLOBAL_RNG_LAYOUT` hashes.
    const FIELDS: &'static [Field] = &[Field {
        name: "state",
        ty: "u32[4]",
    }];
}

/// Systems draw from it: drawing changes the state.
impl ResourceMut for GlobalRng {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stream abi/rng.golden.json records, which test/core/rng.test.ts checks TypeScript's against.
    #[test]
    fn the_stream_is_the_golden_one() {
        let golden = include_str!("../abi/rng.golden.json");
        let mut rng = GlobalRng::seeded(0x5eed_1007);
        let mut made = String::from("{\"seed\":1592594439,\"u32\":[");
        let u32s: Vec<String> = (0..16).map(|_| rng.next_u32().to_string()).collect();
        made.push_str(&u32s.join(","));
        made.push_str("],\"below10\":[");
        let below: Vec<String> = (0..16).map(|_| rng.below(10).to_string()).collect();
        made.push_str(&below.join(","));
        made.push_str("],\"range\":[");
        let range: Vec<String> = (0..8)
            .map(|_| rng.range(-5.0, 5.0).to_bits().to_string())
            .collect();
        made.push_str(&range.join(","));
        made.push_str("],\"f64\":[");
        // Quoted: u64 bits do not survive a JSON number in JavaScript.
        let f64s: Vec<String> = (0..4)
            .map(|_| format!("\"{}\"", rng.next_f64().to_bits()))
            .collect();
        made.push_str(&f64s.join(","));
        made.push_str("],\"dice\":[");
        let dice: Vec<String> = (0..8).map(|_| rng.range_i32(1, 6).to_string()).collect();
        made.push_str(&dice.join(","));
        made.push_str("]}");
        assert_eq!(golden.trim(), made);
    }

    /// The reference implementation's first outputs from the state {1, 2, 3, 4}
    /// (prng.di.unimi.it/xoshiro128starstar.c): this is xoshiro128**, not a look-alike.
    #[test]
    fn it_is_xoshiro128_starstar() {
        let mut rng = GlobalRng {
            state: [1, 2, 3, 4],
        };
        let first: Vec<u32> = (0..3).map(|_| rng.next_u32()).collect();
        assert_eq!(first, [11520, 0, 5927040]);
    }

    #[test]
    fn a_zero_seed_is_not_a_stuck_state() {
        let mut rng = GlobalRng::seeded(0);
        assert_ne!(rng.state, [0; 4]);
        let a = rng.next_u32();
        assert_ne!(a, rng.next_u32());
    }

    #[test]
    fn below_and_range_stay_in_bounds() {
        let mut rng = GlobalRng::seeded(7);
        for _ in 0..10_000 {
            assert!(rng.below(3) < 3);
            let x = rng.range(2.0, 3.0);
            assert!((2.0..3.0).contains(&x));
            let d = rng.range_i32(-2, 2);
            assert!((-2..=2).contains(&d));
        }
    }
}
