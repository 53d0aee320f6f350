import { SystemConfig, type App, type SystemFn } from "../core/index.ts";
import { HotReloader } from "./reloader.ts";

/**
 * A system whose body is a Rust function in the hot library, placed by the app in any schedule:
 * `app.addSystems(FixedUpdate, hotSystem("player_movement"))`. (Systems the library places itself,
 * `export! { FixedUpdate: [...] }`, need no call here.)
 *
 * When added, it binds the name to a call slot (an unknown name fails with the library's list of
 * systems). Each call then refreshes counts and pointers and calls the entry point the reloader
 * last pointed the slot at: no symbol lookup per call.
 */
export function hotSystem<Name extends string = string>(name: Name): SystemConfig {
  return new SystemConfig(name, (app: App) => bindHotSystem(app, name), [], [], [], { hot: true });
}

function bindHotSystem(app: App, name: string): SystemFn {
  const reloader = app.getResource(HotReloader);
  if (!reloader) throw new Error(`hotSystem("${name}") needs the HotPlugin: app.addPlugins(HotPlugin({ library, reload }))`);
  return reloader.bind(name).run;
}
