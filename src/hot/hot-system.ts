import { SystemConfig, type App, type SystemFn } from "../core/index.ts";
import { CallContext } from "./call-context.ts";
import { HotReloader } from "./reloader.ts";

/**
 * A system whose body is a Rust function in the hot library, usable in any schedule:
 * `app.addSystems(FixedUpdate, hotSystem("player_movement"))`.
 *
 * When added, it binds the name (an unknown one fails with the library's list of systems) and
 * builds the call context from the system's declared parameters. Each call then refreshes counts
 * and pointers and calls the entry point the reloader last swapped in: no symbol lookup per call.
 */
export function hotSystem<Name extends string = string>(name: Name): SystemConfig {
  return new SystemConfig(name, (app: App) => bindHotSystem(app, name));
}

function bindHotSystem(app: App, name: string): SystemFn {
  const reloader = app.getResource(HotReloader);
  if (!reloader) throw new Error(`hotSystem("${name}") needs the HotPlugin: app.addPlugins(HotPlugin({ library, reload }))`);
  const binding = reloader.bind(name);
  const ctx = new CallContext(app, binding.system);
  const pointer = ctx.pointer;
  if (!ctx.hasQueries) {
    // Nothing moves between calls: the call is the whole cost.
    return function runHotSystem() {
      const entry = binding.entry;
      if (entry !== undefined && entry(pointer) !== 0) reloader.systemPanicked(binding);
    };
  }
  return function runHotSystem() {
    const entry = binding.entry;
    if (entry === undefined) return; // disabled after a panic, until the next good load
    ctx.refresh();
    if (entry(pointer) !== 0) reloader.systemPanicked(binding);
  };
}
