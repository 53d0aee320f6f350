import { isAbsolute, relative } from "node:path";
import type { Reporter } from "../hot/report.ts";
import { cargoRecording, manifestLine, manifestProblem, type CargoRecording } from "./cargo-output.ts";
import { spawnChild } from "./children.ts";

/** What a cargo build produced. */
export interface CargoResult {
  /** Whether the build worked (a library was written). */
  readonly ok: boolean;
  /** How long it took, in milliseconds. */
  readonly ms: number;
  /** Compiler diagnostics, one per line (cargo's short format), empty when ok. */
  readonly errors: string;
  /** The compiler's warnings of a build that worked, one line each (`src/lib.rs:3:8: warning: …`). */
  readonly warnings?: readonly string[];
  /** Who built: cargo, or cargo's last rustc command run again (the dev runner's `CrateBuilder`, src/dev/crate-builder.ts). */
  readonly via?: "cargo" | "rustc";
  /** The rustc command cargo ran for the primary cdylib and the build's path packages, when `recordRustc` asked and cargo compiled it. */
  readonly recording?: CargoRecording;
}

/** Options of {@link cargoBuild}. */
export interface CargoBuildOptions {
  /** Directory with the Cargo.toml (a crate or a workspace). */
  readonly cwd: string;
  /** `--release` (default: the debug profile). */
  readonly release?: boolean;
  /** `-p <package>` in a workspace. */
  readonly package?: string;
  /** CARGO_TARGET_DIR, to share compiled dependencies between crates. */
  readonly targetDir?: string;
  /** Runs cargo with `-vv` and returns what it ran for the primary cdylib ({@link CargoResult.recording}). */
  readonly recordRustc?: boolean;
}

/**
 * Runs `cargo build` and returns whether it worked, how long it took, and on failure the
 * compiler's diagnostics in cargo's one-line-per-diagnostic format.
 */
export async function cargoBuild(options: CargoBuildOptions): Promise<CargoResult> {
  const cargo = Bun.which("cargo");
  if (!cargo) return { ok: false, ms: 0, errors: "cargo is not on PATH: install Rust (https://rustup.rs) to build the hot systems" };
  const cmd = [cargo, "build", "--message-format", "short", "--color", "never"];
  if (options.release) cmd.push("--release");
  if (options.package) cmd.push("-p", options.package);
  if (options.recordRustc) cmd.push("-vv");
  const env = { ...process.env, ...(options.targetDir ? { CARGO_TARGET_DIR: options.targetDir } : {}) };
  const start = performance.now();
  const proc = spawnChild(cmd, { cwd: options.cwd, env });
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  const ms = performance.now() - start;
  const recording = options.recordRustc ? cargoRecording(stderr) : undefined;
  if (code === 0) return { ok: true, ms, errors: "", via: "cargo", recording, warnings: shortWarnings(stderr) };
  // A Cargo.toml cargo cannot read: one line with its place (`Cargo.toml:8:12: error: …`), as a compile error has.
  const manifest = manifestProblem(stderr);
  if (manifest) return { ok: false, ms, errors: manifestLine(manifest, (f) => (isAbsolute(f) ? relative(options.cwd, f) : f)), via: "cargo", recording };
  const diagnostics = stderr
    .split("\n")
    .filter((l) => /\b(error|warning)(\[\w+\])?:/.test(l) && !/^\s*(Compiling|Finished|Running|Fresh)/.test(l));
  return { ok: false, ms, errors: (diagnostics.length ? diagnostics : stderr.trim().split("\n").slice(-10)).join("\n"), via: "cargo", recording };
}

/** Something that builds a crate for a set of changed files: a `CrateBuilder` (src/dev/crate-builder.ts). */
export interface Builder {
  build(changed?: readonly string[]): Promise<CargoResult>;
}

/**
 * One build with its events reported (started, then finished or failed with the compiler's
 * diagnostics): what the dev runner prints. `build` is cargo's options, or a `CrateBuilder` (src/dev/crate-builder.ts)
 * given the files saved since its last build. A failed build changes no file, so a game watching
 * the library keeps running the last good code.
 */
export async function reportedBuild(crate: string, build: CargoBuildOptions | Builder, report: Reporter, changed?: readonly string[], options: ReportedBuildOptions = {}): Promise<CargoResult> {
  report({ type: "build", status: "started", crate });
  const result = "build" in build ? await build.build(changed) : await cargoBuild(build);
  const fromRoot = (text: string) => (options.crateFromRoot ? crateRelativeToRoot(text, options.crateFromRoot) : text);
  if (result.ok) {
    const warnings = (result.warnings ?? []).map(fromRoot);
    report({ type: "build", status: "finished", crate, ms: result.ms, via: result.via, ...(warnings.length ? (options.quiet ? { warningCount: warnings.length } : { warnings }) : {}) });
  } else {
    report({ type: "build", status: "failed", crate, ms: result.ms, error: fromRoot(result.errors), via: result.via });
  }
  return result;
}

/** How {@link reportedBuild} says what the compiler said. */
export interface ReportedBuildOptions {
  /** Warnings as their count only (`--quiet`). */
  readonly quiet?: boolean;
  /** The crate's directory from the project's root (`systems`): the compiler's paths are made relative to the root, as TypeScript's are. */
  readonly crateFromRoot?: string;
}

/** Each `path.rs:line:col:` at the start of a line (or after `--> `), relative to the crate, made relative to the project's root. */
export function crateRelativeToRoot(text: string, crateFromRoot: string): string {
  if (!crateFromRoot || crateFromRoot === ".") return text;
  return text.replace(/^(\s*(?:--> )?)([^\s/:][^\s:]*\.rs:\d+:\d+)/gm, (_, lead: string, place: string) => `${lead}${crateFromRoot}/${place}`);
}

/** The warning lines of cargo's short format, without its summary (`warning: `x` (lib) generated 2 warnings`). */
function shortWarnings(stderr: string): string[] {
  return stderr
    .split("\n")
    .filter((l) => /^\S+\.rs:\d+:\d+: warning(\[\w+\])?:/.test(l));
}
