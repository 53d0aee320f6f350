/** `hotloop build` and `hotloop codegen`: the steps of a dev run, one at a time. */
import { buildProject } from "../dev/build.ts";
import { codegen } from "../dev/codegen.ts";
import { loadProject, ProjectError } from "../dev/project.ts";
import { librarySystemProblems } from "../hot/manifest.ts";
import { consoleReporter } from "../hot/report.ts";
import { parseArgs, UsageError } from "./args.ts";

export const BUILD_USAGE = `usage: hotloop build [--release] [--quiet] [--log-format human|json]

Runs codegen, builds the project's hot systems with cargo (debug, or release with --release) and
rewrites the typed names module (hotloop.names, default src/systems.gen.ts) from the library.
The compiler's warnings are shown one line each (--quiet: their count).`;

export const CODEGEN_USAGE = `usage: hotloop codegen [--check] [--json]

Writes the Rust views of the TypeScript components (hotloop.components → hotloop.componentsRs,
and every "hotloop.codegen" target). --check writes nothing and exits 1 when a file is out of
date; --json prints what changed and every component's layout hash as one JSON object.`;

/** `hotloop build`. */
export async function buildCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, [{ name: "help", short: "-h" }, { name: "release" }, { name: "log-format", value: "string" }, { name: "quiet" }]);
  if (args.has("help")) return printed(BUILD_USAGE);
  if (args.positional.length) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  const format = args.string("log-format") ?? "human";
  if (format !== "human" && format !== "json") throw new UsageError(`--log-format must be human or json, got "${format}"`);
  const project = await loadProject();
  if (!project.crate) throw new ProjectError(`${project.root}: no Rust crate to build (hotloop.crate, default "systems")`);
  const profile = args.has("release") ? "release" : "debug";
  const report = consoleReporter(format);
  const result = await buildProject(project, { profile, report, quiet: args.has("quiet") });
  // One system's problem refuses that system when the game loads it, not the build: said here once.
  for (const problem of result.manifest ? librarySystemProblems(result.manifest) : []) report({ type: "warning", file: project.show(project.library(profile)), message: problem });
  return result.ok ? 0 : 1;
}

/** `hotloop codegen`. */
export async function codegenCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, [{ name: "help", short: "-h" }, { name: "check" }, { name: "json" }]);
  if (args.has("help")) return printed(CODEGEN_USAGE);
  if (args.positional.length) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  const project = await loadProject();
  const check = args.has("check");
  const result = await codegen(project, { check });
  if (args.has("json")) console.log(JSON.stringify(result));
  else if (check && result.changed.length) console.error(`hotloop: codegen: out of date: ${result.changed.join(", ")} (run hotloop codegen)`);
  else console.log(result.changed.length ? `hotloop: codegen wrote ${result.changed.join(", ")}` : "hotloop: codegen: up to date");
  return check && result.changed.length ? 1 : 0;
}

function printed(text: string): number {
  console.log(text);
  return 0;
}
