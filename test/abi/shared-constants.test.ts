/**
 * Constants both sides of a boundary hold, each written in two languages: the hot-library ABI
 * version (TypeScript host, Rust SDK), the raylib shim's ABI number (TypeScript, C) and the names
 * of the schedules `export!` can place systems in (TypeScript labels, the SDK's `schedules`). A
 * side edited alone fails here, with the fix in the test's name.
 */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FRAME_SCHEDULES, Startup } from "../../src/core/schedule-label.ts";
import { HOTLOOP_ABI_VERSION } from "../../src/hot/manifest.ts";

const ROOT = join(import.meta.dir, "../..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** The one match of `pattern` in `text` (a constant written once), or a failure naming the file. */
function only(text: string, pattern: RegExp, file: string): RegExpMatchArray {
  const found = [...text.matchAll(new RegExp(pattern.source, "g"))];
  if (found.length !== 1) throw new Error(`${file}: expected one match of ${pattern}, found ${found.length}`);
  return found[0]!;
}

test("HOTLOOP_ABI_VERSION is the same in src/hot/manifest.ts and the SDK's lib.rs: change both together", () => {
  const file = "systems-rs/hotloop-sdk/src/lib.rs";
  const rust = Number(only(read(file), /pub const HOTLOOP_ABI_VERSION: u32 = (\d+);/, file)[1]);
  expect(rust).toBe(HOTLOOP_ABI_VERSION);
});

test("the shim's ABI number is the same in src/render/shim.c (HL_SHIM_ABI) and src/render/raylib.ts (SHIM_ABI): change both together", () => {
  const c = Number(only(read("src/render/shim.c"), /#define HL_SHIM_ABI (\d+)/, "src/render/shim.c")[1]);
  const ts = Number(only(read("src/render/raylib.ts"), /const SHIM_ABI = (\d+);/, "src/render/raylib.ts")[1]);
  expect(c).toBe(ts);
});

test("the SDK's schedules are the App's, in frame order: keep hotloop_sdk::schedules (lib.rs) and src/core/schedule-label.ts alike", () => {
  const file = "systems-rs/hotloop-sdk/src/lib.rs";
  const block = only(read(file), /pub mod schedules \{([\s\S]*?)\n\}/, file)[1]!;
  const rust = [...block.matchAll(/pub const (\w+): &str = "(\w+)";/g)].map((m) => {
    expect(m[2]).toBe(m[1]); // the constant's name is the name the manifest carries
    return m[1]!;
  });
  expect(rust).toEqual([Startup, ...FRAME_SCHEDULES].map((label) => label.name));
});
