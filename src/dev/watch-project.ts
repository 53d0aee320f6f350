/**
 * The Rust half of `hotloop dev --features reload`: watch a project's crate and components
 * modules, and build on every save (codegen first, in a fresh process, when a components module
 * changed). One function, so the dev runner and the benchmark's save → running figure take the
 * same path: the source watcher, the builder, and the reloader that swaps the build in.
 */
import type { HotReloader } from "../hot/reloader.ts";
import type { GameReloader } from "../live/game-reloader.ts";
import type { Reporter } from "../hot/report.ts";
import { buildProject } from "./build.ts";
import { basename, join } from "node:path";
import { CrateBuilder } from "./crate-builder.ts";
import { loadProject, type Project } from "./project.ts";
import { rebuildOnSave, RUST_SOURCE, type SourceWatcher } from "./watch-sources.ts";

/** What {@link watchProject} builds with and tells. */
export interface WatchProjectOptions {
  readonly report: Reporter;
  /** The session's builder (it remembers cargo's rustc command from one save to the next). */
  readonly builder: CrateBuilder;
  /** The running game's reloader: told the layouts a build is made for before the build lands. */
  readonly reloader?: HotReloader;
  /**
   * The game's TypeScript reloader: a components save it refuses (a change that loses data, a
   * removed field still read) goes no further, no codegen and no build, so the Rust views stay
   * those of the running layout.
   */
  readonly game?: GameReloader;
  /** The compiler's warnings as a count (`--quiet`). */
  readonly quiet?: boolean;
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
  const { report, builder, reloader, game } = options;
  /** The last warning that a Cargo.toml edit moved the library, said once per move. */
  let moved: string | undefined;
  /** Components saves the game refused: their codegen and build wait until it accepts them. */
  const skipped = new Set<string>();
  /** One build at a time, whichever path starts it. */
  let serial: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const run = serial.then(work, work);
    serial = run.catch(() => undefined);
    return run;
  };
  const build = (changed: readonly string[], codegen: "fresh" | "skip") =>
    buildProject(project, {
      profile: "debug",
      report,
      codegen,
      builder,
      quiet: options.quiet,
      changed,
      onLayouts: (layouts) => reloader?.setSourceLayouts(new Map(Object.entries(layouts))),
    });
  // A refused components save made acceptable by another file (the module that still read a
  // removed field): the game stages it and waits for the build, which is started here.
  let closed = false;
  game?.onStagedNeedingBuild(() => {
    if (skipped.size === 0 || closed) return;
    const files = [...skipped];
    skipped.clear();
    void inTurn(() => build(files, "fresh")).catch((e: Error) => {
      // A build that could not even start (cargo gone, the crate's directory removed): said, and tried again with the next save.
      console.error(`hotloop: could not build: ${e.message}`);
      for (const f of files) skipped.add(f);
    });
  });
  const sources = rebuildOnSave({
    paths: [project.crateDir!, ...project.components],
    isSource: (path) => components.has(path) || (RUST_SOURCE.test(path) && !generated.has(path)),
    build: (changed) => inTurn(async () => {
      if (changed.some((p) => basename(p) === "Cargo.toml")) {
        const warning = await crateMoved(project);
        if (warning && warning !== moved) report({ type: "warning", file: project.show(join(project.crateDir!, "Cargo.toml")), message: warning });
        moved = warning;
      }
      const componentsSaved = changed.filter((p) => components.has(p));
      let codegen: "fresh" | "skip" = componentsSaved.length > 0 ? "fresh" : "skip";
      if (codegen === "fresh") skipped.clear(); // this build's codegen (or the refusal below) covers them all
      if (componentsSaved.length > 0 && game && (await game.verdict(componentsSaved)) !== undefined) {
        const rustSaved = changed.some((p) => !components.has(p));
        for (const p of componentsSaved) skipped.add(p);
        report({ type: "info", message: `codegen${rustSaved ? "" : " and the build"} skipped: the game refused the save of ${componentsSaved.map((p) => project.show(p)).join(", ")} (see above); the Rust views stay those of the running layout until it is accepted` });
        if (!rustSaved) return undefined;
        codegen = "skip";
      }
      return build(changed, codegen);
    }),
  });
  return {
    ready: () => sources.ready(),
    close: () => {
      closed = true;
      return sources.close();
    },
  };
}

/**
 * After a Cargo.toml edit, asks cargo again (`cargo metadata`) where the crate builds to: the
 * running game loads the library it found at start (or, when Cargo.toml could not be read then,
 * the one it last knew of), so a package or library renamed since is said, with the fix. Also
 * renews what is remembered for the next time Cargo.toml cannot be read. Undefined when nothing
 * moved, or when cargo still cannot read it (the build says why).
 */
async function crateMoved(project: Project): Promise<string | undefined> {
  let now: Project;
  try {
    now = await loadProject(project.root);
  } catch {
    return undefined;
  }
  const before = project.library("debug");
  const after = now.crate ? now.library("debug") : undefined;
  if (after === before && now.crate?.package === project.crate?.package) return undefined;
  const what = after ? `the crate now builds ${now.crate!.package} into ${after}` : "the crate is gone";
  return `${what}, but the game loads ${before}: restart hotloop dev to load it`;
}
