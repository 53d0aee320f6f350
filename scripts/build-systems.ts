/**
 * Builds the example's Rust systems (systems-rs, package bevy-like-systems) after running codegen,
 * then rewrites examples/bevy-like/systems.gen.ts from the library's manifest when it changed.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { consoleReporter, inspectLibrary, reportedBuild, systemNamesModule, type CargoResult, type LogFormat, type Reporter } from "../src/hot/index.ts";
import { CRATE_PACKAGE, exampleLibrary, REPO, SYSTEMS_DIR } from "../examples/bevy-like/paths.ts";
import { codegen } from "./codegen.ts";

const NAMES_MODULE = resolve(REPO, "examples/bevy-like/systems.gen.ts");

/** Runs codegen and one cargo build, reporting build events; returns cargo's result. */
export async function buildSystems(profile: "debug" | "release", report: Reporter): Promise<CargoResult> {
  await codegen();
  const result = await reportedBuild(CRATE_PACKAGE, { cwd: SYSTEMS_DIR, package: CRATE_PACKAGE, release: profile === "release" }, report);
  if (result.ok) await writeNames(profile);
  return result;
}

/** Builds once before a run; exits with the errors if no library exists afterwards. */
export async function ensureBuilt(profile: "debug" | "release", format: LogFormat = "human"): Promise<void> {
  const result = await buildSystems(profile, consoleReporter(format));
  if (!result.ok && !existsSync(exampleLibrary(profile))) {
    console.error("hotloop: no library to run: fix the build errors above");
    process.exit(1);
  }
}

async function writeNames(profile: "debug" | "release"): Promise<void> {
  const text = systemNamesModule(inspectLibrary(exampleLibrary(profile)), "BevyLikeSystem", "../../src/index.ts");
  const file = Bun.file(NAMES_MODULE);
  if (!(await file.exists()) || (await file.text()) !== text) await Bun.write(NAMES_MODULE, text);
}

if (import.meta.main) {
  const result = await buildSystems(process.argv.includes("--release") ? "release" : "debug", consoleReporter());
  process.exit(result.ok ? 0 : 1);
}
