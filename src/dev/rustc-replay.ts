/**
 * Replaying cargo's last rustc command for the hot crate. After an edit to nothing but the crate's
 * own `.rs` files, cargo would decide nothing new: it would run the same rustc command as last
 * time. Running that command directly skips cargo's start-up, fingerprinting and job server, about
 * 50 ms of a 220 ms rebuild here (bench/README.md, "Where edit → running goes"). Whatever cargo
 * would decide differently (a Cargo.toml, the lock file, a local dependency's sources, the
 * toolchain, a cargo config, a build script) sends the build back to cargo, which records again.
 */
import { copyFileSync, existsSync, linkSync, readdirSync, realpathSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { z } from "zod";
import type { CargoRecording, RustcCommand } from "./cargo-output.ts";
import { spawnChild } from "./children.ts";

/** What a replayed rustc run did; `trusted` is false when cargo should build instead (not a compile error). */
export interface ReplayResult {
  readonly ok: boolean;
  readonly ms: number;
  readonly errors: string;
  readonly trusted: boolean;
  /** The compiler's warnings of a build that worked, one line each. */
  readonly warnings?: readonly string[];
}

/** `path:mtime:size` of each file, `path:-` when absent: equal stamps mean unchanged files. `stats`: the paths' stats, when taken already. */
function stamp(paths: readonly string[], stats = paths.map(statOf)): string {
  return paths.map((p, i) => `${p}:${stats[i]?.mtimeMs ?? "-"}:${stats[i]?.size ?? "-"}`).join("\n");
}

function statOf(path: string): { mtimeMs: number; size: number } | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Files cargo reads to decide a build, other than sources: manifests, the lock file, a build
 * script, configs and toolchain pins from where cargo ran and from the workspace root up, and
 * cargo's home config.
 */
function cargoInputs(cargoCwd: string, workspace: string, manifestDir: string): string[] {
  const files = new Set([join(workspace, "Cargo.toml"), join(workspace, "Cargo.lock"), join(manifestDir, "Cargo.toml"), join(manifestDir, "build.rs")]);
  for (const from of [cargoCwd, workspace]) {
    for (let d = from; ; d = dirname(d)) {
      for (const f of [".cargo/config.toml", ".cargo/config", "rust-toolchain", "rust-toolchain.toml"]) files.add(join(d, f));
      if (dirname(d) === d) break;
    }
  }
  const home = process.env.CARGO_HOME ?? join(process.env.HOME ?? "/", ".cargo");
  files.add(join(home, "config.toml"));
  files.add(join(home, "config"));
  return [...files];
}

/** Whether any file under `dir` (build outputs and VCS data aside) was modified after `since` (ms). */
function modifiedSince(dir: string, since: number): boolean {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return true; // gone or unreadable: cargo will say what is wrong
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "target" || entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      if (modifiedSince(path, since)) return true;
    } else if ((statOf(path)?.mtimeMs ?? Infinity) > since) return true;
  }
  return false;
}

