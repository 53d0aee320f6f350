/**
 * The Rust half of `hotloop dev --features reload`: watch a project's crate and components
 * modules, and build on every save (codegen first, in a fresh process, when a components module
 * changed). One function, so the dev runner and the benchmark's save → running figure take the
 * same path: the source watcher, the builder, and the reloader that swaps the build in.
 */
import type { HotReloader } from "../hot/reloader.ts";
import type { Reporter } from "../hot/report.ts";
import { buildProject } from "./build.ts";
import { join } from "node:path";
import { CrateBuilder } from "./crate-builder.ts";
import type { Project } from "./project.ts";
import { rebuildOnSave, RUST_SOURCE, type SourceWatcher } from "./watch-sources.ts";

/** What {@link watchProject} builds with and tells. */
export interface WatchProjectOptions {
  readonly report: Reporter;
  /** The session's builder (it remembers cargo's rustc command from one save to the next). */
  readonly builder: CrateBuilder;
  /** The running game's reloader: told the layouts a build is made for before the build lands. */
  readonly reloader?: HotReloader;
}

/**
 * The builder of a dev session: one for the whole session, so it remembers cargo's rustc command
 * from one save to the next (and, in the target dir, for the next session's first save).
 */
export function devBuilder(project: Project): CrateBuilder | undefined {
  const crate = project.crate;
  return crate ? new CrateBuilder({ cwd: project.crateDir!, package: crate.package }, join(crate.targetDir, "hotloop", `rustc-${crate.package}.json`)) : undefined;
}

/** Starts watching `project` (which has a crate); `ready()` resolves once saves are seen. */
export function watchProject(project: Project, options: WatchProjectOptions): SourceWatcher {
  const components = new Set(project.components);
  // Codegen's own output is not an edit: building for it again would only repeat the build.
  const generated = new Set(project.codegen.map((t) => t.out));
  const { report, builder, reloader } = options;
  return rebuildOnSave({
    paths: [project.crateDir!, ...project.components],
    isSource: (path) => components.has(path) || (RUST_SOURCE.test(path) && !generated.has(path)),
    build: (changed) =>
      buildProject(project, {
        profile: "debug",
        report,
        codegen: changed.some((p) => components.has(p)) ? "fresh" : "skip",
        builder,
        changed,
        onLayouts: (layouts) => reloader?.setSourceLayouts(new Map(Object.entries(layouts))),
      }),
  });
}
