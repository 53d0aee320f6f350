/**
 * `hotloop/dev`: the build and run tooling behind the `hotloop` command, for scripts and tests of
 * a game project: read the project's configuration, build its hot systems, make and run its App.
 *
 *     const project = await loadProject();
 *     await buildProject(project, { profile: "debug", report: consoleReporter() });
 *     const app = await createGameApp(project, { clock: new ManualClock(), headless: true });
 *
 * @module hotloop/dev
 */
export { buildProject, writeNames, type BuildOptions, type BuildResult } from "../dev/build.ts";
export { cargoBuild, reportedBuild, type CargoBuildOptions, type CargoResult } from "../dev/cargo.ts";
export { codegen, componentsOf, freshCodegen, rustComponents, systemNamesModule, type CodegenResult } from "../dev/codegen.ts";
export { createGameApp, gameReloaderOf, loadGamePlugin, reloaderOf, runGame, type GameOptions } from "../dev/game.ts";
export { loadProject, ProjectError, type CodegenTarget, type CrateInfo, type Project, type ProjectConfig } from "../dev/project.ts";
export { rebuildOnSave, type RebuildOnSaveOptions, type SourceWatcher } from "../dev/watch-sources.ts";
export { inspectLibrary } from "../hot/inspect.ts";
export { GameReloader, type GameReloaderOptions } from "../live/game-reloader.ts";
export { applyMigration, planMigration, widens, type AppliedMigration, type MigrationPlan } from "../ecs/migrate.ts";
export type { Manifest } from "../hot/manifest.ts";