/** A path with its directory's symlinks resolved (the file itself may be gone: a deleted source). */
function realPath(path: string): string {
  try {
    return join(realpathSync(dirname(path)), basename(path));
  } catch {
    return path;
  }
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

/** The summary lines rustc ends a failed or warned build with: not diagnostics of their own. */
const SUMMARY = /^(error: aborting due to|warning: \d+ warnings? emitted)/;

/** Bumped when what is saved changes meaning: an older file is then ignored. */
const SAVED_VERSION = 2;

/** A recorded command as saved between sessions: the one description writing and reading use. */
const SavedSchema = z.object({
  version: z.literal(SAVED_VERSION),
  command: z.object({ env: z.record(z.string(), z.string()), program: z.string(), args: z.array(z.string()) }),
  cargoCwd: z.string(),
  cwd: z.string(),
  manifestDir: z.string(),
  dependencies: z.array(z.string()),
  since: z.number(),
  inputs: z.string(),
});

/** A recorded command as saved between sessions. */
export type SavedRustc = z.infer<typeof SavedSchema>;

/**
 * A recorded rustc command of the hot crate and what it was recorded against. `covers` says
 * whether a set of changed files can be built by running it again; `run` runs it and, as cargo
 * does, links the library from `deps/` to the profile directory the game watches.
 */
export class RecordedRustc {
  private constructor(
    readonly command: RustcCommand,
    /** Where cargo was run: its configs are read from there up. */
    private readonly cargoCwd: string,
    /** Where cargo ran rustc (the workspace root): the command's relative paths start here. */
    readonly cwd: string,
    /** The package's directory (CARGO_MANIFEST_DIR): its `.rs` files are what a replay builds. */
    readonly manifestDir: string,
    /** The other path packages of the build: local dependencies, whose sources a replay does not rebuild. */
    readonly dependencies: readonly string[],
    /** When cargo started the build this command came from (ms since the epoch). */
    private readonly since: number,
    private readonly inputs: string,
  ) {}

  /**
   * Records what a `-vv` build run from `cargoCwd`, started at `since`, said. Undefined when the
   * command cannot be replayed: a crate with a build script (cargo decides when that runs and what
   * it adds), a program that is not there, sources that cannot be found.
   */
  static record(recording: CargoRecording, cargoCwd: string, since: number): RecordedRustc | undefined {
    const { command } = recording;
    const manifestDir = command.env.CARGO_MANIFEST_DIR;
    if (!manifestDir || command.env.OUT_DIR !== undefined || existsSync(join(manifestDir, "build.rs"))) return undefined;
    if (!existsSync(command.program)) return undefined;
    const source = command.args.find((a) => a.endsWith(".rs") && !a.startsWith("-"));
    if (!source) return undefined;
    // cargo runs rustc in the workspace root: where cargo ran or an ancestor, the one whose
    // reading of the source path lands in the package.
    let cwd: string | undefined;
    for (let d = resolve(cargoCwd); cwd === undefined; d = dirname(d)) {
      const file = resolve(d, source);
      if (existsSync(file) && !relative(manifestDir, file).startsWith("..")) cwd = d;
      else if (dirname(d) === d) return undefined;
    }
    const dependencies = recording.pathPackages.filter((dir) => resolve(dir) !== resolve(manifestDir));
    const inputs = stamp([command.program, ...cargoInputs(cargoCwd, cwd, manifestDir)]);
    return new RecordedRustc(command, cargoCwd, cwd, manifestDir, dependencies, since, inputs);
  }

  /** What {@link RecordedRustc.restore} takes back. */
  toJSON(): SavedRustc {
    const { env, program, args } = this.command;
    return {
      version: SAVED_VERSION,
      command: { env: { ...env }, program, args: [...args] },
      cargoCwd: this.cargoCwd,
      cwd: this.cwd,
      manifestDir: this.manifestDir,
      dependencies: [...this.dependencies],
      since: this.since,
      inputs: this.inputs,
    };
  }

  /** A command saved by an earlier session, if it is well formed (covers() checks it against the files at every save). */
  static restore(saved: unknown): RecordedRustc | undefined {
    const parsed = SavedSchema.safeParse(saved);
    if (!parsed.success) return undefined;
    const s = parsed.data;
    return new RecordedRustc(s.command, s.cargoCwd, s.cwd, s.manifestDir, s.dependencies, s.since, s.inputs);
  }

  /**
   * Whether building `changed` needs nothing but this command again:
   * - every changed file is a `.rs` file of this package, not of a package nested in it;
   * - no file cargo reads to decide changed since it was recorded (the stamp), nor while cargo ran;
   * - no local dependency changed since cargo started that build (cargo would rebuild it first).
   */
  covers(changed: readonly string[]): boolean {
    if (changed.length === 0) return false;
    for (const raw of changed) {
      const path = realPath(raw);
      if (!path.endsWith(".rs") || path === join(this.manifestDir, "build.rs")) return false;
      const rel = relative(this.manifestDir, path);
      if (rel.startsWith("..") || isAbsolute(rel)) return false;
      for (let d = dirname(path); d !== this.manifestDir; d = dirname(d)) {
        if (existsSync(join(d, "Cargo.toml"))) return false;
      }
    }
    const inputs = [this.command.program, ...cargoInputs(this.cargoCwd, this.cwd, this.manifestDir)];
    const stats = inputs.map(statOf);
    if (stamp(inputs, stats) !== this.inputs) return false;
    // Saved while cargo ran: cargo may have read it before or after. Cargo.lock aside, which cargo itself writes.
    if (inputs.some((f, i) => basename(f) !== "Cargo.lock" && (stats[i]?.mtimeMs ?? 0) > this.since)) return false;
    return !this.dependencies.some((dir) => modifiedSince(dir, this.since));
  }

  /**
   * Runs the command; on success links the libraries into the profile directory, as cargo's
   * uplift does. Anything but a compile error (rustc missing, a file that cannot be linked) comes
   * back untrusted, for cargo to build and explain.
   */
  async run(): Promise<ReplayResult> {
    const start = performance.now();
    try {
      return await this.#run(start);
    } catch (e) {
      return { ok: false, ms: performance.now() - start, errors: (e as Error).message, trusted: false };
    }
  }

  async #run(start: number): Promise<ReplayResult> {
    const { env, program, args } = this.command;
    const proc = spawnChild([program, ...args], { cwd: this.cwd, env: { ...process.env, ...env } });
    const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
    const diagnostics: string[] = [];
    const warnings: string[] = [];
    const linked: string[] = []; // the cdylib, and the rlib too for crate-type = ["cdylib", "rlib"]
    let compileError = false;
    for (const line of stderr.split("\n")) {
      if (!line.startsWith("{")) continue;
      let message: { $message_type?: string; level?: string; message?: string; rendered?: string; spans?: { file_name?: string; line_start?: number; column_start?: number; is_primary?: boolean }[]; artifact?: string; emit?: string };
      try {
        message = JSON.parse(line);
      } catch {
        continue;
      }
      if (message.$message_type === "artifact" && message.emit === "link" && message.artifact) linked.push(message.artifact);
      if (message.$message_type !== "diagnostic" || !message.rendered) continue;
      const rendered = stripAnsi(message.rendered).trim();
      if ((message.level === "error" || message.level === "warning") && !SUMMARY.test(rendered)) diagnostics.push(rendered);
      // A warning as cargo's short format says it: one line with its place.
      const span = message.spans?.find((sp) => sp.is_primary) ?? message.spans?.[0];
      if (message.level === "warning" && span?.file_name && message.message) warnings.push(`${span.file_name}:${span.line_start}:${span.column_start}: warning: ${message.message}`);
      if (message.level === "error" && (message.spans?.length ?? 0) > 0) compileError = true;
    }
    if (code === 0 && linked.length > 0) {
      for (const artifact of linked) this.uplift(resolve(this.cwd, artifact));
      return { ok: true, ms: performance.now() - start, errors: "", trusted: true, warnings };
    }
    const errors = diagnostics.length ? diagnostics.join("\n") : stderr.trim().split("\n").slice(-10).join("\n");
    return { ok: false, ms: performance.now() - start, errors, trusted: code !== 0 && compileError };
  }

  /** `target/<profile>/deps/libX.so` → `target/<profile>/libX.so`, by a hard link renamed into place (one new inode). */
  private uplift(library: string): void {
    const deps = dirname(library);
    if (basename(deps) !== "deps") return;
    const dest = join(dirname(deps), basename(library));
    const temp = `${dest}.hotloop-${process.pid}`;
    rmSync(temp, { force: true });
    try {
      linkSync(library, temp);
    } catch {
      copyFileSync(library, temp);
    }
    renameSync(temp, dest);
  }
}
