/** Where the example's Rust systems live and build to. */
import { resolve } from "node:path";
import { libraryPath } from "../../src/hot/plugin.ts";

export const REPO = resolve(import.meta.dir, "../..");
export const CRATE = "bevy_like_systems";
export const CRATE_PACKAGE = "bevy-like-systems";
export const SYSTEMS_DIR = resolve(REPO, "systems-rs");

/** The example's library for a profile. */
export function exampleLibrary(profile: "debug" | "release"): string {
  return libraryPath(resolve(SYSTEMS_DIR, "target"), CRATE, profile);
}
