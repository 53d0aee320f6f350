import type { App } from "./app.ts";

/**
 * A plugin adds systems, resources and hooks to an app. As in Bevy it is a function of the app,
 * or an object with `build(app)` when it carries a name or configuration.
 *
 * `once: true` marks a plugin whose build has effects outside the app (it opens a window, loads a
 * library): when the dev runner re-runs the game plugin after a TypeScript edit, a `once` plugin
 * is not built again, and what it added the first time stays. Its `name` identifies it.
 */
export type Plugin =
  | ((app: App) => void)
  | {
      /** Identifies the plugin (in messages, and a `once` plugin across reloads); default: its function's name. */
      readonly name?: string;
      /** Built the first time only: a TypeScript reload keeps what it added (see above). */
      readonly once?: boolean;
      /** What a `once` plugin was made with: a reload that builds it with other options says they need a restart. */
      readonly options?: unknown;
      /** Adds the plugin's systems, resources and hooks to `app`. */
      build(app: App): void;
    };

/** Whether a value has a plugin's shape (a function, or an object with `build`): a game's entry is checked with it. */
export function isPlugin(value: unknown): value is Plugin {
  return typeof value === "function" || (typeof value === "object" && value !== null && typeof (value as { build?: unknown }).build === "function");
}

/** Builds a plugin into an app (either shape). */
export function buildPlugin(plugin: Plugin, app: App): void {
  if (typeof plugin === "function") plugin(app);
  else plugin.build(app);
}

/** A plugin's name: its `name`, or its function's name. */
export function pluginName(plugin: Plugin): string {
  return (typeof plugin === "function" ? plugin.name : plugin.name) || "anonymous plugin";
}

/**
 * A `once` plugin (see {@link Plugin}): built the first time only, whatever reloads re-run around
 * it. `options`, when given, is what it was made with (a window's size and title): a reload that
 * builds the game plugin with other options says they need a restart, instead of ignoring them.
 */
export function oncePlugin(name: string, build: (app: App) => void, options?: unknown): Plugin {
  return { name, once: true, build, options };
}
