import type { App } from "./app.ts";

/**
 * A plugin adds systems, resources and hooks to an app. As in Bevy it is a function of the app,
 * or an object with `build(app)` when it carries a name or configuration.
 */
export type Plugin = ((app: App) => void) | { readonly name?: string; build(app: App): void };
