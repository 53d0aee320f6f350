/**
 * The benchmark crate (systems-rs/bench-systems), built in release mode and loaded once (static
 * mode) into an App: what the call, systems and frame suites measure against.
 */
import { dlopen, FFIType } from "bun:ffi";
import { resolve } from "node:path";
import { App, ManualClock } from "../src/core/index.ts";
import { cargoBuild } from "../src/dev/cargo.ts";
import { HotPlugin, HotReloader, libraryPath } from "../src/hot/index.ts";
import { Churn, Position, Rock, Ship, Spin, Velocity } from "./components.ts";

const SYSTEMS_DIR = resolve(import.meta.dir, "../systems-rs");
/** The release build of bench-systems. */
export const BENCH_LIBRARY = libraryPath(resolve(SYSTEMS_DIR, "target"), "bench_systems", "release");

let built = false;

/** Builds bench-systems in release mode (once per process). */
export async function buildBenchLibrary(): Promise<void> {
  if (built) return;
  const result = await cargoBuild({ cwd: SYSTEMS_DIR, package: "bench-systems", release: true });
  if (!result.ok) throw new Error(`bench: building bench-systems failed:\n${result.errors}`);
  built = true;
}

/** An App with the bench library loaded statically and the bench components registered. */
export function benchApp(clock = new ManualClock()): { app: App; reloader: HotReloader } {
  const app = new App({ clock });
  app.registerComponents(Position, Velocity, Rock, Ship, Spin, Churn);
  app.addPlugins(HotPlugin({ library: BENCH_LIBRARY, reload: false, reporter: () => {} }));
  return { app, reloader: app.resource(HotReloader) };
}

/** The library's plain C no-op through a bare bun:ffi symbol. */
export function bareNoop(): { call: () => void; close: () => void } {
  const lib = dlopen(BENCH_LIBRARY, { bench_bare_noop: { args: [], returns: FFIType.void } });
  return { call: lib.symbols.bench_bare_noop, close: () => lib.close() };
}
