/**
 * Pure checks of a build against the app: can one of its systems run here, and was it made for
 * the layouts a staged TypeScript reload migrates components to (the awaited layouts). Nothing
 * here loads, swaps or reports.
 */
import type { App } from "../../core/index.ts";
import type { Layout } from "../../ecs/index.ts";
import { hostParamsOf } from "../host-params.ts";
import type { HotLibrary } from "../library.ts";
import { systemProblem, type ComponentLayouts, type HostLayouts, type SourceLayouts, type SystemManifest } from "../manifest.ts";

/** Layouts a staged TypeScript reload migrates components and resources to, by name. */
export type AwaitedLayouts = ReadonlyMap<string, Layout>;

/**
 * Why `system` of `lib` cannot run in `app`, or undefined. With awaited layouts, a component
 * about to be migrated is judged by its new layout: the build swaps in together with the migration.
 */
export function runProblem(app: App, lib: HotLibrary, system: SystemManifest, awaited: AwaitedLayouts | undefined, source: SourceLayouts | undefined): string | undefined {
  if (system.schedule && !app.scheduleNamed(system.schedule)) return `the app has no schedule ${system.schedule}`;
  const registry = app.components;
  const layouts: ComponentLayouts = awaited
    ? { get: (name) => (registry.get(name) && awaited.has(name) ? { layout: awaited.get(name)! } : registry.get(name)) }
    : registry;
  const host = hostParamsOf(app).layouts;
  // A resource about to be migrated is judged by its new layout too.
  const hostLayouts: HostLayouts = awaited
    ? {
        resource: (name) => {
          const now = host.resource(name);
          const next = awaited.get(name);
          return now && next ? { hash: next.hash, text: next.text, readOnly: now.readOnly } : now;
        },
        event: (name) => {
          const now = host.event(name);
          const next = awaited.get(name);
          return now && next ? { hash: next.hash, text: next.text } : now;
        },
      }
    : host;
  return systemProblem(lib.manifest, system, layouts, source, hostLayouts);
}

/** Whether `lib` was compiled against the awaited layout of every awaited component it uses. */
export function builtForAwaited(lib: HotLibrary, awaited: AwaitedLayouts | undefined): boolean {
  if (!awaited) return true;
  return [...lib.manifest.components, ...lib.manifest.resources, ...lib.manifest.events].every((c) => awaited.get(c.name)?.hash === undefined || awaited.get(c.name)!.hash === c.hash);
}

/** The awaited components and resources `lib` uses, as a list for a message. */
export function awaitedNames(lib: HotLibrary, awaited: AwaitedLayouts | undefined): string {
  return [...lib.manifest.components, ...lib.manifest.resources, ...lib.manifest.events].filter((c) => awaited?.has(c.name)).map((c) => c.name).join(", ");
}

/** Whether `lib` was compiled against any of these components, resources or event types. */
export function usesAny(lib: HotLibrary | undefined, names: Iterable<string>): boolean {
  const compiled = new Set([...(lib?.manifest.components ?? []), ...(lib?.manifest.resources ?? []), ...(lib?.manifest.events ?? [])].map((c) => c.name));
  for (const name of names) if (compiled.has(name)) return true;
  return false;
}
