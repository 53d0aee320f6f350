/**
 * One build of a project's hot systems: codegen (the Rust views of the TypeScript components),
 * `cargo build`, then the typed names module from the new library's manifest.
 */
import { existsSync } from "node:fs";
import { relative } from "node:path";
import { inspectLibrary } from "../hot/inspect.ts";
import type { Manifest } from "../hot/manifest.ts";
import type { Reporter } from "../hot/report.ts";
import { reportedBuild, type Builder, type CargoResult } from "./cargo.ts";
import { codegen, freshCodegen, systemNamesModule, type CodegenResult } from "./codegen.ts";
import { checkGeneratedTarget } from "./generated.ts";
import { ProjectError, type Project } from "./project.ts";

/** Options of {@link buildProject}. */
export interface BuildOptions {
  /** cargo's profile: `debug` (what `hotloop dev` reloads) or `release`. */
  readonly profile: "debug" | "release";
  /** Where the build's lines go (started, finished with its warnings, failed with the compiler's lines). */
  readonly report: Reporter;
  /**
   * How codegen runs first: `here` imports the components modules in this process (a fresh
   * process), `fresh` in a child process (a long-lived one, whose module cache may be stale),
   * `skip` when no components module changed. Default `here`.
   */
  readonly codegen?: "here" | "fresh" | "skip";
  /**
   * Called with every component's layout hash as the source defines it, once codegen ran and
   * before cargo starts: a running game learns it before the new library can land.
   */
  readonly onLayouts?: (layouts: Record<string, string>) => void;
  /**
   * Builds the crate instead of a plain `cargo build`: the dev runner's `CrateBuilder` (src/dev/crate-builder.ts),
   * which replays cargo's last rustc command when only the crate's own sources changed.
   */
  readonly builder?: Builder;
  /** The files saved since the last build (absolute paths), for the builder. */
  readonly changed?: readonly string[];
  /** The compiler's warnings as their count only (`--quiet`). */
  readonly quiet?: boolean;
}

/** cargo's result, the component layouts codegen saw (when it ran), and the new library's manifest. */
export interface BuildResult extends CargoResult {
  /** Each component's layout hash as codegen saw the source, by name (when codegen ran). */
  readonly layouts?: Record<string, string>;
  /** The new library's manifest, read from it (when the build worked). */
  readonly manifest?: Manifest;
}

/** Codegen, cargo build, names module. A failed build writes no library, so a running game keeps its code. */
export async function buildProject(project: Project, options: BuildOptions): Promise<BuildResult> {
  const crate = project.crate;
  if (!crate) throw new ProjectError(`${project.root}: the project has no Rust crate to build`);
  let generated: CodegenResult | undefined;
  const mode = options.codegen ?? "here";
  if (mode !== "skip") {
    try {
      generated = mode === "fresh" ? await freshCodegen(project) : await codegen(project);
    } catch (e) {
      // A components module that does not import (a syntax error while typing) fails the build, not the runner.
      const error = `codegen: ${(e as Error).message}`;
      options.report({ type: "build", status: "failed", crate: crate.package, ms: 0, error });
      return { ok: false, ms: 0, errors: error };
    }
    if (generated.changed.length) options.report({ type: "info", message: `codegen wrote ${generated.changed.join(", ")}` });
    options.onLayouts?.(generated.layouts);
  }
  const cargo = { cwd: project.crateDir!, package: crate.package, release: options.profile === "release" };
  const result = await reportedBuild(crate.package, options.builder ?? cargo, options.report, options.changed, { quiet: options.quiet, crateFromRoot: relative(project.root, project.crateDir!) });
  const manifest = result.ok ? await writeNames(project, options.profile) : undefined;
  return { ...result, layouts: generated?.layouts, manifest };
}

/** Rewrites the names module from the library's manifest when its text changed (or creates it); returns the manifest. */
export async function writeNames(project: Project, profile: "debug" | "release"): Promise<Manifest | undefined> {
  const library = project.library(profile);
  const manifest = existsSync(library) ? inspectLibrary(library) : undefined;
  const text = systemNamesModule(manifest);
  const file = Bun.file(project.names);
  if ((await file.exists()) && (await file.text()) === text) return manifest;
  checkGeneratedTarget(project, project.names, "names");
  await Bun.write(project.names, text);
  return manifest;
}
