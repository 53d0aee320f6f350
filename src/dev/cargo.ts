import type { Reporter } from "../hot/report.ts";

/** What a cargo build produced. */
export interface CargoResult {
  readonly ok: boolean;
  readonly ms: number;
  /** Compiler diagnostics, one per line (cargo's short format), empty when ok. */
  readonly errors: string;
}

/** Options of {@link cargoBuild}. */
export interface CargoBuildOptions {
  /** Directory with the Cargo.toml (a crate or a workspace). */
  readonly cwd: string;
  readonly release?: boolean;
  /** `-p <package>` in a workspace. */
  readonly package?: string;
  /** CARGO_TARGET_DIR, to share compiled dependencies between crates. */
  readonly targetDir?: string;
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
  const env = { ...process.env, ...(options.targetDir ? { CARGO_TARGET_DIR: options.targetDir } : {}) };
  const start = performance.now();
  const proc = Bun.spawn(cmd, { cwd: options.cwd, env, stdout: "pipe", stderr: "pipe" });
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  const ms = performance.now() - start;
  if (code === 0) return { ok: true, ms, errors: "" };
  const diagnostics = stderr
    .split("\n")
    .filter((l) => /\b(error|warning)(\[\w+\])?:/.test(l) && !/^\s*(Compiling|Finished)/.test(l));
  return { ok: false, ms, errors: (diagnostics.length ? diagnostics : stderr.trim().split("\n").slice(-10)).join("\n") };
}

/**
 * One cargo build with its events reported (started, then finished or failed with the compiler's
 * diagnostics): what the dev runner prints. A failed build changes no file, so a game watching the
 * library keeps running the last good code.
 */
export async function reportedBuild(crate: string, options: CargoBuildOptions, report: Reporter): Promise<CargoResult> {
  report({ type: "build", status: "started", crate });
  const result = await cargoBuild(options);
  if (result.ok) report({ type: "build", status: "finished", crate, ms: result.ms });
  else report({ type: "build", status: "failed", crate, ms: result.ms, error: result.errors });
  return result;
}
